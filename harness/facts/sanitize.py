"""The one sanitiser for untrusted text on its way into a prompt, a facts file or a report.

Review text and product fields (brand, category names, tags, specification segments) are written
by customers and sellers; every one of them can reach a model prompt through the facts. Before
that, :func:`sanitize` does three things, always in the same way:

* masks personal data in every common Korean spelling: resident registration and foreigner
  numbers, mobile and landline numbers (``(010)1234-5678``, ``010 - 1234 - 5678``, ``+82 10``),
  e-mail addresses (``@``, ``＠``, ``[at]``, ``(at)``, ``골뱅이``, ``[dot]``, ``닷컴``) and
  account-number-like digit runs; full-width digits and signs are read as their ASCII twins;
* removes chat markup: every added token of the Qwen2.5 tokenizer and other families' markup
  (:mod:`harness.chat_markup`), repeatedly, so removing one token cannot splice a new one;
* flags text that addresses a model ("Forget everything above", "지시사항을 모두 무시하고",
  ``[INST]``): such reviews are never examples or keywords, such product fields are withheld.

Product facts must survive: model numbers, capacities (150ml), years, dates, prices with
thousands separators and counts are never masked (property tests generate both sides).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from harness.chat_markup import MARKUP_RE

MASKS = {"rrn": "[주민번호]", "phone": "[전화번호]", "email": "[이메일]", "account": "[계좌번호]"}
WITHHELD = "[지시문 제외]"  # a product field that reads as an instruction to a model
MAX_MARKUP_PASSES = 8

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, one character for one, so spans
# found in the folded text are the same spans in the original.
_FOLD = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}
FULLWIDTH_CLASS = "[\uff01-\uff5e\u3000]"

_SEP = r"[ \t\-.·~_/]{0,3}"  # what people type between digit groups: 010-1234-5678, 010 - 1234 - 5678, 010.1234.5678
_RRN = (
    rf"(?<!\d)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]){_SEP}[1-8](?:\d{{6}}|[*xX]{{6}})(?!\d)"
)
_MOBILE = (
    rf"(?<!\d)(?:\+\s?82{_SEP}\(?\s?0?\s?\)?\s?|\(\s?0|0)1[016789]\s?\)?{_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)"
)
_LANDLINE = rf"(?<!\d)(?:\(\s?0|0)(?:2|[3-6][1-5]|70|50[2-8])\s?\)?{_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)"
_REPRESENTATIVE = r"(?<!\d)1[568]\d{2}[-.]\d{4}(?!\d|\s?(?:원|개|ml|g|kg|mm|cm|%))"  # not a range 1500-2000원
_AT = r"\s*(?:@|\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\}|골뱅이)\s*"
_DOT = r"\s*(?:\.|\[\s*dot\s*\]|\(\s*dot\s*\)|점|닷)\s*"
_DOMAIN = rf"[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}(?:[a-z]{{2,}}|컴|넷)"
_PORTAL = r"(?:네이버|다음|한메일|지메일|네이트|카카오)(?:\s*(?:닷컴|점컴|\.\s*com|\.\s*net))?"
_EMAIL = rf"[a-z0-9._%+-]+{_AT}(?:{_DOMAIN}|{_PORTAL})"
_ACCOUNT_GROUPS = r"(?<![\d,.-])\d{2,6}(?:-\d{1,8}){1,5}(?![\d,-]|\.\d)"  # 110-123-456789, 352-1234-5678-93
_ACCOUNT_RUN = r"(?<![\d,.])\d{10,20}(?![\d,]|\.\d)"  # a bare 10+ digit run (not a phone, checked first)
_ACCOUNT_CONTEXT = r"(?:계좌|입금|송금|은행|account|acct)\D{0,12}?(\d[\d \-]{6,}\d)"
MIN_ACCOUNT_DIGITS = 10

PII_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("rrn", _RRN),
        ("email", _EMAIL),
        ("phone", _MOBILE),
        ("phone", _LANDLINE),
        ("phone", _REPRESENTATIVE),
        ("account", _ACCOUNT_GROUPS),
        ("account", _ACCOUNT_RUN),
    )
)
ACCOUNT_CONTEXT_RE = re.compile(_ACCOUNT_CONTEXT, re.IGNORECASE)

# Instructions aimed at a model. No look-arounds or back-references: the vectorised scan runs the
# same patterns through pandas (RE2 for Arrow-backed strings).
INSTRUCTION_PATTERNS: tuple[str, ...] = (
    r"이전\s*(?:의\s*)?(?:지시|지침|명령|프롬프트)",
    r"(?:지시|지침|명령|규칙)\s*(?:사항|문)?\S{0,2}\s*(?:을|를|은|는)?\s*(?:모두|전부|다|싹)?\s*(?:무시|잊)",
    r"(?:위|앞|이전|지금까지)\s*(?:의|에서)?\s*(?:내용|지시|대화|말|글)\S{0,2}\s*(?:모두|전부|다)?\s*(?:무시|잊)",
    r"무시하고\s*(?:다음|아래)",
    r"지금부터\s*(?:너는|넌|당신은|너의|당신의)",
    r"(?:너는|넌|당신은)\s*이제",
    r"(?:역할|페르소나)\s*(?:을|를)?\s*(?:바꿔|변경)",
    r"(?:시스템|system)\s*(?:프롬프트|prompt)",
    r"json\s*(?:으로|형식으로|로)?\s*(?:출력|답|응답|작성)",
    r"(?:출력|응답)\s*형식",
    r"(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|every\s*thing\s+|everything\s+)?"
    r"(?:of\s+)?(?:the\s+|your\s+|my\s+|these\s+)?(?:previous|prior|above|earlier|preceding|original|system|instructions?|rules)",
    r"(?:ignore|disregard|forget)\s+(?:all|everything|anything)\s+(?:you|i|that|before)",
    r"(?:new|updated|real)\s+instructions?\s*:",
    r"you\s+are\s+now",
    r"act\s+as\s+(?:a|an|the|my)\s",
    r"pretend\s+(?:to\s+be|you\s+are)",
    r"jailbreak|developer\s+mode|do\s+anything\s+now",
    r"\b(?:assistant|system)\s*:",
)
INSTRUCTION_RE = re.compile("|".join(INSTRUCTION_PATTERNS), re.IGNORECASE)
# Every instruction and markup pattern contains one of these; a literal scan for them is much
# cheaper than the patterns, which then run only on the rows that contain one (a test checks
# that the vectorised path agrees with :func:`sanitize` on every sample).
HINTS = (
    "이전", "무시", "잊", "지금부터", "이제", "역할", "페르소나", "프롬프트", "prompt", "json", "형식", "ignore",
    "disregard", "forget", "override", "bypass", "instruction", "you", "act", "pretend", "jailbreak", "developer",
    "anything", "assistant", "system", "<", "[inst", "[/inst",
)  # fmt: skip


@dataclass(frozen=True)
class Sanitized:
    """A sanitised text and what was done to it.

    Attributes:
        text: the text with personal data masked and chat markup removed.
        masked: one kind per masked span (``rrn``, ``phone``, ``email``, ``account``).
        markup: chat-markup tokens removed.
        instruction: the text reads as an instruction to a model (or carried chat markup).
    """

    text: str
    masked: tuple[str, ...] = ()
    markup: int = 0
    instruction: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.masked or self.markup)


def fold(text: str) -> str:
    """Full-width ASCII and the ideographic space as plain ASCII (same length, same positions)."""
    return text.translate(_FOLD)


def _pii_spans(folded: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans, earlier patterns winning (RRN before account)."""
    spans: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in spans)

    for kind, pattern in PII_PATTERNS:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if kind == "account" and sum(ch.isdigit() for ch in match.group()) < MIN_ACCOUNT_DIGITS:
                continue
            if free(start, end):
                spans.append((start, end, kind))
    for match in ACCOUNT_CONTEXT_RE.finditer(folded):
        start, end = match.span(1)
        if sum(ch.isdigit() for ch in match.group(1)) >= 8 and free(start, end):
            spans.append((start, end, "account"))
    return sorted(spans)


