"""The runner drives the training stage's `hf` variant end to end: tiny model, LoRA, generate, score, log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mlflow import MlflowClient

from harness.runner.run import run_experiment
from harness.runner.variants import VARIANTS
from harness.runner.variants.loading import load_variants

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_run__hf_tiny_stand_in_smoke(mlflow_store: str, tmp_path: Path) -> None:
    load_variants()
    if "hf" not in VARIANTS:
        pytest.skip("harness.train.variant is not importable")
    config = {
        "extends": str(REPO / "experiments" / "cpu-small.yaml"),
        "name": "hf-smoke",
        "suite": "smoke",
        "golden": str(REPO / "golden"),
        "variant": {
            "base_model": str(tmp_path / "tiny-small"),
            "tiny_pretrain_steps": 3,
            "train": {
                "sft": {"samples_per_category": 1},
                "trainer": {"max_steps": 2, "save_steps": 1, "logging_steps": 1},
            },
        },
    }
    path = tmp_path / "hf-smoke.yaml"
    path.write_text(json.dumps(config), "utf-8")
    result = run_experiment(path, per_row="table")
    run = MlflowClient(mlflow_store).get_run(result.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.tags["stand_in"] == "true" and "stand-in" in run.data.tags["model_name"]
    assert run.data.metrics["train_time_s"] > 0 and run.data.metrics["tokens_per_s"] > 0
    assert "train_loss" in run.data.metrics and run.data.params["variant.train.lora.r"] == "16"
    assert Path(run.data.tags["adapter"]).is_dir()
