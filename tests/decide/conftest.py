"""Fixtures of the decision tests that go through MLflow: a recorder writing in-memory runs into the test's store."""

from __future__ import annotations

from pathlib import Path

import pytest
from decide_runs import Recorder, RunSpec, make_rules, record_run, recorded_run, write_rules


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    """The tests' rules (two candidates, the research log's thresholds) as a file for compare."""
    return write_rules(tmp_path / "rules.yaml", make_rules())


@pytest.fixture
def record_suite(mlflow_store: str, tmp_path: Path) -> Recorder:
    """Records a suite from RunSpecs in order (later specs start later); returns role -> run id."""
    clock = [1_700_000_000_000]

    def record(*specs: RunSpec, suite: str = "cpu") -> dict[str, str]:
        ids: dict[str, str] = {}
        for spec in specs:
            clock[0] += 60_000
            run = recorded_run(spec, clock[0], suite)
            ids[spec.role] = record_run(mlflow_store, run, tmp_path / "artifacts-src", spec.status)
        return ids

    return record
