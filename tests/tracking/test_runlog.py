"""Run lifecycle: honest end statuses, masked params, resume keeps first param values, per-row views."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from mlflow import MlflowClient

from harness.tracking.per_row import RowRecord, log_per_row
from harness.tracking.runlog import TrackedRun, run_status


def test_tracked_run__statuses(mlflow_store: str) -> None:
    with TrackedRun("e", "ok") as ok:
        pass
    with pytest.raises(KeyboardInterrupt), TrackedRun("e", "interrupted") as killed:
        raise KeyboardInterrupt
    with pytest.raises(ValueError, match="x"), TrackedRun("e", "broken") as failed:
        raise ValueError("x")
    assert [run_status(r.run_id) for r in (ok, killed, failed)] == ["FINISHED", "KILLED", "FAILED"]
    assert run_status("0" * 32) is None


def test_tracked_run__resume_keeps_params_and_records_changes(mlflow_store: str) -> None:
    started: list[str] = []

    def interrupted_after_params() -> None:
        with TrackedRun("e", "r") as first:
            started.append(first.run_id)
            first.log_params({"git_commit": "aaa", "n": 1})
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_after_params()
    [first_id] = started
    with TrackedRun("e", "r", resume_run_id=first_id) as again:
        again.log_params({"git_commit": "bbb", "n": 1, "new": "x"})
        again.log_metrics({"m": None, "k": 2})
    run = MlflowClient(mlflow_store).get_run(first_id)
    assert run.info.status == "FINISHED"
    assert run.data.params == {"git_commit": "aaa", "n": "1", "new": "x"}
    assert run.data.tags["resume.changed_params"] == "git_commit"
    assert math.isnan(run.data.metrics["m"]) and run.data.metrics["k"] == 2.0


def test_tracked_run__experiment_artifacts_beside_store(mlflow_store: str) -> None:
    with TrackedRun("my suite", "r") as tracked:
        pass
    location = MlflowClient(mlflow_store).get_experiment(tracked.experiment_id).artifact_location
    store_dir = Path(mlflow_store.removeprefix("sqlite:///")).parent
    assert location == str(store_dir / "artifacts" / "my_suite")


def _records() -> list[RowRecord]:
    return [
        RowRecord("4", "그림책", '{"categoryId": 4}', '{"a": "hf_AbCdEfGhIjKl1234"}', None,
                  {"json_valid": True, "numeric_fidelity": None}),
        RowRecord("38", "완구", '{"categoryId": 38}', "oops", {"marketOverviewSummary": "m", "growthSummary": "g"},
                  {"json_valid": False, "numeric_fidelity": 0.5}),
    ]  # fmt: skip


def test_log_per_row__table(mlflow_store: str, tmp_path: Path) -> None:
    with TrackedRun("e", "r") as tracked:
        view = log_per_row(_records(), ["json_valid", "numeric_fidelity"], mode="table")
    assert view == "table"
    client = MlflowClient(mlflow_store)
    table = json.loads(
        Path(client.download_artifacts(tracked.run_id, "per_category.json", str(tmp_path))).read_text()
    )
    assert table["columns"][:2] == ["categoryId", "categoryName"]
    data = [dict(zip(table["columns"], row, strict=True)) for row in table["data"]]
    assert [d["json_valid"] for d in data] == [True, False] and data[1]["numeric_fidelity"] == 0.5
    assert "hf_***" in data[0]["output"]
    assert client.get_run(tracked.run_id).data.tags["per_row.view"] == "table"


def test_log_per_row__genai_failure_falls_back_to_table(
    mlflow_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow.genai

    def broken(**kwargs: object) -> None:
        raise RuntimeError("needs a network")

    monkeypatch.setattr(mlflow.genai, "evaluate", broken)
    warnings: list[str] = []
    with TrackedRun("e", "r") as tracked:
        view = log_per_row(_records(), ["json_valid"], mode="genai", warn=warnings.append)
    tags = MlflowClient(mlflow_store).get_run(tracked.run_id).data.tags
    assert view == "table" and tags["per_row.fallback_reason"] == "RuntimeError: needs a network"
    assert warnings and "falls" not in warnings[0] and "table" in warnings[0]


@pytest.mark.slow
def test_log_per_row__genai_offline(mlflow_store: str) -> None:
    with TrackedRun("e", "r") as tracked:
        view = log_per_row(_records(), ["json_valid", "numeric_fidelity"], mode="genai")
    assert view == "genai"
    client = MlflowClient(mlflow_store)
    run = client.get_run(tracked.run_id)
    assert run.data.metrics["json_valid/mean"] == 0.5
    assert run.data.metrics["numeric_fidelity/mean"] == 0.5  # the null row is skipped, not counted as 0
    traces = client.search_traces(locations=[tracked.experiment_id])
    assert len(traces) == 2
