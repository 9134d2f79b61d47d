"""Turns raw model text into the summary object, recording every repair it had to make.

The legacy pipeline's outputs failed in a handful of recurring shapes: chat-template tokens and a
Chinese continuation after the end of turn, markdown fences, summaries nested inside summaries
(escaped or not), Python-dict quoting, truncation, bullet lists and degenerate repetition. Each is
repaired here and named in ``Normalized.repairs`` so the metrics can count how often a variant
needed help. The function never raises: a scorer must survive any string a model can emit.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

from harness.chat_markup import MARKUP_RE
from harness.cjk import CJK_CHAR, CJK_RANGES
from harness.writers.contract import SUMMARY_KEYS, split_sentences, summary_errors

MAX_NESTING = 3
_MAX_DECODE_ATTEMPTS = 64
_MAX_LITERAL_CHARS = 20_000

_END_TOKENS = re.compile(r"<\|(?:im_end|endoftext|eot_id|end|end_of_text)\|>|</s>|<end_of_turn>|<eos>")
_ANY_SPECIAL = MARKUP_RE
"""Every added token of Qwen2.5 and other families' chat markup (one shared list)."""
_ROLE_LINE = re.compile(r"^\s*(?:system|user|assistant)\s*\n")
_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_CJK_PUNCT = "\u3001\u3002\uff0c\uff01\uff1f\uff1b\uff1a\u201c\u201d\uff08\uff09\u300a\u300b"
_CJK_RUN = re.compile(f"[{CJK_RANGES}](?:[{CJK_RANGES}{_CJK_PUNCT}\\s\\d,.:;!?()]*[{CJK_RANGES}{_CJK_PUNCT}])?")
_HANGUL = re.compile("[가-힣]")
_HEADER = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_BULLET = re.compile(r"^\s*(?:[-*+•·▪●◦]|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")
_LABEL = re.compile(r"^\s*[\"']?(?:marketOverviewSummary|growthSummary)[\"']?\s*[:：]\s*", re.IGNORECASE)
_KEY_VALUE = {
    key: re.compile(
        rf"""(["']){key}\1\s*:\s*(?P<q>["'])(?P<body>(?:\\.|(?!(?P=q)).)*)(?P=q)?""", re.DOTALL
    )
    for key in SUMMARY_KEYS
}
_WRAPPER_KEYS = ("summary", "summaries", "result", "output", "response", "answer", "data", "content")
_TERMINAL = (".", "!", "?", "。", "…")


@dataclass(frozen=True)
class Normalized:
    """The cleaned summary pair, the repairs that produced it, and whether it meets the contract."""

    summary: dict[str, str]
    repairs: tuple[str, ...]
    json_ok: bool


def normalize_output(raw: str) -> Normalized:
    """Extracts ``{"marketOverviewSummary", "growthSummary"}`` from raw model text; never raises.

    Args:
        raw: the text exactly as the model emitted it.

    Returns:
        ``Normalized`` with both keys present (empty strings when nothing usable was found).
    """
    repairs: list[str] = []
    try:
        summary = _normalize(raw if isinstance(raw, str) else str(raw), repairs)
    except Exception:  # noqa: BLE001 - the contract is "never raises"; the failure is recorded
        repairs.append("internal_error")
        summary = dict.fromkeys(SUMMARY_KEYS, "")
    ok = all(summary[key] for key in SUMMARY_KEYS) and not summary_errors(summary)
    return Normalized(summary, tuple(dict.fromkeys(repairs)), ok)


def _normalize(raw: str, repairs: list[str]) -> dict[str, str]:
    if not raw.strip():
        repairs.append("empty")
        return dict.fromkeys(SUMMARY_KEYS, "")
    text = _strip_special_tokens(raw, repairs)
    fenced = _FENCE.search(text)
    if fenced and "{" in fenced.group(1):
        repairs.append("code_fence")
        text = fenced.group(1)
    obj = _first_object(text, repairs)
    found: dict[str, str] = {}
    if obj is not None:
        found = _collect(obj, 0, repairs)
    if not any(found.values()):
        found = _extract_keys(text, repairs, 0)
    if not any(found.values()):
        repairs.append("no_json_split")
        found = _split_plain(text)
    return {key: _clean_text(found.get(key, ""), repairs) for key in SUMMARY_KEYS}


