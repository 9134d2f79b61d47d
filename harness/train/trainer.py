"""LoRA training with peft + TRL's SFTTrainer (log step 23, with the old model's faults fixed).

Loss falls on the answer only (prompt-completion data, ``completion_only_loss``), every target ends
with ``<|im_end|>``, batches are padded on the right to their own longest example (TRL's collator;
never to ``max_length``), bf16 and gradient checkpointing are switched on only where the hardware
has them, 4-bit QLoRA is GPU-only, and a run resumes from its last checkpoint. The adapter folder
gets ``training_metadata.json`` (base model, data hash, settings, training categories), which
evaluation reads to refuse golden categories the adapter was trained on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.ids import category_key
from harness.train.budget import length_summary
from harness.train.config import LoraSettings, TrainerSettings
from harness.train.prompt import to_prompt_completion
from harness.train.sft_io import file_sha256, read_build_record, read_sft
from harness.train.tiny_model import END_OF_TURN

METADATA_FILE = "training_metadata.json"
MetricsLogger = Callable[[Mapping[str, float], int | None], None]


@dataclass(frozen=True)
class TrainResult:
    """The trained adapter and what happened on the way."""

    adapter_dir: Path
    global_step: int
    losses: list[tuple[int, float]]
    train_time_s: float
    examples: int
    dropped_examples: int
    metadata: dict[str, Any]
    model: Any = field(default=None, repr=False)
    """The trained PEFT model still in memory (tests compare it with the reloaded adapter)."""
    tokenizer: Any = field(default=None, repr=False)


def hardware_flags(settings: TrainerSettings) -> tuple[bool, bool, bool]:
    """(cuda, bf16, gradient checkpointing) resolved from ``auto`` against this machine."""
    import torch

    cuda = torch.cuda.is_available()
    bf16_ok = cuda and torch.cuda.is_bf16_supported()
    bf16 = bf16_ok if settings.bf16 == "auto" else settings.bf16 == "on"
    if bf16 and not bf16_ok:
        raise InputError("trainer.bf16", "bf16 was asked for but this machine has no bf16-capable GPU; use 'auto'")
    checkpointing = cuda if settings.gradient_checkpointing == "auto" else settings.gradient_checkpointing == "on"
    return cuda, bf16, checkpointing


def _quantization_config(settings: TrainerSettings, cuda: bool) -> Any:
    if not settings.qlora_4bit:
        return None
    if not cuda:
        raise InputError("trainer.qlora_4bit", "4-bit QLoRA needs a CUDA GPU; set qlora_4bit: false on this machine")
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise InputError(
            "trainer.qlora_4bit", "4-bit QLoRA needs bitsandbytes: pip install -e '.[gpu]'"
        ) from None
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16,
    )  # fmt: skip


def load_tokenizer(base_path: str | Path, padding_side: str) -> Any:
    """The tokenizer, always from the base model (an adapter folder may lack vocab files: log 3-3)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(base_path), local_files_only=True)
    tok.padding_side = padding_side
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


@dataclass(frozen=True)
class SFTDataset:
    """The prompt-completion ``datasets.Dataset``, its categories and token lengths under the base's tokenizer."""

    dataset: Any
    categories: list[str]
    prompt_tokens: list[int]
    target_tokens: list[int]


def build_dataset(sft_path: str | Path, tokenizer: Any, max_length: int | None = None) -> SFTDataset:
    """Prompt-completion data from an SFT JSONL, counted as TRL counts it (prompt, then prompt + completion).

    Raises:
        InputError: an example is longer than ``max_length`` under this tokenizer. TRL would cut its
            tail, ``<|im_end|>`` first, and nothing would say so; rebuild the file with
            ``harness sft build --tokenizer <base> --max-length N`` instead.
    """
    from datasets import Dataset

    rows = read_sft(sft_path)
    if not rows:
        raise InputError(sft_path, "SFT file has no examples")
    pairs = [to_prompt_completion(r["messages"], tokenizer) for r in rows]
    prompt = [len(ids) for ids in tokenizer([p["prompt"] for p in pairs], add_special_tokens=False)["input_ids"]]
    total = [len(ids) for ids in tokenizer([p["prompt"] + p["completion"] for p in pairs],
                                            add_special_tokens=False)["input_ids"]]  # fmt: skip
    if max_length is not None:
        over = [i for i, n in enumerate(total) if n > max_length]
        if over:
            raise InputError(
                sft_path,
                f"{len(over)} example(s) exceed max_length {max_length} under {getattr(tokenizer, 'name_or_path', 'the')}"
                f" tokenizer (longest {max(total):,} tokens); training would cut their targets and <|im_end|>: rebuild"
                f" with harness sft build --tokenizer <base model> --max-length {max_length}",
                f"row {over[0] + 1}",
            )
    cats = sorted({category_key(r.get("categoryId")) for r in rows if r.get("categoryId") is not None})
    target = [t - p for p, t in zip(prompt, total, strict=True)]
    return SFTDataset(Dataset.from_list(pairs), cats, prompt, target)


