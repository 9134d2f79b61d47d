"""The prompt format, shared by SFT data and generation: facts -> chat turns, and which parts may go.

One module so that training and inference cannot drift: the system turn, the facts fields the
user turn holds, float rounding, the assistant turn's JSON, and the prompt/completion split TRL
trains on all live here.

The prompt holds every facts field the template writer (the SFT targets' author,
:mod:`harness.writers`) reads, besides the legacy fields and review examples it always held; of the
added fields only what the template uses. So a target never states a number or names a keyword its
prompt lacks (``tests/train/test_prompt_covers_target.py`` scores the
template's summaries against the prompt with the project's own fidelity scorer):

- ``metrics``: the legacy fields plus ``hhi``, ``unbrandedReviewShare`` (named when at least 15%)
  and ``priceChange6m`` (the 6-month price move, named when at least 5%);
- ``growthData``: year, review count and growth rate; ``partial`` on every row of facts that carry
  yearly coverage (legacy facts do not, and the template then says the last year's completeness is
  unknown); ``monthsCovered`` and ``annualizedReviewCount`` on a partial year only (the template
  states both); a year the export does not reach at all (``monthsCovered`` 0) is left out, as the
  writer leaves it out;
- ``reviewInsights`` (only with review text): ``topKeywords``, ``distinctiveKeywords`` (the words
  only, in rank order: the template names up to three and never states their scores),
  ``usageScenarios``, the review examples, ``hasReviewText`` and ``reviewTextCount``.
  ``ageMentions`` stays out: the template's ages come from the spec segments.

Without review text the prompt has no ``reviewInsights`` at all, and the SFT target is written from
:func:`shown_facts` (the facts without them), so it cannot say what only the insights tell.

The prompt's optional parts, trimmed in this order when an example must fit a token budget
(:mod:`harness.train.budget`), least informative first:

1. review examples (``negativeExamples`` and ``positiveExamples``), the last of each first,
   alternating: free text, the longest and least checkable part of a prompt;
2. product tags (``metrics.topTags``), lowest-ranked first: the template names them only when the
   review text gives no keyword (about 130 Qwen2.5 tokens that the longest examples need for the
   distinctive keywords and partial-year fields);
3. review keywords (``topKeywords``), lowest-ranked first: the template names them only when a
   facts object has no distinctive keywords;
4. distinctive keywords (``distinctiveKeywords``), lowest-ranked first;
5. usage scenarios (``usageScenarios``), lowest-ranked first.

An item whose text the target quotes is never trimmed, so a target never states something its
prompt lost. The market metrics (brands, segments, shares), growth data and counts are never
optional.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from harness.chat_markup import END_OF_TURN

PROMPT_FORMAT = 2
"""Bumped when the prompt's fields change (1: legacy fields, hhi and some insights; 2: every field the
template reads). The SFT build record, and through it an adapter's ``training_metadata.json``, records
the format its examples were built in, and generation refuses an adapter of another format
(:func:`harness.train.generate.refuse_other_prompt_format`); a stand-in base records the format of
the chat pairs it pretrained on and is rebuilt when it differs (:func:`harness.train.tiny_model.is_current_build`)."""
METRIC_KEYS = (
    "productCount", "brandCount", "totalReviewCount", "avgRatingWeighted", "ratingHistogram",
    "zeroReviewRatio", "lowRatingRatio", "top3BrandShare", "hhi", "topBrands", "topTags", "topSegments",
    "unbrandedReviewShare", "priceChange6m",
)  # fmt: skip
INSIGHT_KEYS = ("topKeywords", "distinctiveKeywords", "usageScenarios", "positiveExamples", "negativeExamples",
                "hasReviewText", "reviewTextCount")  # fmt: skip
YEAR_KEYS = ("year", "reviewCount", "growthRate")
PARTIAL_YEAR_KEYS = ("monthsCovered", "annualizedReviewCount")
OptionalPart = tuple[str, int]
"""``(key, index)`` of one trimmable item: a ``reviewInsights`` list, or ``topTags`` of ``metrics``."""
_RANKED = (("topTags", "tag"), ("topKeywords", "keyword"), ("distinctiveKeywords", "keyword"),
           ("usageScenarios", "scenario"))  # fmt: skip
_SECTION = {"topTags": "metrics"}  # where a trimmable list lives when not in reviewInsights


def _home(key: str) -> str:
    """The prompt section holding trimmable list ``key``."""
    return _SECTION.get(key, "reviewInsights")


def prompt_facts(facts: Mapping[str, Any], use_review_text: bool) -> dict[str, Any]:
    """The model's input: the facts fields the template reads (module docstring), floats rounded.

    Scoring still checks numbers against the full facts; only the prompt is rounded. Fields a
    legacy facts object lacks are simply absent, so old and new facts give the same shape.
    """
    metrics = facts.get("metrics") or {}
    out: dict[str, Any] = {
        "reportType": facts.get("reportType", "market_report_summary"),
        "categoryId": facts.get("categoryId"),
        "categoryName": facts.get("categoryName"),
        "metrics": {k: metrics[k] for k in METRIC_KEYS if k in metrics},
        "growthData": [year for row in facts.get("growthData") or [] if (year := _year(row)) is not None],
    }
    insights = facts.get("reviewInsights")
    if use_review_text and isinstance(insights, Mapping):
        out["reviewInsights"] = {k: _insight(k, insights[k]) for k in INSIGHT_KEYS if k in insights}
    return round_floats(out)


def shown_facts(facts: Mapping[str, Any], use_review_text: bool) -> dict[str, Any]:
    """The facts a target may be written from: without ``reviewInsights`` when the prompt has none.

    With review text off the prompt carries no insights; a template target written from the full
    facts would still say "리뷰 텍스트가 없어" or quote a keyword, which the model could only invent.
    """
    if use_review_text or "reviewInsights" not in facts:
        return dict(facts)
    return {k: v for k, v in facts.items() if k != "reviewInsights"}


def _year(row: Any) -> dict[str, Any] | None:
    """One ``growthData`` row as the prompt shows it (None: a year the export does not reach)."""
    if not isinstance(row, Mapping):
        return None
    out = {k: row[k] for k in YEAR_KEYS if k in row}
    if "partial" in row or "monthsCovered" in row:
        partial = bool(row.get("partial"))
        if partial and row.get("monthsCovered") == 0:
            return None  # the writer skips it too: it says nothing about demand
        out["partial"] = partial
        if partial:
            out.update({k: row[k] for k in PARTIAL_YEAR_KEYS if row.get(k) is not None})
    return out


def _insight(key: str, value: Any) -> Any:
    """Distinctive keywords as their words only (the scores are never stated); other fields as they are."""
    if key == "distinctiveKeywords" and isinstance(value, list):
        words = (item.get("keyword") if isinstance(item, Mapping) else item for item in value)
        return [word for word in words if isinstance(word, str) and word.strip()]
    return value


def round_floats(obj: Any, digits: int = 4) -> Any:
    """Floats cut to ``digits`` decimals: Qwen tokenizes digit by digit, so 0.38618063112078344 costs 19
    tokens where 0.3862 (enough for the "38.6%" a summary states) costs 6."""
    if isinstance(obj, float):
        return round(obj, digits)
    # Members are tested inline and only containers recurse: most members are leaves, and every
    # SFT sample's prompt has over a hundred of them.
    if isinstance(obj, dict):
        return {
            k: round(v, digits) if isinstance(v, float) else round_floats(v, digits) if isinstance(v, (dict, list)) else v
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [
            round(v, digits) if isinstance(v, float) else round_floats(v, digits) if isinstance(v, (dict, list)) else v
            for v in obj
        ]
    return obj


def summary_json(target: Mapping[str, str]) -> str:
    """The assistant turn: the two summaries as one JSON object, keys in contract order."""
    summary = {"marketOverviewSummary": target["marketOverviewSummary"], "growthSummary": target["growthSummary"]}
    return json.dumps(summary, ensure_ascii=False)


def messages_for(prompt: Mapping[str, Any], system_prompt: str, target: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """System + user (the compact prompt facts JSON) [+ assistant (summary JSON)] turns."""
    user = json.dumps(prompt, ensure_ascii=False, separators=(",", ":"))
    messages = [{"role": "system", "content": system_prompt}, {"role": "user", "content": user}]
    if target is not None:
        messages.append({"role": "assistant", "content": summary_json(target)})
    return messages


def build_messages(
    facts: Mapping[str, Any], system_prompt: str, use_review_text: bool, target: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """System + user (compact facts JSON) [+ assistant (summary JSON)] turns for one example."""
    return messages_for(prompt_facts(facts, use_review_text), system_prompt, target)


def to_prompt_completion(messages: list[dict[str, str]], tokenizer: Any) -> dict[str, str]:
    """Prompt (chat template up to ``<|im_start|>assistant\\n``) and completion (answer + ``<|im_end|>``).

    Qwen's template has no generation markers, so TRL's assistant-only loss cannot find the answer;
    a prompt-completion pair with completion-only loss masks exactly the prompt. The prompt is the
    one generation uses, and the completion ends with the end-of-turn token, so the model learns
    to stop (the legacy targets lacked it and the old model ran on into ``<|im_end|>`` and Chinese).
    """
    return {"prompt": chat_prompt(messages[:-1], tokenizer), "completion": messages[-1]["content"] + END_OF_TURN}


def chat_prompt(messages: Sequence[Mapping[str, str]], tokenizer: Any) -> str:
    """The chat-template text generation starts from (system and user turns, then the assistant header)."""
    return tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=True)


def optional_parts(prompt: Mapping[str, Any], target_text: str) -> list[OptionalPart]:
    """The prompt's trimmable items in trim order (module docstring); items the target quotes are kept."""
    parts: list[OptionalPart] = []
    insights = _section(prompt, "reviewInsights")
    pos = _list(insights, "positiveExamples")
    neg = _list(insights, "negativeExamples")
    for back in range(max(len(pos), len(neg))):
        for key, items in (("negativeExamples", neg), ("positiveExamples", pos)):
            index = len(items) - 1 - back
            if index >= 0 and not (isinstance(items[index], str) and items[index] and items[index] in target_text):
                parts.append((key, index))
    for key, label in _RANKED:
        items = _list(_section(prompt, _home(key)), key)
        for index in range(len(items) - 1, -1, -1):
            item = items[index]
            text = item.get(label) if isinstance(item, Mapping) else item  # distinctive keywords are bare words
            if not (isinstance(text, str) and text and text in target_text):
                parts.append((key, index))
    return parts


def part_item(prompt: Mapping[str, Any], part: OptionalPart) -> Any:
    """The prompt item one optional part names."""
    key, index = part
    return prompt[_home(key)][key][index]


def without(prompt: Mapping[str, Any], parts: Sequence[OptionalPart]) -> dict[str, Any]:
    """A copy of ``prompt`` with the given optional items removed (the rest in their order)."""
    if not parts:
        return dict(prompt)
    drop: dict[str, set[int]] = {}
    for key, index in parts:
        drop.setdefault(key, set()).add(index)
    out = dict(prompt)
    for key, indices in drop.items():
        section = _home(key)
        out[section] = dict(out[section])
        out[section][key] = [item for i, item in enumerate(out[section][key]) if i not in indices]
    return out


def _section(prompt: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = prompt.get(name)
    return value if isinstance(value, Mapping) else {}


def _list(mapping: Mapping[str, Any], key: str) -> list[Any]:
    value = mapping.get(key)
    return value if isinstance(value, list) else []
