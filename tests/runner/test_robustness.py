"""Runs in other processes: two runs log to one SQLite store at once; SIGTERM ends a run as KILLED."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mlflow import MlflowClient

from tests.runner.conftest import write_experiment

REPO = Path(__file__).resolve().parents[2]

DRIVER = """
import sys, time
from tests.runner.conftest import FakeStages, fake_write_summary
from harness.runner.run import run_experiment
delay, stall_after = float(sys.argv[3]), int(sys.argv[4])
calls = []
def write_summary(facts):
    calls.append(1)
    if len(calls) > stall_after:
        time.sleep(600)
    time.sleep(delay)
    return fake_write_summary(facts)
stages = FakeStages(write_summary).stages
result = run_experiment(sys.argv[1], mode=sys.argv[2], per_row="table", stages=stages)
print(result.run_id)
"""


def _start(path: Path, uri: str, delay: float = 0.0, stall_after: int = 99) -> subprocess.Popen[str]:
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(path), "fresh", str(delay), str(stall_after)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.slow
def test_run__two_processes_share_one_sqlite_store(
    mlflow_store: str, golden_dir: Path, tmp_path: Path
) -> None:
    paths = [
        write_experiment(tmp_path, name, golden_dir, {"kind": "template"}) for name in ("first", "second")
    ]
    procs = [_start(p, mlflow_store, delay=0.2) for p in paths]
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err[-2000:]
    run_ids = [out.strip().splitlines()[-1] for out, _ in outs]
    client = MlflowClient(mlflow_store)
    runs = [client.get_run(r) for r in run_ids]
    assert [r.info.status for r in runs] == ["FINISHED", "FINISHED"]
    assert all(r.data.metrics["json_valid_rate"] == 1.0 for r in runs)
    assert runs[0].info.experiment_id == runs[1].info.experiment_id  # both created the suite's experiment


@pytest.mark.slow
def test_run__sigterm_marks_killed_and_keeps_rows(
    mlflow_store: str, golden_dir: Path, tmp_path: Path
) -> None:
    path = write_experiment(tmp_path, "term", golden_dir, {"kind": "template"})
    proc = _start(path, mlflow_store, stall_after=2)
    preds = Path(mlflow_store.removeprefix("sqlite:///")).parent / "work" / "t" / "term" / "predictions.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if preds.exists() and len(preds.read_text("utf-8").splitlines()) == 2:
            break
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    client = MlflowClient(mlflow_store)
    [run] = client.search_runs([client.get_experiment_by_name("t").experiment_id])
    assert run.info.status == "KILLED", err[-2000:]
    assert len(preds.read_text("utf-8").splitlines()) == 2
    assert "predictions.jsonl" in {a.path for a in client.list_artifacts(run.info.run_id)}