class _MetricsCallback:
    """Forwards the trainer's log lines (loss, lr, grad norm) to the run's metric logger."""

    def __init__(self, log: MetricsLogger | None, losses: list[tuple[int, float]]) -> None:
        self.log = log
        self.losses = losses

    def as_callback(self) -> Any:
        from transformers import TrainerCallback

        outer = self

        class _CB(TrainerCallback):
            def on_log(self, args: Any, state: Any, control: Any, logs: dict | None = None, **kw: Any) -> None:
                logs = logs or {}
                if "loss" in logs:
                    outer.losses.append((state.global_step, float(logs["loss"])))
                if outer.log is not None:
                    numeric = {
                        "train_" + k.removeprefix("train_"): float(v) for k, v in logs.items() if isinstance(v, int | float)
                    }
                    if numeric:
                        outer.log(numeric, state.global_step)

        return _CB()


@dataclass(frozen=True)
class PreparedTrainer:
    """An ``SFTTrainer`` ready to run, with what ``train_adapter`` records about it."""

    trainer: Any
    tokenizer: Any
    examples: int
    categories: list[str]
    hardware: dict[str, bool]
    losses: list[tuple[int, float]]
    token_lengths: dict[str, dict[str, int]]
    """Prompt/target/total quantiles under the base's tokenizer; ``target.max`` sets the generation budget."""


def build_trainer(
    sft_path: str | Path,
    base_path: str | Path,
    out_dir: str | Path,
    lora: LoraSettings,
    settings: TrainerSettings,
    log_metrics: MetricsLogger | None = None,
) -> PreparedTrainer:
    """Loads base, tokenizer (always the base's) and data, and configures TRL for completion-only loss.

    Kept apart from the training call so tests can inspect the tokenized labels and the collator.
    """
    import torch
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM
    from trl import SFTConfig, SFTTrainer

    cuda, bf16, checkpointing = hardware_flags(settings)
    quant = _quantization_config(settings, cuda)
    tokenizer = load_tokenizer(base_path, padding_side="right")
    data = build_dataset(sft_path, tokenizer, settings.max_length)
    model = AutoModelForCausalLM.from_pretrained(
        str(base_path), local_files_only=True, dtype=torch.bfloat16 if bf16 else torch.float32,
        quantization_config=quant, **({"device_map": {"": 0}} if quant is not None else {}),
    )  # fmt: skip
    peft_config = LoraConfig(
        r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
        target_modules=list(lora.target_modules), task_type="CAUSAL_LM",
    )  # fmt: skip
    args = SFTConfig(
        output_dir=str(Path(out_dir) / "checkpoints"), num_train_epochs=settings.epochs,
        max_steps=settings.max_steps, per_device_train_batch_size=settings.batch_size,
        gradient_accumulation_steps=settings.grad_accum, learning_rate=settings.learning_rate,
        warmup_steps=settings.warmup_ratio, logging_steps=settings.logging_steps, save_steps=settings.save_steps,
        save_total_limit=settings.save_total_limit, max_length=settings.max_length,
        completion_only_loss=True, packing=False, padding_free=False, pad_to_multiple_of=None,
        eos_token=END_OF_TURN, bf16=bf16, fp16=False, gradient_checkpointing=checkpointing,
        use_cpu=not cuda, seed=settings.seed, data_seed=settings.seed, report_to="none",
        dataloader_num_workers=0, disable_tqdm=True, save_only_model=False,
    )  # fmt: skip
    losses: list[tuple[int, float]] = []
    trainer = SFTTrainer(
        model=model, args=args, train_dataset=data.dataset, processing_class=tokenizer,
        peft_config=peft_config, callbacks=[_MetricsCallback(log_metrics, losses).as_callback()],
    )  # fmt: skip
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # log lines go to the run's metrics, not to stdout
    hardware = {"cuda": cuda, "bf16": bf16, "gradient_checkpointing": checkpointing, "qlora_4bit": quant is not None}
    lengths = length_summary(data.prompt_tokens, data.target_tokens)
    return PreparedTrainer(trainer, tokenizer, len(data.dataset), data.categories, hardware, losses, lengths)


