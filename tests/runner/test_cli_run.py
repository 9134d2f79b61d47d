"""Done-when: `harness run experiments/template_only.yaml` on a fresh store gives a run with every
DESIGN.md metric, and the MLflow server (as `make ui` starts it) lists that run over REST."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from mlflow import MlflowClient
from typer.testing import CliRunner

from harness.cli import app
from harness.runner.golden import load_golden

REPO = Path(__file__).resolve().parents[2]

# DESIGN.md, "Metrics": the contract names, written out here so a rename anywhere is caught. The
# template measures latency and (zero) training time; it emits no tokens and uses no GPU, and a
# cost that was not measured is absent, never 0.
DESIGN_METRICS = (
    "json_valid_rate", "json_repaired_rate", "nested_json_rate", "cjk_leak_rate", "special_token_leak_rate",
    "numeric_fidelity", "key_fact_coverage", "rouge1_f", "rouge2_f", "rougeL_f", "disclaimer_rate",
    "sentence_count_ok_rate", "banned_phrase_rate", "insight_specificity",
    "latency_s_per_summary", "train_time_s",
)  # fmt: skip
NOT_MEASURED_BY_TEMPLATE = ("tokens_per_s", "peak_gpu_mem_gb")


def _run_template(per_row: str) -> str:
    result = CliRunner().invoke(
        app, ["run", str(REPO / "experiments" / "template_only.yaml"), "--per-row", per_row]
    )
    assert result.exit_code == 0, result.output
    match = re.search(r"run ([0-9a-f]{32}) \(new", result.output)
    assert match, result.output
    return match.group(1)


def test_run_cli__template_only_has_every_design_metric(mlflow_store: str) -> None:
    run_id = _run_template("table")
    client = MlflowClient(mlflow_store)
    [run] = client.search_runs([client.get_experiment_by_name("cpu").experiment_id])
    assert run.info.run_id == run_id and run.info.status == "FINISHED"
    missing = [m for m in DESIGN_METRICS if m not in run.data.metrics]
    assert not missing
    assert not set(NOT_MEASURED_BY_TEMPLATE) & set(run.data.metrics)
    assert run.data.metrics["json_valid_rate"] == 1.0
    assert run.data.tags["role"] == "template"
    assert run.data.params["golden_categories"] == str(len(load_golden(REPO / "golden").facts))


def test_run_cli__server_app_lists_run(mlflow_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tracking server's own request handlers over the same SQLite file (in-process, fast)."""
    from mlflow.server import app as server
    from mlflow.server import handlers

    run_id = _run_template("none")
    monkeypatch.setenv("_MLFLOW_SERVER_FILE_STORE", mlflow_store)
    monkeypatch.setattr(handlers, "_tracking_store", None)
    experiment = MlflowClient(mlflow_store).get_experiment_by_name("cpu").experiment_id
    response = server.test_client().post("/api/2.0/mlflow/runs/search", json={"experiment_ids": [experiment]})
    assert response.status_code == 200
    runs = response.get_json()["runs"]
    assert [r["info"]["run_id"] for r in runs] == [run_id]
    assert {m["key"] for m in runs[0]["data"]["metrics"]} >= set(DESIGN_METRICS)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _make_ui_command(mlruns: Path, port: int) -> list[str]:
    """The exact recipe of `make ui` (dry run, setup not remade), with this test's store and port."""
    out = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "ui", f"MLRUNS={mlruns}", f"UI_PORT={port}"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    [line] = [x for x in out.splitlines() if "mlflow ui" in x or "mlflow server" in x]
    return shlex.split(line)


def _post(url: str, body: bytes) -> Any:
    import json

    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # 127.0.0.1 only
        return json.loads(response.read())


@pytest.mark.slow
def test_run_cli__make_ui_server_lists_run(mlflow_store: str) -> None:
    import json

    run_id = _run_template("genai")
    mlruns = Path(mlflow_store.removeprefix("sqlite:///")).parent
    port = _free_port()
    command = _make_ui_command(mlruns, port)
    assert "127.0.0.1" in command and "0.0.0.0" not in command
    proxy_free = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    proc = subprocess.Popen(command, cwd=REPO, env=proxy_free, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip
    try:
        experiment = MlflowClient(mlflow_store).get_experiment_by_name("cpu").experiment_id
        body = json.dumps({"experiment_ids": [experiment]}).encode()
        deadline = time.monotonic() + 240
        runs = None
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        urllib.request.install_opener(opener)
        while time.monotonic() < deadline and runs is None:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
            try:
                runs = _post(f"http://127.0.0.1:{port}/api/2.0/mlflow/runs/search", body)["runs"]
            except OSError:
                time.sleep(1)
        assert runs is not None, "server did not answer"
        assert [r["info"]["run_id"] for r in runs] == [run_id]
        assert {m["key"] for m in runs[0]["data"]["metrics"]} >= set(DESIGN_METRICS)
    finally:
        os.killpg(proc.pid, 15)  # the server's own process group: it and its uvicorn worker
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=30)
