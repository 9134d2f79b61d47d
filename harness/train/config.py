"""Settings of the train stage as frozen pydantic models, shared by the CLI verbs and the ``hf`` variant.

Defaults are the research log's A100-40GB preset (r 16, alpha 32, lr 1e-4, warmup 0.05, 10 epochs,
batch 2, accumulation 16, max length 2,048, save every 500 steps, keep 3), so a YAML that names
nothing reproduces the log's run; the CPU stand-in presets override a few keys.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SYSTEM_PROMPT = (
    "당신은 한국 이커머스 시장 리포트를 쓰는 애널리스트입니다. 주어진 facts JSON만 근거로 "
    '{"marketOverviewSummary": "...", "growthSummary": "..."} 형식의 JSON 객체 하나만 출력하십시오. '
    "매출·점유·성장은 리뷰 수 기반 대리 지표임을 첫 문장에 밝히십시오."
)
"""System turn of every SFT example and every generation prompt (one constant, so train = inference)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SFTSettings(_Frozen):
    """Knobs of ``22_prepare_report_summary_sft.py`` (log section 3-1) plus where the data lives."""

    products: str = "data/sample/products_all.csv"
    reviews: str = "data/sample/reviews_all.csv"
    samples_per_category: int = Field(100, ge=1)
    subsample_ratio: float = Field(0.9, gt=0.0, le=1.0)
    max_categories: int = Field(3000, ge=1)
    min_products: int = Field(3, ge=1)
    use_review_text: bool = True
    references: str | None = None
    """References JSONL to use as targets instead of the template writer (one sample per category)."""
    seed: int = 0
    system_prompt: str = SYSTEM_PROMPT


class LoraSettings(_Frozen):
    """The adapter's shape (peft ``LoraConfig``)."""

    r: int = Field(16, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class TrainerSettings(_Frozen):
    """Optimisation and checkpointing (TRL ``SFTConfig``); ``auto`` means "where the hardware has it"."""

    learning_rate: float = Field(1e-4, gt=0.0)
    warmup_ratio: float = Field(0.05, ge=0.0, lt=1.0)
    epochs: float = Field(10.0, gt=0.0)
    max_steps: int = -1
    batch_size: int = Field(2, ge=1)
    grad_accum: int = Field(16, ge=1)
    max_length: int = Field(2048, ge=16)
    save_steps: int = Field(500, ge=1)
    save_total_limit: int = Field(3, ge=1)
    logging_steps: int = Field(10, ge=1)
    seed: int = 42
    bf16: Literal["auto", "on", "off"] = "auto"
    gradient_checkpointing: Literal["auto", "on", "off"] = "auto"
    qlora_4bit: bool = False


class TrainSection(_Frozen):
    """The ``train:`` section of an ``hf`` variant: build SFT data, then train an adapter in ``prepare``."""

    sft: SFTSettings = SFTSettings()
    lora: LoraSettings = LoraSettings()
    trainer: TrainerSettings = TrainerSettings()


class GenerationSettings(_Frozen):
    """Batched decoding, every setting explicit: nothing comes from the model folder's ``generation_config.json``.

    Qwen2.5-Instruct's file asks for sampling (temperature 0.7, top_p 0.8, top_k 20) and a
    repetition penalty of 1.05; transformers fills every setting a caller leaves unset from it, so
    "greedy" with only ``do_sample=False`` still carried the penalty. Defaults here: no sampling,
    no repetition penalty. ``constrained`` asks for JSON-schema-constrained decoding (xgrammar).
    """

    batch_size: int = Field(8, ge=1)
    max_new_tokens: int | None = Field(None, ge=1)
    """``None``: the adapter's longest training target plus a margin (``generate.generation_budget``);
    a limit below that longest target is refused."""
    do_sample: bool = False
    temperature: float = Field(1.0, gt=0.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    top_k: int = Field(0, ge=0)
    """0: no top-k filter."""
    repetition_penalty: float = Field(1.0, gt=0.0)
    seed: int = 0
    """Sampling seed (only used with ``do_sample``)."""
    constrained: bool = False
    constrained_max_chars: int | None = Field(None, ge=1)
    """With ``constrained``: at most this many characters per summary string, so every output closes
    within ``harness.train.constrained.worst_case_tokens(cap)`` new tokens; ``None``: no cap."""
    use_review_text: bool = True
    system_prompt: str = SYSTEM_PROMPT

    @model_validator(mode="after")
    def _sampling_knobs_need_sampling(self) -> GenerationSettings:
        if not self.do_sample and (self.temperature != 1.0 or self.top_p != 1.0 or self.top_k != 0):
            raise ValueError("temperature, top_p and top_k apply only with do_sample: true")
        return self
