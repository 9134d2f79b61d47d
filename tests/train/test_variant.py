"""The ``hf`` variant: config rules, shipped presets, golden refusal, generation and cost figures."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from helpers import TEST_SYSTEM, small_facts
from pydantic import ValidationError

from harness.errors import InputError
from harness.runner.variants import VARIANTS
from harness.train.trainer import TrainResult
from harness.train.variant import HFConfig, HFVariant

Trained = tuple[TrainResult, TrainResult]
EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"
PRESETS = ("qwen2.5-3b-lora.yaml", "qwen2.5-7b-lora.yaml", "cpu-small.yaml", "cpu-large.yaml")


class Ctx:
    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.run_id: str | None = None  # RunContext: no MLflow run here
        self.params: dict[str, Any] = {}
        self.metrics: list[tuple[dict[str, float], int | None]] = []

    def log_params(self, params: Mapping[str, Any]) -> None:
        self.params.update(params)

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        self.metrics.append((dict(metrics), step))


def test_registered_as_hf() -> None:
    assert VARIANTS.get("hf") is HFVariant


def test_config__stand_in_never_named_like_a_real_size() -> None:
    with pytest.raises(ValidationError, match="stand-in"):
        HFConfig(base_model="models/x", stand_in=True, display_name="Qwen 7B")
    with pytest.raises(ValidationError, match="stand_in"):
        HFConfig(base_model="models/x", tiny_model="small")
    with pytest.raises(ValidationError, match="not both"):
        HFConfig(base_model="x", adapter="a", train={})
    with pytest.raises(ValidationError):
        HFConfig(base_model="x", generation={"batch_sise": 2})  # typos are errors, not defaults


def test_describe__stand_in_named_as_one() -> None:
    info = HFVariant(HFConfig(base_model="models/t", tiny_model="large", stand_in=True)).describe()
    assert info.stand_in and "stand-in" in info.model_name and "7B" not in info.model_name


@pytest.mark.parametrize("name", PRESETS)
def test_presets__load_and_validate(name: str) -> None:
    from harness.runner.config import load_experiment

    config = load_experiment(EXPERIMENTS / name)
    assert config.variant.kind == "hf"
    if name.startswith("qwen"):
        assert config.variant.base_model == {"qwen2.5-3b-lora.yaml": "Qwen/Qwen2.5-3B-Instruct",
                                             "qwen2.5-7b-lora.yaml": "Qwen/Qwen2.5-7B-Instruct"}[name]  # fmt: skip
        assert config.variant.train.trainer.grad_accum == 16 and config.variant.train.lora.r == 16
        assert config.suite != "cpu"  # the CPU suite never tries to load 7B
    else:
        assert config.variant.stand_in and config.suite == "cpu"


def test_preset_without_weights__stops_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from harness.runner.config import load_experiment

    monkeypatch.delenv("HARNESS_MODEL_DIR", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    variant = HFVariant(load_experiment(EXPERIMENTS / "qwen2.5-7b-lora.yaml").variant)
    start = time.perf_counter()
    with pytest.raises(InputError, match="HARNESS_MODEL_DIR"):
        variant.prepare(Ctx(tmp_path), ["4"])
    assert time.perf_counter() - start < 5 and not (tmp_path / "sft.jsonl").exists()  # nothing ran first


def test_prepare__refuses_adapter_trained_on_golden(trained: Trained, tiny_base: Path, tmp_path: Path) -> None:
    _, second = trained
    variant = HFVariant(HFConfig(base_model=str(tiny_base), adapter=str(second.adapter_dir)))
    with pytest.raises(InputError, match="golden"):
        variant.prepare(Ctx(tmp_path), ["4", "1002"])


def test_generate__predictions_and_cost_metrics(trained: Trained, tiny_base: Path, tmp_path: Path) -> None:
    _, second = trained
    config = HFConfig(base_model=str(tiny_base), adapter=str(second.adapter_dir),
                      generation={"batch_size": 2, "max_new_tokens": 20, "system_prompt": TEST_SYSTEM,
                                  "use_review_text": False})  # fmt: skip
    variant = HFVariant(config)
    ctx = Ctx(tmp_path)
    facts = [dict(f, categoryId=str(9000 + i)) for i, f in enumerate(small_facts(3))]
    variant.prepare(ctx, [f["categoryId"] for f in facts])
    preds = list(variant.generate(facts, ctx))
    assert [p.category_id for p in preds] == ["9000", "9001", "9002"]
    assert all(isinstance(p.output, str) and p.new_tokens and p.latency_s > 0 for p in preds)
    cost = variant.cost_metrics()
    assert cost.tokens_per_s and cost.tokens_per_s > 0 and cost.latency_s_per_summary
    # A CPU run measures no GPU memory, and this adapter was trained elsewhere: not measured, not 0.
    assert cost.peak_gpu_mem_gb is None and cost.train_time_s is None
    assert set(cost.measured()) == {"latency_s_per_summary", "tokens_per_s"}
    assert variant.params()["variant.generation.max_new_tokens"] == 20
    assert ctx.params["generation.max_new_tokens"] == 20 and ctx.params["generation.repetition_penalty"] == 1.0
    assert ctx.params["generation.do_sample"] is False


def test_prepare__budget_below_longest_training_target_stops(trained: Trained, tiny_base: Path, tmp_path: Path) -> None:
    """The adapter's targets are 17 tokens with <|im_end|>: a run that may write only 16 would cut them."""
    _, second = trained
    assert second.metadata["token_lengths"]["target"]["max"] == 17
    config = HFConfig(base_model=str(tiny_base), adapter=str(second.adapter_dir),
                      generation={"max_new_tokens": 16, "system_prompt": TEST_SYSTEM})  # fmt: skip
    with pytest.raises(InputError, match="below the longest target of the adapter's training data"):
        HFVariant(config).prepare(Ctx(tmp_path), ["9000"])
