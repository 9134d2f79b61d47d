"""The prompt format, shared by SFT data and generation: facts -> chat turns, and which parts may go.

One module so that training and inference cannot drift: the system turn, the facts fields the
user turn holds (legacy fields plus ``hhi``; review insights only when asked), float rounding, the
assistant turn's JSON, and the prompt/completion split TRL trains on all live here.

The prompt's optional parts, trimmed in this order when an example must fit a token budget
(:mod:`harness.train.budget`), least informative first:

1. review examples (``negativeExamples`` and ``positiveExamples``), the last of each first,
   alternating: free text, the longest and least checkable part of a prompt;
2. review keywords (``topKeywords``), lowest-ranked first;
3. usage scenarios (``usageScenarios``), lowest-ranked first.

An item whose text the target quotes is never trimmed, so a target never states something its
prompt lost. The market metrics, growth data and counts are never optional.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from harness.chat_markup import END_OF_TURN

LEGACY_METRIC_KEYS = (
    "productCount", "brandCount", "totalReviewCount", "avgRatingWeighted", "ratingHistogram",
    "zeroReviewRatio", "lowRatingRatio", "top3BrandShare", "hhi", "topBrands", "topTags", "topSegments",
)  # fmt: skip
INSIGHT_KEYS = ("topKeywords", "usageScenarios", "positiveExamples", "negativeExamples", "hasReviewText",
                "reviewTextCount")  # fmt: skip
OptionalPart = tuple[str, int]
"""``(reviewInsights key, index)`` of one trimmable item."""
_RANKED = (("topKeywords", "keyword"), ("usageScenarios", "scenario"))


def prompt_facts(facts: Mapping[str, Any], use_review_text: bool) -> dict[str, Any]:
    """The model's input: the legacy facts fields (plus ``hhi``), review insights only when asked.

    Scoring still checks numbers against the full facts; only the prompt is rounded. Keeping the
    prompt to the legacy fields keeps it the same for old and new facts; fields a legacy facts
    object lacks are simply absent.
    """
    metrics = facts.get("metrics") or {}
    out: dict[str, Any] = {
        "reportType": facts.get("reportType", "market_report_summary"),
        "categoryId": facts.get("categoryId"),
        "categoryName": facts.get("categoryName"),
        "metrics": {k: metrics[k] for k in LEGACY_METRIC_KEYS if k in metrics},
        "growthData": [
            {k: g[k] for k in ("year", "reviewCount", "growthRate") if k in g} for g in facts.get("growthData") or []
        ],
    }
    insights = facts.get("reviewInsights")
    if use_review_text and isinstance(insights, Mapping):
        out["reviewInsights"] = {k: insights[k] for k in INSIGHT_KEYS if k in insights}
    return round_floats(out)


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
    insights = prompt.get("reviewInsights")
    if not isinstance(insights, Mapping):
        return []
    parts: list[OptionalPart] = []
    pos = _list(insights, "positiveExamples")
    neg = _list(insights, "negativeExamples")
    for back in range(max(len(pos), len(neg))):
        for key, items in (("negativeExamples", neg), ("positiveExamples", pos)):
            index = len(items) - 1 - back
            if index >= 0 and not (isinstance(items[index], str) and items[index] and items[index] in target_text):
                parts.append((key, index))
    for key, label in _RANKED:
        items = _list(insights, key)
        for index in range(len(items) - 1, -1, -1):
            text = items[index].get(label) if isinstance(items[index], Mapping) else None
            if not (isinstance(text, str) and text and text in target_text):
                parts.append((key, index))
    return parts


def without(prompt: Mapping[str, Any], parts: Sequence[OptionalPart]) -> dict[str, Any]:
    """A copy of ``prompt`` with the given optional items removed (the rest in their order)."""
    if not parts:
        return dict(prompt)
    drop: dict[str, set[int]] = {}
    for key, index in parts:
        drop.setdefault(key, set()).add(index)
    insights = dict(prompt["reviewInsights"])
    for key, indices in drop.items():
        insights[key] = [item for i, item in enumerate(insights[key]) if i not in indices]
    return {**prompt, "reviewInsights": insights}


def _list(mapping: Mapping[str, Any], key: str) -> list[Any]:
    value = mapping.get(key)
    return value if isinstance(value, list) else []