def _remove_markup(text: str) -> tuple[str, int]:
    """Removes chat markup, joining the pieces with a space: no token contains whitespace, so the
    join cannot splice a new one; the loop re-checks anyway."""
    removed = 0
    for _ in range(MAX_MARKUP_PASSES):
        spans = [m.span() for m in MARKUP_RE.finditer(fold(text))]
        if not spans:
            return text, removed
        removed += len(spans)
        parts, last = [], 0
        for start, end in spans:
            parts.append(text[last:start])
            last = end
        parts.append(text[last:])
        text = " ".join(parts)
    return re.sub(r"[<>|\[\]\uff1c\uff1e\uff5c\uff3b\uff3d]", " ", text), removed  # never reached in practice


@lru_cache(maxsize=65536)
def sanitize(text: str) -> Sanitized:
    """Masks personal data, removes chat markup and flags instructions (cached: fields repeat)."""
    folded = fold(text)
    instruction = INSTRUCTION_RE.search(folded) is not None
    out, markup = _remove_markup(text)
    if markup:
        instruction = True
        folded = fold(out)
    spans = _pii_spans(folded)
    if spans:
        parts, last = [], 0
        for start, end, kind in spans:
            parts.append(out[last:start])
            parts.append(MASKS[kind])
            last = end
        parts.append(out[last:])
        out = "".join(parts)
    if markup:
        out = " ".join(out.split())
    return Sanitized(out, tuple(kind for _, _, kind in spans), markup, instruction)


