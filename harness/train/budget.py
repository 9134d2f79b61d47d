"""Token budgets: every SFT example fits ``max_length`` with its whole target and ``<|im_end|>`` last.

TRL cuts an over-long example from the end, so the first thing lost is the target's tail and its
end-of-turn token: on the real Qwen2.5 tokenizer 99% of the presets' examples lost it, and a model
trained on them never learns to stop. Here the target is never cut. The prompt's optional parts
are trimmed instead (order: :mod:`harness.train.prompt`), as few as needed: the smallest number
of trim steps that fits, checked exactly (each step only removes text, so a prompt that fits after
k steps fits after k + 1). An example that cannot fit even with every optional part gone is
dropped and counted.

Lengths are counted the way TRL's prompt-completion tokenization counts them: the prompt text,
then prompt + completion as one text (no special tokens added; the completion already ends with
``<|im_end|>``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.chat_markup import END_OF_TURN
from harness.train.prompt import chat_prompt, messages_for, optional_parts, part_item, summary_json, without

QUANTILES = (0.0, 0.5, 0.9, 0.99, 1.0)
_NAMES = {0.0: "min", 0.5: "p50", 0.9: "p90", 0.99: "p99", 1.0: "max"}


@dataclass(frozen=True)
class Fit:
    """One example under the budget: its turns (``None``: dropped), lengths, and what was trimmed."""

    messages: list[dict[str, str]] | None
    prompt_tokens: int
    target_tokens: int
    trimmed_parts: int

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.target_tokens


class TokenBudget:
    """Counts and fits examples for one tokenizer; ``max_length`` ``None`` only counts."""

    def __init__(self, tokenizer: Any, max_length: int | None) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length

    def count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def fit(self, prompt: Mapping[str, Any], system_prompt: str, target: Mapping[str, str]) -> Fit:
        """The example with the fewest optional parts trimmed that fits (or dropped: ``messages`` None)."""
        completion = summary_json(target) + END_OF_TURN
        target_tokens = self.count(completion)

        def prompt_tokens(parts: Sequence[tuple[str, int]]) -> int:
            return self.count(chat_prompt(messages_for(without(prompt, parts), system_prompt), self.tokenizer))

        full = prompt_tokens(())
        if self.max_length is None or full + target_tokens <= self.max_length:
            return Fit(messages_for(prompt, system_prompt, target), full, target_tokens, 0)
        parts = optional_parts(prompt, completion)
        room = self.max_length - target_tokens
        known = {0: full}

        def fits(k: int) -> bool:
            if k not in known:
                known[k] = prompt_tokens(parts[:k])
            return known[k] <= room

        # Start from an estimate (each part's own token count, one batched call for all), then step to
        # the exact smallest k: usually two or three tokenizations of the prompt instead of a bisection's six.
        k = _estimate(self.tokenizer, prompt, parts, full - room) if parts else 0
        while not fits(k):
            if k == len(parts):
                return Fit(None, full, target_tokens, 0)
            k += 1
        while k > 0 and fits(k - 1):
            k -= 1
        return Fit(messages_for(without(prompt, parts[:k]), system_prompt, target), known[k], target_tokens, k)


def _estimate(tokenizer: Any, prompt: Mapping[str, Any], parts: Sequence[tuple[str, int]], excess: int) -> int:
    """The fewest leading parts whose own token counts (plus a separator each) add up to ``excess``."""
    texts = [json.dumps(part_item(prompt, part), ensure_ascii=False, separators=(",", ":")) for part in parts]
    saved = 0
    for k, ids in enumerate(tokenizer(texts, add_special_tokens=False)["input_ids"], start=1):
        saved += len(ids) + 1
        if saved >= excess:
            return k
    return len(parts)


def quantiles(values: Iterable[int]) -> dict[str, int]:
    """min / p50 / p90 / p99 / max of token lengths (nearest rank; empty -> {})."""
    ordered = sorted(values)
    if not ordered:
        return {}
    out = {}
    for q in QUANTILES:
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        out[_NAMES[q]] = int(ordered[index])
    return out


def length_summary(prompt: Sequence[int], target: Sequence[int]) -> dict[str, dict[str, int]]:
    """Prompt, target and total token quantiles (what the build summary, metadata and MLflow record)."""
    total = [p + t for p, t in zip(prompt, target, strict=True)]
    return {"prompt": quantiles(prompt), "target": quantiles(target), "total": quantiles(total)}
