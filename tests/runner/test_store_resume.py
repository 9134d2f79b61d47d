"""``harness run --resume`` on a machine that never saw the run: the store's interrupted run is taken over."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from mlflow import MlflowClient

from harness.runner.run import run_experiment
from harness.tracking.store import sqlite_path
from tests.runner.conftest import FakeStages
from tests.runner.test_run import _artifact_text, _interrupt_after, _interrupted_template_run


def _lose_local_folders(mlflow_store: str) -> None:
    """What a fresh machine has of the run: nothing but the tracking store."""
    db = sqlite_path(mlflow_store)
    assert db is not None
    shutil.rmtree(db.parent / "work")


def _killed_then_lost(fake_stages: FakeStages, golden_dir: Path, tmp_path: Path, mlflow_store: str) -> tuple[Path, list]:
    """A template run killed after two categories on a machine that is then lost; the experiment
    file and the list of categories the writer is asked for from now on."""
    real = fake_stages.write_summary
    path = _interrupted_template_run(fake_stages, golden_dir, tmp_path, 2, KeyboardInterrupt())
    _lose_local_folders(mlflow_store)
    fake_stages.write_summary = real
    return path, _interrupt_after(fake_stages, 99, RuntimeError())


def test_resume__fresh_machine_takes_over_the_stored_run(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path, calls = _killed_then_lost(fake_stages, golden_dir, tmp_path, mlflow_store)
    result = run_experiment(path, mode="resume", per_row="none", stages=fake_stages.stages)
    client = MlflowClient(mlflow_store)
    [run] = client.search_runs([result.experiment_id])  # the same run, finished; no second run
    assert result.resumed and run.info.run_id == result.run_id and run.info.status == "FINISHED"
    assert calls == [27, 1]  # the two categories it logged before the kill came from the store
    preds = _artifact_text(client, result.run_id, "predictions.jsonl", tmp_path).splitlines()
    assert [json.loads(p)["categoryId"] for p in preds] == [4, 38, 27, 1]


@pytest.mark.parametrize("mode", ["auto", "fresh"])
def test_resume__only_when_asked(
    mode: str, mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path, calls = _killed_then_lost(fake_stages, golden_dir, tmp_path, mlflow_store)
    result = run_experiment(path, mode=mode, per_row="none", stages=fake_stages.stages)  # type: ignore[arg-type]
    assert not result.resumed and len(calls) == 4


def test_resume__a_running_run_elsewhere_is_left_alone(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    real = fake_stages.write_summary
    path = _interrupted_template_run(fake_stages, golden_dir, tmp_path, 2, KeyboardInterrupt())
    client = MlflowClient(mlflow_store)
    [other] = client.search_runs([client.get_experiment_by_name("t").experiment_id])
    client.update_run(other.info.run_id, "RUNNING")  # as if another machine were generating right now
    _lose_local_folders(mlflow_store)
    fake_stages.write_summary = real
    result = run_experiment(path, mode="resume", per_row="none", stages=fake_stages.stages)
    assert not result.resumed and result.run_id != other.info.run_id
    assert client.get_run(other.info.run_id).info.status == "RUNNING"
