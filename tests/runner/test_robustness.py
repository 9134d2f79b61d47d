"""Runs in other processes: two runs log to one SQLite store at once; SIGTERM ends a run as KILLED."""

from __future__ import annotations

import json
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
    for proc, (_, err) in zip(procs, outs, strict=True):
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


def _cli(args: list[str], uri: str) -> subprocess.Popen[str]:
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "harness", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def _stalled_run(mlflow_store: str, tmp_path: Path) -> tuple[Path, Path, subprocess.Popen[str]]:
    """`harness run` of a predictions experiment whose file is a FIFO nobody writes: it waits in
    generation, its MLflow run open, until a signal arrives. Returns (experiment, state.json, process)."""
    fifo = tmp_path / "never.jsonl"
    os.mkfifo(fifo)
    path = write_experiment(tmp_path, "stall", REPO / "golden", {"kind": "predictions", "path": str(fifo),
                                                                "model_name": "m"})  # fmt: skip
    state = Path(mlflow_store.removeprefix("sqlite:///")).parent / "work" / "t" / "stall" / "state.json"
    proc = _cli(["run", str(path), "--per-row", "table"], mlflow_store)
    deadline = time.monotonic() + 120
    while not (state.exists() and '"RUNNING"' in state.read_text("utf-8")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[1][-2000:]
        time.sleep(0.2)
    return path, state, proc


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_cli__signal_ends_with_one_line_and_a_killed_run(
    mlflow_store: str, tmp_path: Path, sig: signal.Signals, status: int
) -> None:
    _, _, proc = _stalled_run(mlflow_store, tmp_path)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err[-2000:]
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"stopped: {tmp_path / 'stall.yaml'}: {sig.name}: run ") and "marked KILLED" in last
    client = MlflowClient(mlflow_store)
    [run] = client.search_runs([client.get_experiment_by_name("t").experiment_id])
    assert run.info.status == "KILLED"


@pytest.mark.slow
def test_cli__after_kill_9_the_next_fresh_run_marks_the_dead_run_failed(mlflow_store: str, tmp_path: Path) -> None:
    path, state, proc = _stalled_run(mlflow_store, tmp_path)
    dead_id = json.loads(state.read_text("utf-8"))["run_id"]
    proc.kill()
    proc.communicate(timeout=60)
    client = MlflowClient(mlflow_store)
    assert client.get_run(dead_id).info.status == "RUNNING"  # what SIGKILL leaves
    preds = tmp_path / "preds.jsonl"
    golden_ids = [json.loads(x)["categoryId"] for x in (REPO / "golden" / "facts.jsonl").read_text("utf-8").splitlines()]
    preds.write_text("".join(json.dumps({"categoryId": c, "output": "x"}) + "\n" for c in golden_ids), "utf-8")
    write_experiment(tmp_path, "stall", REPO / "golden", {"kind": "predictions", "path": str(preds), "model_name": "m"})
    again = _cli(["run", str(path), "--fresh", "--per-row", "table"], mlflow_store)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err[-2000:]
    dead = client.get_run(dead_id)
    assert dead.info.status == "FAILED" and "without closing" in dead.data.tags["harness.end_reason"]
    assert f"run {dead_id} was left RUNNING" in err
