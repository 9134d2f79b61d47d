"""A model run's adapter lives in MLflow: the cpu-small stand-in trained by ``harness run``, reloaded
from the store into a clean folder with identical greedy outputs, and a resume on a machine that
lost everything but the store takes the adapter from there instead of training again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from mlflow import MlflowClient

from harness.jsonl import read_jsonl
from harness.runner.run import run_experiment
from harness.runner.variants import VARIANTS
from harness.runner.variants.loading import load_variants
from harness.tracking.logged_models import find_run_model
from harness.tracking.store import sqlite_path
from tests.runner.conftest import tiny_hf_experiment


def _outputs(path: Path) -> dict[str, str]:
    return {str(r["categoryId"]): r["output"] for r in read_jsonl(path)}


@pytest.mark.slow
def test_hf_run__adapter_in_mlflow_reloads_exactly_and_resumes_without_training(
    mlflow_store: str, tmp_path: Path, golden_dir: Path, run_cli
) -> None:
    load_variants()
    if "hf" not in VARIANTS:
        pytest.skip("harness.train.variant is not importable")
    path = tiny_hf_experiment(tmp_path, "hf-logged", "logged", golden_dir)  # 4 categories: decoding is the cost
    result = run_experiment(path, per_row="none")
    client = MlflowClient(mlflow_store)
    ref = find_run_model(result.run_id)
    assert ref is not None and client.get_logged_model(ref.model_id).source_run_id == result.run_id
    recorded = _outputs(Path(client.download_artifacts(result.run_id, "predictions.jsonl", str(tmp_path))))

    # Another folder, only the tracking URI and the base weights: the same greedy outputs.
    clean = tmp_path / "clean"
    clean.mkdir()
    code, _, err = run_cli("generate", "--facts", str(golden_dir / "facts.jsonl"),
                           "--adapter", f"runs:/{result.run_id}/adapter", "--out", str(clean / "pred.jsonl"))  # fmt: skip
    assert code == 0, err
    assert _outputs(clean / "pred.jsonl") == recorded

    # The run dies after 2 categories on a machine that is then lost: only the store remains.
    kept = list(recorded.items())[:2]
    partial = tmp_path / "partial" / "predictions.jsonl"
    partial.parent.mkdir()
    partial.write_text("".join(json.dumps({"categoryId": k, "output": v}, ensure_ascii=False) + "\n" for k, v in kept))
    client.log_artifact(result.run_id, str(partial))
    client.set_terminated(result.run_id, "KILLED")
    losses = len(client.get_metric_history(result.run_id, "train_loss"))
    db = sqlite_path(mlflow_store)
    assert db is not None
    shutil.rmtree(db.parent / "work")

    resumed = run_experiment(path, mode="resume", per_row="none")
    assert resumed.resumed and resumed.run_id == result.run_id
    scratch = db.parent / "work" / "logged" / "hf-logged" / "scratch"
    assert not (scratch / "sft.jsonl").exists() and (scratch / "stored").is_dir()  # no SFT data, no training
    assert len(client.get_metric_history(result.run_id, "train_loss")) == losses
    (tmp_path / "after").mkdir()
    final = _outputs(Path(client.download_artifacts(result.run_id, "predictions.jsonl", str(tmp_path / "after"))))
    assert final == recorded  # the 2 regenerated categories came from the very same adapter
