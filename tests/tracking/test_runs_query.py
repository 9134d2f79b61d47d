"""Reading a suite back from MLflow: the round trip that keeps the in-memory decision tests honest."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.decide.rules import decide
from harness.errors import InputError
from harness.tracking.runs_query import latest_suite, load_suite
from tests.decide.decide_runs import RunSpec, make_rules, record_run, recorded_run, suite_of

SPECS = (
    RunSpec("template"),
    RunSpec("small", shift=0.5, bad_rows={"numeric_fidelity": 2}),
    RunSpec("large", shift=2.0, cost={"peak_gpu_mem_gb": 80.0}),
)


def test_load_suite__round_trip_equals_the_runs_written_and_decides_the_same(mlflow_store: str, tmp_path: Path) -> None:
    written = suite_of(*SPECS)
    ids = {role: record_run(mlflow_store, run, tmp_path) for role, run in written.by_role.items()}
    loaded = load_suite("cpu", mlflow_store)
    assert list(loaded.by_role) == ["template", "large", "small"] and loaded.skipped == []
    for role, run in loaded.by_role.items():
        mine = written.by_role[role]
        assert run.run_id == ids[role] and run.role == role and run.start_time == mine.start_time
        assert (run.tags | mine.tags) == run.tags  # MLflow adds its own tags beside ours
        assert run.metrics == pytest.approx(mine.metrics)
        assert (run.scores, run.predictions, run.facts) == (mine.scores, mine.predictions, mine.facts)
    rules = make_rules()
    from_store, in_memory = decide(loaded, rules), decide(written, rules)
    assert (from_store.verdict, from_store.reason) == (in_memory.verdict, in_memory.reason)
    assert [c.to_dict() for c in from_store.checks] == [c.to_dict() for c in in_memory.checks]


def test_load_suite__latest_finished_run_per_role_any_role_name(mlflow_store: str, tmp_path: Path) -> None:
    def put(spec: RunSpec, minute: int, status: str = "FINISHED") -> str:
        return record_run(mlflow_store, recorded_run(spec, 1_700_000_000_000 + 60_000 * minute), tmp_path, status)

    template, first = put(RunSpec("template"), 1), put(RunSpec("q-0.5b", shift=2.0), 2)
    newer = put(RunSpec("q-0.5b", shift=-1.0), 3)
    put(RunSpec("q-0.5b", shift=2.0), 4, status="FAILED")
    suite = load_suite("cpu", mlflow_store)
    assert suite.by_role["template"].run_id == template and suite.by_role["q-0.5b"].run_id == newer != first
    assert sorted(s.reason for s in suite.skipped) == ["an older finished run of the same role", "status FAILED"]
    assert latest_suite(mlflow_store) == "cpu"


def test_load_suite__unknown_suite_is_input_error(mlflow_store: str, tmp_path: Path) -> None:
    record_run(mlflow_store, recorded_run(RunSpec("template")), tmp_path)
    with pytest.raises(InputError, match="no FINISHED"):
        load_suite("nope", mlflow_store)