def train_adapter(
    sft_path: str | Path,
    base_path: str | Path,
    out_dir: str | Path,
    lora: LoraSettings,
    settings: TrainerSettings,
    base_model_name: str | None = None,
    log_metrics: MetricsLogger | None = None,
    resume: bool = True,
) -> TrainResult:
    """Trains a LoRA adapter on ``sft_path`` over the base at ``base_path``; saves it to ``out_dir``.

    Checkpoints go to ``out_dir/checkpoints``; with ``resume`` the last one is continued (same
    optimizer, scheduler and step count), so an interrupted run picks up where it stopped.
    A file with an example over ``settings.max_length`` under the base's tokenizer is refused
    (:func:`build_dataset`), so TRL's truncation never cuts a target; TRL's count of fully
    truncated examples is still recorded (it must be 0). ``training_metadata.json`` records the
    token lengths under the base's tokenizer (``target.max`` sets the default generation budget)
    and the SFT build record when it matches the file.
    """
    from transformers.trainer_utils import get_last_checkpoint

    start = time.perf_counter()
    out_dir = Path(out_dir)
    ckpt_dir = out_dir / "checkpoints"
    prepared = build_trainer(sft_path, base_path, out_dir, lora, settings, log_metrics)
    trainer, tokenizer = prepared.trainer, prepared.tokenizer
    dropped = prepared.examples - len(trainer.train_dataset)
    last = get_last_checkpoint(str(ckpt_dir)) if resume and ckpt_dir.is_dir() else None
    output = trainer.train(resume_from_checkpoint=last)
    trainer.model.save_pretrained(str(out_dir))
    train_time = time.perf_counter() - start
    metadata = {
        "base_model": base_model_name or str(base_path),
        "base_model_path": str(base_path),
        "sft_file": str(sft_path),
        "data_sha256": file_sha256(sft_path),
        "examples": prepared.examples,
        "dropped_examples_fully_truncated": dropped,
        "token_lengths": prepared.token_lengths,
        "sft_build": read_build_record(sft_path),
        "training_category_ids": prepared.categories,
        "global_step": trainer.state.global_step,
        "resumed_from": last,
        "train_loss": float(output.training_loss),
        "train_time_s": round(train_time, 2),
        "hardware": prepared.hardware,
        "lora": lora.model_dump(mode="json"),
        "trainer": settings.model_dump(mode="json"),
        "chat_template_sha256": _sha(tokenizer.chat_template or ""),
    }
    (out_dir / METADATA_FILE).write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    return TrainResult(out_dir, trainer.state.global_step, prepared.losses, train_time, prepared.examples, dropped,
                       metadata, trainer.model, tokenizer)  # fmt: skip


def read_metadata(adapter_dir: str | Path) -> dict[str, Any]:
    """``training_metadata.json`` of an adapter folder, as an ``InputError`` if missing or broken."""
    path = Path(adapter_dir) / METADATA_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "adapter has no training_metadata.json; train it with `harness train`") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"malformed JSON ({exc.msg})") from None


def refuse_golden_overlap(adapter_dir: str | Path, golden_ids: list[str] | set[str] | tuple[str, ...]) -> None:
    """Raises ``InputError`` when the adapter was trained on any golden category."""
    meta = read_metadata(adapter_dir)
    trained = {category_key(c) for c in meta.get("training_category_ids", [])}
    overlap = sorted(trained & {category_key(g) for g in golden_ids})
    if overlap:
        shown = ", ".join(overlap[:5]) + (" ..." if len(overlap) > 5 else "")
        raise InputError(
            Path(adapter_dir) / METADATA_FILE,
            f"adapter was trained on {len(overlap)} golden categor{'y' if len(overlap) == 1 else 'ies'} ({shown});"
            " evaluating it there would measure memorisation - retrain with the golden set excluded",
        )


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()