def _strip_special_tokens(text: str, repairs: list[str]) -> str:
    """Cuts at the first end-of-turn token that follows real content and drops the rest of the tokens."""
    pos = 0
    while (match := _END_TOKENS.search(text, pos)) is not None:
        # Only the stretch since the previous end token can hold new content (everything before it
        # was markup or blank), so each character is looked at once: 200,000 tokens stay linear.
        if _ANY_SPECIAL.sub("", text[pos : match.start()]).strip():
            if text[match.end() :].strip():
                repairs.append("cut_after_end_token")
            text = text[: match.start()]
            break
        pos = match.end()
    if _ANY_SPECIAL.search(text):
        repairs.append("special_tokens")
        text = _ANY_SPECIAL.sub("", text)
        text = _ROLE_LINE.sub("", text)
    return text


def _first_object(text: str, repairs: list[str]) -> dict[str, Any] | None:
    """The first complete JSON object holding a summary key (else the first object at all)."""
    decoder = json.JSONDecoder()
    first: dict[str, Any] | None = None
    start = text.find("{")
    attempts = 0
    while start != -1 and attempts < _MAX_DECODE_ATTEMPTS:
        attempts += 1
        try:
            obj, _ = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict):
            if _mentions_key(obj, 0):
                return obj
            first = first if first is not None else obj
        start = text.find("{", start + 1)
    literal = _python_literal(text)
    if literal is not None:
        repairs.append("python_literal")
        return literal
    return first


def _python_literal(text: str) -> dict[str, Any] | None:
    """Parses Python-dict quoting (``{'marketOverviewSummary': '...'}``) between the outer braces."""
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start or end - start > _MAX_LITERAL_CHARS:
        return None
    try:
        obj = ast.literal_eval(text[start : end + 1])
    except Exception:  # noqa: BLE001 - literal_eval raises many types (and RecursionError) on junk
        return None
    return obj if isinstance(obj, dict) and _mentions_key(obj, 0) else None


def _mentions_key(obj: Any, depth: int) -> bool:
    if depth > MAX_NESTING or not isinstance(obj, dict):
        return False
    if any(key in obj for key in SUMMARY_KEYS):
        return True
    return any(_mentions_key(obj.get(w), depth + 1) for w in _WRAPPER_KEYS)


def _parse_embedded(value: str) -> dict[str, Any] | None:
    """A summary value that is itself a JSON (or Python-literal) object, as text."""
    stripped = value.strip()
    if not stripped.startswith("{"):
        return None
    try:
        obj, _ = json.JSONDecoder().raw_decode(stripped)
    except (ValueError, RecursionError):
        obj = _python_literal(stripped)
    return obj if isinstance(obj, dict) else None


def _collect(obj: dict[str, Any], depth: int, repairs: list[str]) -> dict[str, str]:
    """Summary strings from ``obj``, unwrapping values that are summary objects, up to three levels."""
    if depth > MAX_NESTING:
        return {}
    if not any(key in obj for key in SUMMARY_KEYS):
        for wrapper in _WRAPPER_KEYS:
            inner = obj.get(wrapper)
            if isinstance(inner, str):
                inner = _parse_embedded(inner)
            if isinstance(inner, dict) and _mentions_key(inner, 0):
                repairs.append("unwrap_wrapper")
                return _collect(inner, depth + 1, repairs)
        return {}
    found: dict[str, str] = {}
    fallback: dict[str, str] = {}
    for key in SUMMARY_KEYS:
        value = obj.get(key)
        inner = value if isinstance(value, dict) else _parse_embedded(value) if isinstance(value, str) else None
        if inner is not None and depth < MAX_NESTING:
            repairs.append("nested_json")
            nested = _collect(inner, depth + 1, repairs)
            found[key] = nested.get(key, "")
            fallback.update({k: v for k, v in nested.items() if v})
        elif isinstance(value, str):
            found[key] = value
        elif isinstance(value, list):
            repairs.append("list_value")
            found[key] = "\n".join(str(item) for item in value if isinstance(item, str | int | float))
    for key in SUMMARY_KEYS:
        if not found.get(key) and fallback.get(key):
            found[key] = fallback[key]
    return found


