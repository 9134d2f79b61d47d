"""Token budgets: every SFT example fits ``max_length`` with its whole target and ``<|im_end|>`` last.

TRL cuts an over-long example from the end, so the first thing lost is the target's tail and its
end-of-turn token: on the real Qwen2.5 tokenizer 99% of the presets' examples lost it, and a model
trained on them never learns to stop. Here the target is never cut. The prompt's optional parts
are trimmed instead (order: :mod:`harness.train.prompt`), as few as needed: the smallest number
of trim steps that fits is found by bisection (each step only removes text, so a prompt that fits
after k steps fits after k + 1). An example that cannot fit even with every optional part gone is
dropped and counted.

Lengths are counted the way TRL's prompt-completion tokenization counts them: the prompt text,
then prompt + completion as one text (no special tokens added; the completion already ends with
``<|im_end|>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.chat_markup import END_OF_TURN
from harness.train.prompt import chat_prompt, messages_for, optional_parts, summary_json, without

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
        if not parts or prompt_tokens(parts) + target_tokens > self.max_length:
            return Fit(None, full, target_tokens, 0)
        low, high = 0, len(parts)  # fits with parts[:high], not with parts[:low]
        known: dict[int, int] = {}
        while high - low > 1:
            mid = (low + high) // 2
            known[mid] = prompt_tokens(parts[:mid])
            if known[mid] + target_tokens <= self.max_length:
                high = mid
            else:
                low = mid
        used = known[high] if high in known else prompt_tokens(parts[:high])
        return Fit(messages_for(without(prompt, parts[:high]), system_prompt, target), used, target_tokens, high)


def quantiles(values: Iterable[int]) -> dict[str, int]:
    """min / p50 / p90 / p99 / max of token lengths (nearest rank; empty -> {})."""
    ordered = sorted(values)
    if not ordered:
        return {}
    out = {}
    for q in QUANTILES:
        index = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
        out[_NAMES[q]] = int(ordered[index])
    return out


def length_summary(prompt: Sequence[int], target: Sequence[int]) -> dict[str, dict[str, int]]:
    """Prompt, target and total token quantiles (what the build summary, metadata and MLflow record)."""
    total = [p + t for p, t in zip(prompt, target, strict=True)]
    return {"prompt": quantiles(prompt), "target": quantiles(target), "total": quantiles(total)}
