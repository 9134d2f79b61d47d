"""Batched generation (log step 24, fixed): left padding, stop at ``<|im_end|>``, decode by id.

Every decoding setting comes from the experiment (:class:`GenerationSettings`; default greedy, no
repetition penalty): the model folder's ``generation_config.json`` is replaced, not merged, and what
was ignored is recorded. The generation budget follows from the adapter's training data: by default
its longest target plus a margin, and a limit below that longest target is refused, since a model
that imitates its targets would be cut off mid-JSON.

With ``settings.constrained`` a JSON-schema logits processor (``harness.train.constrained``,
xgrammar) keeps every row inside the summary object and allows ``<|im_end|>`` only once it closes.

The old script decoded the whole sequence and sliced off the prompt string, which breaks whenever
decoding does not round-trip; here only the new token ids are decoded, cut at the first stop token
(``<|im_end|>`` or ``<|endoftext|>``). Everything else the model emitted stays in the raw output,
so leaks remain measurable.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.evaluate.cost import CostFigures
from harness.train.config import GenerationSettings
from harness.train.prompt import PROMPT_FORMAT, build_messages, chat_prompt
from harness.train.tiny_model import END_OF_TURN, PAD_TOKEN
from harness.train.trainer import load_tokenizer

DEFAULT_MAX_NEW_TOKENS = 1200
"""Budget when neither the experiment nor an adapter's training data gives one (a bare base model):
the Qwen2.5 tokenizer's longest template target on the sample is 1,032 tokens."""
MARGIN = 0.1
"""The data-derived budget is the longest training target plus this share (rounded up)."""


@dataclass(frozen=True)
class Generation:
    """One raw output with its cost share."""

    category_id: Any
    output: str
    new_tokens: int
    latency_s: float
    stop: str
    """``end_of_turn`` (``<|im_end|>``), ``end_of_text`` (another stop id) or ``length`` (cut by ``max_new_tokens``)."""

    @property
    def stopped(self) -> bool:
        """True when the model ended its turn (emitted ``<|im_end|>``) before ``max_new_tokens``."""
        return self.stop == "end_of_turn"


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


def generation_budget(settings: GenerationSettings, longest_target: int | None) -> int:
    """``max_new_tokens`` for a run: the experiment's, or the longest training target plus :data:`MARGIN`.

    Raises:
        InputError: the experiment's limit is below the longest target the adapter was trained on.
    """
    if settings.max_new_tokens is None:
        return DEFAULT_MAX_NEW_TOKENS if longest_target is None else math.ceil(longest_target * (1 + MARGIN))
    if longest_target is not None and settings.max_new_tokens < longest_target:
        raise InputError(
            "generation.max_new_tokens",
            f"{settings.max_new_tokens} is below the longest target of the adapter's training data"
            f" ({longest_target} tokens with <|im_end|>): outputs would be cut mid-JSON; raise it or leave it"
            " unset (the data's longest target plus 10%)",
        )
    return settings.max_new_tokens


def longest_target(adapter_dir: str | Path | None) -> int | None:
    """``token_lengths.target.max`` of an adapter's ``training_metadata.json`` (None if not recorded)."""
    if adapter_dir is None:
        return None
    from harness.train.trainer import read_metadata

    value = (read_metadata(adapter_dir).get("token_lengths") or {}).get("target", {}).get("max")
    return int(value) if value is not None else None


def refuse_other_prompt_format(adapter_dir: str | Path | None) -> None:
    """Raises ``InputError`` when the adapter's examples were built in another prompt format.

    An adapter trained on one prompt and asked with another sees fields it never learned (or misses
    ones it did): a resumed run's restored adapter or a configured one from before a format change
    must be retrained, not silently reused. The format comes from the SFT build record copied into
    ``training_metadata.json``; a record without one predates format 2 (it is format 1); an adapter
    with no build record (a hand-made SFT file) cannot tell and passes.
    """
    if adapter_dir is None:
        return
    from harness.train.trainer import METADATA_FILE, read_metadata

    build = read_metadata(adapter_dir).get("sft_build")
    if not isinstance(build, Mapping):
        return
    trained_on = build.get("prompt_format", 1)
    if trained_on != PROMPT_FORMAT:
        raise InputError(
            Path(adapter_dir) / METADATA_FILE,
            f"adapter trained on prompt format {trained_on}, this code writes format {PROMPT_FORMAT}"
            " (harness/train/prompt.py): retrain it (an interrupted run: pass --fresh)",
        )