def _extract_keys(text: str, repairs: list[str], depth: int) -> dict[str, str]:
    """Reads ``"key": "value`` pairs from broken or truncated JSON (an unclosed string is kept).

    A value that is itself (escaped) summary JSON, cut off too, is read the same way, up to
    three levels.
    """
    found: dict[str, str] = {}
    fallback: dict[str, str] = {}
    for key, pattern in _KEY_VALUE.items():
        match = pattern.search(text)
        if not match:
            continue
        value = _unescape(match.group("body"), match.group("q"))
        if value.lstrip().startswith("{") and depth < MAX_NESTING and any(k in value for k in SUMMARY_KEYS):
            repairs.append("nested_json")
            inner = _first_object(value, repairs)
            nested = _collect(inner, depth + 1, repairs) if inner else {}
            if not any(nested.values()):
                nested = _extract_keys(value, repairs, depth + 1)
            found[key] = nested.get(key, "")
            fallback.update({k: v for k, v in nested.items() if v})
        else:
            found[key] = value
    for key in SUMMARY_KEYS:
        if not found.get(key) and fallback.get(key):
            found[key] = fallback[key]
    if any(found.values()) and depth == 0:
        repairs.append("truncated_json" if text.rstrip()[-1:] != "}" else "broken_json")
    return found


def _unescape(body: str, quote: str) -> str:
    try:
        return json.loads(f'"{body}"') if quote == '"' else str(ast.literal_eval(f"'{body}'"))
    except Exception:  # noqa: BLE001 - best effort: keep the text with simple escapes undone
        return body.replace('\\"', '"').replace("\\'", "'").replace("\\n", "\n")


def _split_plain(text: str) -> dict[str, str]:
    """Best-effort split of text without JSON: labelled sections, else paragraphs, else sentences."""
    labelled: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        label = re.match(r"^\W*(marketOverviewSummary|growthSummary)\W*[:：]?", line, re.IGNORECASE)
        if label:
            current = next(k for k in SUMMARY_KEYS if k.lower() == label.group(1).lower())
            line = line[label.end() :]
        if current:
            labelled.setdefault(current, []).append(line)
    if len(labelled) == len(SUMMARY_KEYS):
        return {key: "\n".join(lines) for key, lines in labelled.items()}
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if _HANGUL.search(p)]
    if len(paragraphs) >= 2:
        return {SUMMARY_KEYS[0]: paragraphs[0], SUMMARY_KEYS[1]: "\n".join(paragraphs[1:])}
    sentences = split_sentences(text)
    half = (len(sentences) + 1) // 2
    return {SUMMARY_KEYS[0]: " ".join(sentences[:half]), SUMMARY_KEYS[1]: " ".join(sentences[half:])}


def _clean_text(text: str, repairs: list[str]) -> str:
    """Markdown, CJK runs and repeated sentences out; sentences joined by single spaces."""
    if not isinstance(text, str) or not text:
        return ""
    if _ANY_SPECIAL.search(text):
        repairs.append("special_tokens")
        text = _ANY_SPECIAL.sub("", text)
    text = _cut_cjk(text, repairs)
    lines: list[str] = []
    for line in text.splitlines():
        if _HEADER.match(line):
            repairs.append("markdown")
            continue
        cleaned = _LABEL.sub("", _BULLET.sub("", line))
        if cleaned != line:
            repairs.append("markdown")
        if _EMPHASIS.search(cleaned):
            repairs.append("markdown")
            cleaned = _EMPHASIS.sub("", cleaned)
        cleaned = " ".join(cleaned.split())
        if cleaned:
            lines.append(cleaned)
    if len(lines) > 1:
        lines = [ln if ln.endswith(_TERMINAL) else ln + "." for ln in lines]
    seen: set[str] = set()
    kept: list[str] = []
    for sentence in split_sentences(" ".join(lines)):
        key = "".join(sentence.split())
        if key in seen:
            repairs.append("dedup_sentences")
            continue
        seen.add(key)
        kept.append(sentence)
    return " ".join(kept)


def _cut_cjk(text: str, repairs: list[str]) -> str:
    """Cuts a trailing Chinese/Japanese passage (no Hangul after it) and removes inner Han/kana runs."""
    first = CJK_CHAR.search(text)
    if first is None:
        return text
    for match in _CJK_RUN.finditer(text):
        if not _HANGUL.search(text, match.start()):
            repairs.append("cjk_tail_cut")
            text = text[: match.start()]
            break
    if CJK_CHAR.search(text):
        repairs.append("cjk_removed")
        text = _CJK_RUN.sub(" ", text)
        text = re.sub(r"[ \t]+([.,!?])", r"\1", text)
    return text
