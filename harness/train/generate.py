"""Batched greedy generation (log step 24, fixed): left padding, stop at ``<|im_end|>``, decode by id.

With ``settings.constrained`` a JSON-schema logits processor (``harness.train.constrained``,
xgrammar) keeps every row inside the summary object and allows the stop tokens only once it closes.

The old script decoded the whole sequence and sliced off the prompt string, which breaks whenever
decoding does not round-trip; here only the new token ids are decoded, cut at the first stop token
(``<|im_end|>`` or ``<|endoftext|>``). Everything else the model emitted stays in the raw output,
so leaks remain measurable.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.evaluate.cost import CostFigures
from harness.train.config import GenerationSettings
from harness.train.sft import build_messages
from harness.train.tiny_model import END_OF_TURN, PAD_TOKEN
from harness.train.trainer import load_tokenizer


@dataclass(frozen=True)
class Generation:
    """One raw output with its cost share."""

    category_id: Any
    output: str
    new_tokens: int
    latency_s: float
    stopped: bool
    """True when the model emitted the end-of-turn token before ``max_new_tokens``."""


@dataclass
class GenerationStats:
    """Running cost totals (DESIGN.md's cost metrics come from here)."""

    summaries: int = 0
    new_tokens: int = 0
    seconds: float = 0.0
    hit_max_new_tokens: int = 0
    peak_gpu_mem_gb: float | None = None
    """Measured on CUDA only; None elsewhere (not measured, never 0)."""
    batches: list[float] = field(default_factory=list)

    def cost(self) -> CostFigures:
        """The generation's share of the run's cost record (figures not measured stay None)."""
        return CostFigures(
            latency_s_per_summary=self.seconds / self.summaries if self.summaries else None,
            tokens_per_s=self.new_tokens / self.seconds if self.seconds else None,
            peak_gpu_mem_gb=self.peak_gpu_mem_gb,
        )

    def metrics(self) -> dict[str, float]:
        """The measured cost figures plus how many outputs ran into ``max_new_tokens``."""
        return {**self.cost().measured(), "hit_max_new_tokens": float(self.hit_max_new_tokens)}


def stop_token_ids(tokenizer: Any) -> list[int]:
    """End-of-turn first, then end-of-text: either ends a summary."""
    ids = [tokenizer.convert_tokens_to_ids(t) for t in (END_OF_TURN, PAD_TOKEN)]
    return [i for i in ids if isinstance(i, int) and i >= 0 and i != tokenizer.unk_token_id]


def cut_at_stop(ids: Sequence[int], stops: Iterable[int]) -> tuple[list[int], bool]:
    """New ids up to (not including) the first stop id; whether a stop id was found."""
    stop_set = set(stops)
    for i, tok in enumerate(ids):
        if tok in stop_set:
            return list(ids[:i]), True
    return list(ids), False


class Generator:
    """A base model (plus an optional LoRA adapter) ready for batched greedy decoding."""

    def __init__(self, model: Any, tokenizer: Any, settings: GenerationSettings) -> None:
        """Wraps an already loaded model (e.g. the trainer's in-memory PEFT model) for generation."""
        import torch

        self.settings = settings
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.tokenizer = tokenizer
        self.tokenizer.padding_side = "left"
        self.stops = stop_token_ids(self.tokenizer)
        self.constraint = None
        if settings.constrained:  # before moving weights: a missing library fails fast, in one line
            from harness.train.constrained import SchemaConstraint

            vocab = getattr(model.config, "vocab_size", None) or len(tokenizer)
            self.constraint = SchemaConstraint(tokenizer, vocab, self.stops, settings.constrained_max_chars)
        self.model = model.to(self.device).eval()
        self.stats = GenerationStats()

    @classmethod
    def load(cls, base_path: str | Path, adapter_dir: str | Path | None, settings: GenerationSettings) -> Generator:
        """Base weights plus an optional adapter; the tokenizer always comes from the base folder."""
        import torch
        from transformers import AutoModelForCausalLM

        cuda = torch.cuda.is_available()
        dtype = torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float32
        tokenizer = load_tokenizer(base_path, padding_side="left")
        model = AutoModelForCausalLM.from_pretrained(str(base_path), local_files_only=True, dtype=dtype)
        if adapter_dir is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, str(adapter_dir))
        return cls(model, tokenizer, settings)

    def prompt(self, facts: Mapping[str, Any]) -> str:
        """The same chat-template prompt the SFT examples were trained on."""
        messages = build_messages(facts, self.settings.system_prompt, self.settings.use_review_text)
        return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def generate_batch(self, facts_batch: Sequence[Mapping[str, Any]]) -> list[Generation]:
        """One left-padded greedy batch; latency is the batch's wall time shared equally."""
        import torch

        prompts = [self.prompt(f) for f in facts_batch]
        enc = self.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        with torch.inference_mode():
            out = self.model.generate(
                **enc, max_new_tokens=self.settings.max_new_tokens, do_sample=False,
                eos_token_id=self.stops, pad_token_id=self.tokenizer.pad_token_id,
                **self._constraint_kwargs(),
            )  # fmt: skip
        if self.device.type == "cuda":
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated() / 1e9
            self.stats.peak_gpu_mem_gb = max(self.stats.peak_gpu_mem_gb or 0.0, peak)
        elapsed = time.perf_counter() - start
        new = out[:, enc["input_ids"].shape[1] :].tolist()
        results = []
        for facts, ids in zip(facts_batch, new, strict=True):
            kept, stopped = cut_at_stop(ids, self.stops)
            text = self.tokenizer.decode(kept, skip_special_tokens=False)
            results.append(Generation(facts.get("categoryId"), text, len(kept) + int(stopped), elapsed / len(prompts), stopped))
            self.stats.new_tokens += len(kept) + int(stopped)
            self.stats.hit_max_new_tokens += int(not stopped)
        self.stats.summaries += len(prompts)
        self.stats.seconds += elapsed
        self.stats.batches.append(elapsed)
        return results

    def _constraint_kwargs(self) -> dict[str, Any]:
        """A fresh schema logits processor per ``generate`` call (it keeps that batch's per-row state)."""
        if self.constraint is None:
            return {}
        from transformers import LogitsProcessorList

        return {"logits_processor": LogitsProcessorList([self.constraint.processor()])}

    def generate(self, facts_list: Sequence[Mapping[str, Any]], batch_size: int | None = None) -> Iterator[Generation]:
        """Yields generations in input order, batch by batch."""
        size = batch_size or self.settings.batch_size
        for i in range(0, len(facts_list), size):
            yield from self.generate_batch(facts_list[i : i + size])
