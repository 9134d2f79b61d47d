"""The runner drives the training stage's `hf` variant end to end: tiny model, LoRA, generate, score, log."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow import MlflowClient

from harness.runner.run import run_experiment
from harness.runner.variants import VARIANTS
from harness.runner.variants.loading import load_variants
from tests.runner.conftest import tiny_hf_experiment


@pytest.mark.slow
def test_run__hf_tiny_stand_in_smoke(mlflow_store: str, tmp_path: Path) -> None:
    load_variants()
    if "hf" not in VARIANTS:
        pytest.skip("harness.train.variant is not importable")
    path = tiny_hf_experiment(tmp_path, "hf-smoke", "smoke")
    result = run_experiment(path, per_row="table")
    run = MlflowClient(mlflow_store).get_run(result.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.tags["stand_in"] == "true" and "stand-in" in run.data.tags["model_name"]
    assert run.data.metrics["train_time_s"] > 0 and run.data.metrics["tokens_per_s"] > 0
    assert "train_loss" in run.data.metrics and run.data.params["variant.train.lora.r"] == "16"
    assert Path(run.data.tags["adapter"]).is_dir()
