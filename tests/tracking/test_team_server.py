"""Team scale: the same runner against an MLflow tracking server on PostgreSQL (issue 13).

Starts Debian's PostgreSQL from a fresh ``initdb`` cluster and ``mlflow server`` on 127.0.0.1
(``harness store team-server start``), runs eight experiments of one suite at once with
``harness run``, and reads them back with ``harness compare``. Skips with one line where
PostgreSQL or psycopg2 is not installed.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNS = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _harness(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "harness", *args], cwd=REPO, env=env or dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


@pytest.fixture(scope="module")
def team_server() -> Iterator[str]:
    if not (shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb")):
        pytest.skip("PostgreSQL is not installed (apt-get install -y postgresql)")
    pytest.importorskip("psycopg2", reason="psycopg2 is not installed (pip install -e '.[team]')")
    folder = Path(tempfile.mkdtemp(prefix="harness-team-"))
    folder.chmod(0o755)  # PostgreSQL runs as its own user when we are root
    args = ["--folder", str(folder), "--pg-port", str(_free_port()), "--port", str(_free_port())]
    proc = _harness("store", "team-server", "start", *args)
    out, err = proc.communicate(timeout=300)
    try:
        assert proc.returncode == 0, err[-2000:]
        yield out.split("MLFLOW_TRACKING_URI=")[1].split()[0]
    finally:
        _harness("store", "team-server", "stop", *args).communicate(timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def _experiments(folder: Path, suite: str) -> list[Path]:
    """One template run and seven predictions-file runs (the template's outputs, lightly edited)."""
    from harness.writers.template import write_summary

    facts = [json.loads(x) for x in (REPO / "golden" / "facts.jsonl").read_text("utf-8").splitlines()]
    paths = []
    for i in range(RUNS):
        if i == 0:
            variant: dict[str, object] = {"kind": "template"}
            role = "template"
        else:
            preds = folder / f"preds{i}.jsonl"
            rows = []
            for f in facts:
                summary = write_summary(f)
                if i % 2:  # odd runs drop the recommendations: a worse candidate
                    summary["marketOverviewSummary"] = summary["marketOverviewSummary"].rsplit(" 실행 측면", 1)[0]
                rows.append({"categoryId": f["categoryId"], "output": json.dumps(summary, ensure_ascii=False)})
            preds.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
            variant = {"kind": "predictions", "path": str(preds), "model_name": f"team-model-{i}"}
            role = "small" if i <= 4 else "large"
        path = folder / f"exp{i}.yaml"
        path.write_text(json.dumps({"name": f"exp{i}", "suite": suite, "role": role, "golden": str(REPO / "golden"),
                                    "variant": variant}), "utf-8")  # fmt: skip
        paths.append(path)
    return paths


@pytest.mark.slow
def test_team_server__eight_concurrent_runs_then_compare(team_server: str, tmp_path: Path) -> None:
    from mlflow import MlflowClient

    suite = f"team{int(time.time())}"
    env = {**os.environ, "MLFLOW_TRACKING_URI": team_server, "HARNESS_WORK_DIR": str(tmp_path / "work"),
           "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}  # fmt: skip
    started = time.monotonic()
    procs = [_harness("run", str(p), env=env) for p in _experiments(tmp_path, suite)]
    outs = [p.communicate(timeout=1800) for p in procs]
    elapsed = time.monotonic() - started
    for proc, (_, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err[-3000:]
    assert not any("database is locked" in err for _, err in outs)

    client = MlflowClient(team_server)
    runs = client.search_runs([client.get_experiment_by_name(suite).experiment_id])
    assert len(runs) == RUNS and {r.info.status for r in runs} == {"FINISHED"}
    assert all(r.data.metrics["json_valid_rate"] == 1.0 for r in runs)
    assert {r.data.tags.get("per_row.view") for r in runs} == {"genai"}  # traces on the server's tables

    compare = _harness("compare", "--suite", suite, "--out-dir", str(tmp_path / "reports"), env=env)
    out, err = compare.communicate(timeout=600)
    assert compare.returncode == 0, err[-3000:]
    numbers = json.loads((tmp_path / "reports" / "decision.json").read_text("utf-8"))
    assert (tmp_path / "reports" / "decision.html").exists() and "reports:" in out
    read_back = numbers["runs"]  # the latest finished run of each role, read back over REST
    assert {"template", "small", "large"} <= set(read_back)
    assert set(read_back.values()) <= {r.info.run_id for r in runs}
    print(f"\n{RUNS} concurrent runs on {team_server} (PostgreSQL) in {elapsed:.0f} s; compare: {numbers['headline']}")