def explicit_generation_config(settings: GenerationSettings, max_new_tokens: int, stops: list[int],
                               pad_id: int | None) -> Any:  # fmt: skip
    """A ``GenerationConfig`` with every decoding knob set from ``settings`` (none left for a model file to fill)."""
    from transformers import GenerationConfig

    # Greedy: the sampling knobs get transformers' own inert defaults (set, so nothing can fill them;
    # any other value would be flagged as ignored).
    sampling = (settings.temperature, settings.top_p, settings.top_k) if settings.do_sample else (1.0, 1.0, 50)
    return GenerationConfig(
        max_new_tokens=max_new_tokens, min_new_tokens=0, do_sample=settings.do_sample, num_beams=1,
        temperature=sampling[0], top_p=sampling[1], top_k=sampling[2], typical_p=1.0, min_p=None,
        repetition_penalty=settings.repetition_penalty, no_repeat_ngram_size=0, length_penalty=1.0,
        bad_words_ids=None, suppress_tokens=None, begin_suppress_tokens=None, forced_bos_token_id=None,
        forced_eos_token_id=None, eos_token_id=stops, pad_token_id=pad_id, bos_token_id=None,
    )  # fmt: skip


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
    """A base model (plus an optional LoRA adapter) ready for batched decoding with explicit settings."""

    def __init__(self, model: Any, tokenizer: Any, settings: GenerationSettings,
                 longest_target: int | None = None) -> None:  # fmt: skip
        """Wraps an already loaded model (e.g. the trainer's in-memory PEFT model) for generation.

        Args:
            longest_target: the longest target (tokens, ``<|im_end|>`` included) of the adapter's
                training data; sets the default budget and the floor of an explicit one.
        """
        import torch

        self.settings = settings
        self.longest_target = longest_target
        generation_budget(settings, longest_target)  # refuses a limit below the longest target, before anything loads
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.tokenizer = tokenizer
        self.tokenizer.padding_side = "left"
        self.stops = stop_token_ids(self.tokenizer)
        turn_end = self.tokenizer.convert_tokens_to_ids(END_OF_TURN)
        self.end_of_turn = turn_end if turn_end in self.stops else None
        self.constraint = None
        if settings.constrained:  # before moving weights: a missing library fails fast, in one line
            from harness.train.constrained import SchemaConstraint

            vocab = getattr(model.config, "vocab_size", None) or len(tokenizer)
            turn_end = [self.end_of_turn] if self.end_of_turn is not None else []
            self.constraint = SchemaConstraint(tokenizer, vocab, turn_end, settings.constrained_max_chars)
        inner = model.get_base_model() if hasattr(model, "get_base_model") else model  # a PEFT model's base
        file_config = getattr(inner, "generation_config", None)
        self.ignored_model_config = file_config.to_diff_dict() if file_config is not None else {}
        inner.generation_config = self.generation_config  # nothing of the folder's file is merged in
        self.model = model.to(self.device).eval()
        self.stats = GenerationStats()

    @property
    def max_new_tokens(self) -> int:
        """The budget of the current settings (explicit, or the longest training target + 10%)."""
        return generation_budget(self.settings, self.longest_target)

    @property
    def generation_config(self) -> Any:
        """The explicit decoding config of the current settings (every knob set, none inherited)."""
        return explicit_generation_config(self.settings, self.max_new_tokens, self.stops, self.tokenizer.pad_token_id)

    def effective_params(self) -> dict[str, Any]:
        """What decoding actually used, as flat ``generation.*`` run params (and what the model file asked)."""
        used = self.generation_config.to_dict()
        keys = ("max_new_tokens", "do_sample", "temperature", "top_p", "top_k", "repetition_penalty", "num_beams",
                "no_repeat_ngram_size", "eos_token_id", "pad_token_id")  # fmt: skip
        params: dict[str, Any] = {f"generation.{k}": _param(used.get(k)) for k in keys}
        if not self.settings.do_sample:
            params.update({f"generation.{k}": None for k in ("temperature", "top_p", "top_k")})
        params["generation.constrained"] = self.constraint is not None
        params["generation.seed"] = self.settings.seed if self.settings.do_sample else None
        ignored = {k: v for k, v in self.ignored_model_config.items() if k != "transformers_version"}
        params["generation.ignored_model_file"] = _param(ignored) if ignored else "none"
        return params

    @classmethod
    def load(cls, base_path: str | Path, adapter_dir: str | Path | None, settings: GenerationSettings) -> Generator:
        """Base weights plus an optional adapter; the tokenizer always comes from the base folder."""
        import torch
        from transformers import AutoModelForCausalLM

        cuda = torch.cuda.is_available()
        dtype = torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float32
        refuse_other_prompt_format(adapter_dir)  # before loading weights: both fail fast
        longest = longest_target(adapter_dir)
        generation_budget(settings, longest)
        tokenizer = load_tokenizer(base_path, padding_side="left")
        model: Any = AutoModelForCausalLM.from_pretrained(str(base_path), local_files_only=True, dtype=dtype)
        if adapter_dir is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, str(adapter_dir))
        return cls(model, tokenizer, settings, longest)

    def prompt(self, facts: Mapping[str, Any]) -> str:
        """The same chat-template prompt the SFT examples were trained on."""
        return chat_prompt(build_messages(facts, self.settings.system_prompt, self.settings.use_review_text),
                           self.tokenizer)  # fmt: skip

    def generate_batch(self, facts_batch: Sequence[Mapping[str, Any]]) -> list[Generation]:
        """One left-padded batch; latency is the batch's wall time shared equally."""
        import torch

        if self.settings.do_sample:
            torch.manual_seed(self.settings.seed + len(self.stats.batches))
        config = self.generation_config
        prompts = [self.prompt(f) for f in facts_batch]
        enc = self.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        with torch.inference_mode():
            out = self.model.generate(**enc, generation_config=config, **self._constraint_kwargs())
        if self.device.type == "cuda":
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated() / 1e9
            self.stats.peak_gpu_mem_gb = max(self.stats.peak_gpu_mem_gb or 0.0, peak)
        elapsed = time.perf_counter() - start
        new = out[:, enc["input_ids"].shape[1] :].tolist()
        results = []
        for facts, ids in zip(facts_batch, new, strict=True):
            kept, stopped = cut_at_stop(ids, self.stops)
            stop = "length" if not stopped else "end_of_turn" if ids[len(kept)] == self.end_of_turn else "end_of_text"
            text = self.tokenizer.decode(kept, skip_special_tokens=False)
            results.append(Generation(facts.get("categoryId"), text, len(kept) + int(stopped), elapsed / len(prompts), stop))
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


def _param(value: Any) -> Any:
    """Lists and dicts as compact JSON (MLflow params are strings)."""
    import json

    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value