def publishable(text: str) -> tuple[str, Sanitized]:
    """What a product field or an example may say: sanitised, or :data:`WITHHELD` when it is an instruction."""
    result = sanitize(text)
    return (WITHHELD if result.instruction else result.text), result


def is_instruction(text: str) -> bool:
    """True when the text (after HTML unescaping) addresses a model or carries chat markup."""
    return sanitize(html.unescape(text)).instruction


def _contains(texts: pd.Series, pattern: str) -> np.ndarray:
    return texts.str.contains(pattern, regex=True, na=False).to_numpy(dtype=bool, na_value=False)


def instruction_flags(texts: pd.Series) -> np.ndarray:
    """Bool per text, equal to :func:`is_instruction` of each (vectorised for millions of reviews).

    A literal pre-filter finds the few rows that can match; the patterns run on those; rows with
    full-width characters or HTML entities are decided one by one by :func:`is_instruction`.
    """
    out = np.zeros(len(texts), dtype=bool)
    hint = "(?i)" + "|".join(re.escape(h) for h in HINTS) + "|&|" + FULLWIDTH_CLASS
    rows = np.flatnonzero(_contains(texts, hint))
    if not rows.size:
        return out
    subset = texts.iloc[rows]
    out[rows] = _contains(subset, "(?i)" + "|".join(INSTRUCTION_PATTERNS) + "|" + MARKUP_RE.pattern)
    slow = np.flatnonzero(_contains(subset, FULLWIDTH_CLASS + "|&"))
    for i in slow:
        out[rows[i]] = is_instruction(str(subset.iloc[i]))
    return out


FACT_FIELDS = (("topBrands", "name"), ("topTags", "tag"), ("topSegments", "segment"))
INSIGHT_LISTS = (("topKeywords", "keyword"), ("distinctiveKeywords", "keyword"), ("usageScenarios", "scenario"),
                 ("ageMentions", "age"))  # fmt: skip
EXAMPLE_LISTS = ("positiveExamples", "negativeExamples")


