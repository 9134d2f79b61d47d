"""Fixtures of the decision tests: a recorder that writes synthetic suite runs into the test's store."""

from __future__ import annotations

from pathlib import Path

import pytest
from decide_recorded import Recorder, RunSpec, record_run


@pytest.fixture
def record_suite(mlflow_store: str, tmp_path: Path) -> Recorder:
    """Records a suite from RunSpecs in order (later specs start later); returns role -> run id."""
    clock = [1_700_000_000_000]

    def record(*specs: RunSpec, suite: str = "cpu") -> dict[str, str]:
        ids: dict[str, str] = {}
        for spec in specs:
            clock[0] += 60_000
            ids[spec.role] = record_run(mlflow_store, suite, spec, clock[0], tmp_path / "artifacts-src")
        return ids

    return record
