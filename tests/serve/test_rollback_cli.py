"""``harness rollback``: champion and previous swap places; with nothing to roll back to, one line."""

from __future__ import annotations

import mlflow

from harness.serve.config import SummarizerConfig, default_guard
from harness.tracking.logged_models import log_summarizer
from harness.tracking.model_registry import CHAMPION, PREVIOUS, alias_version, crown, register_version

NAME = "market-report-summarizer"  # experiments/decision_rules.yaml registry.model_name


def _version() -> str:
    with mlflow.start_run():
        uri = log_summarizer("summarizer", SummarizerConfig(guard=default_guard()).to_model_config()).uri
    return register_version(uri, NAME, {})


def test_rollback__swaps_champion_and_previous(mlflow_store: str, run_cli) -> None:
    crown(NAME, _version())
    code, _, err = run_cli("rollback")
    assert code == 2 and "has no 'previous'" in err and len(err.strip().splitlines()) == 1
    crown(NAME, _version())
    code, out, _ = run_cli("rollback")
    assert code == 0 and "champion -> version 1" in out
    assert (alias_version(NAME, CHAMPION), alias_version(NAME, PREVIOUS)) == ("1", "2")
    run_cli("rollback")
    assert (alias_version(NAME, CHAMPION), alias_version(NAME, PREVIOUS)) == ("2", "1")