class _Tally:
    """Counts for a facts object's ``dataQuality``."""

    def __init__(self) -> None:
        self.pii = 0
        self.markup = 0
        self.withheld = 0

    def clean(self, text: Any) -> Any:
        if not isinstance(text, str):
            return text
        out, result = publishable(text)
        self.pii += len(result.masked)
        self.markup += result.markup
        self.withheld += int(result.instruction)
        return out

    def clean_example(self, text: Any) -> Any:
        """Examples were sanitised before they were cut (``example_text``); their masks are counted here."""
        if isinstance(text, str):
            self.pii += sum(text.count(mask) for mask in MASKS.values())
        return self.clean(text)


def sanitize_facts(facts: dict[str, Any]) -> dict[str, int]:
    """Cleans every free text of one facts object in place; returns the counts for ``dataQuality``.

    The numbers were computed on the raw values (two brands stay two brands); only the names a
    reader or a model sees are cleaned.
    """
    tally = _Tally()
    for key in ("categoryName", "categoryPath"):
        if key in facts:
            facts[key] = tally.clean(facts[key])
    metrics = facts.get("metrics") or {}
    for list_key, field in FACT_FIELDS:
        for item in metrics.get(list_key) or []:
            if isinstance(item, dict) and field in item:
                item[field] = tally.clean(item[field])
    insights = facts.get("reviewInsights") or {}
    for list_key, field in INSIGHT_LISTS:
        for item in insights.get(list_key) or []:
            if isinstance(item, dict) and field in item:
                item[field] = tally.clean(item[field])
    for list_key in EXAMPLE_LISTS:
        if isinstance(insights.get(list_key), list):
            insights[list_key] = [tally.clean_example(text) for text in insights[list_key]]
    return {"textPiiMasked": tally.pii, "textMarkupRemoved": tally.markup, "textFieldsWithheld": tally.withheld}


def count_texts(texts: Iterable[Any]) -> Counter[str]:
    """How many texts carry each kind of personal data, chat markup or an instruction (data check)."""
    counts: Counter[str] = Counter()
    for text in texts:
        if not isinstance(text, str) or not text:
            continue
        result = sanitize(html.unescape(text))
        for kind in set(result.masked):
            counts[kind] += 1
        counts["markup"] += int(result.markup > 0)
        counts["instruction"] += int(result.instruction)
    return counts


# Rows that can hold personal data: seven digits within a short window, or an e-mail sign.
PII_PREFILTER = r"(?:[0-9０-９][^0-9０-９]{0,3}){7}|@|＠|(?i:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\})|골뱅이"


def _values(column: pd.Series) -> list[str]:
    """Distinct non-blank texts of a product column (lists and dicts contribute their members)."""
    out: set[str] = set()
    pairs = isinstance(column.dtype, pd.ArrowDtype) and pa.types.is_map(column.dtype.pyarrow_dtype)
    for value in column.dropna().tolist():
        if pairs:  # the loader's specifications: a map cell reads as (key, value) pairs
            value = dict(value)
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        out.update(str(item) for item in items if item is not None and str(item).strip())
    return sorted(out)


def export_text_counts(products: pd.DataFrame, reviews: pd.DataFrame | None) -> dict[str, int]:
    """What the sanitiser masks, removes and drops in a whole export (``harness data check``).

    Reviews are counted once per kind; product fields once per distinct value (a brand repeated
    on a thousand products is one value to clean).
    """
    counts: dict[str, int] = {}
    if reviews is not None and "review_text" in reviews.columns:
        texts = reviews["review_text"]
        rows = np.flatnonzero(_contains(texts, PII_PREFILTER) | instruction_flags(texts))
        found = count_texts(texts.iloc[rows].tolist())
        for kind in MASKS:
            counts[f"reviews_{kind}_masked"] = found[kind]
        counts["reviews_markup_removed"] = found["markup"]
        counts["reviews_instruction_excluded"] = found["instruction"]
    fields = [c for c in ("manufacturer", "category", "review_tags", "specifications") if c in products.columns]
    values = [text for column in fields for text in _values(products[column])]
    found = count_texts(values)
    counts["product_values_pii_masked"] = sum(found[kind] for kind in MASKS)
    counts["product_values_markup_removed"] = found["markup"]
    counts["product_values_withheld"] = found["instruction"]
    return counts
