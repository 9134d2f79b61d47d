"""The ``ReportSummarizer`` pyfunc as MLflow loads it, and the registry aliases that point at it."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException

from harness.serve.config import SummarizerConfig, default_guard
from harness.tracking.logged_models import fetch_model, log_summarizer
from harness.tracking.model_registry import (
    CHAMPION,
    PREVIOUS,
    alias_version,
    crown,
    register_version,
    roll_back,
)
from harness.writers.template import write_summary

GOLDEN_FACTS = Path(__file__).resolve().parents[2] / "golden" / "facts.jsonl"
NAME = "market-report-summarizer"


def _facts_line(n: int = 0) -> str:
    return GOLDEN_FACTS.read_text(encoding="utf-8").splitlines()[n]


def _template_only() -> str:
    with mlflow.start_run():
        return log_summarizer("summarizer", SummarizerConfig(guard=default_guard()).to_model_config()).uri


def test_template_only__loads_and_predicts_one_row_per_input(mlflow_store: str, tmp_path: Path) -> None:
    uri = _template_only()
    model = mlflow.pyfunc.load_model(uri)
    facts = [_facts_line(0), _facts_line(3)]
    out = model.predict(pd.DataFrame({"facts": facts}))
    assert list(out.columns) == ["marketOverviewSummary", "growthSummary", "source"]
    assert list(out["source"]) == ["template", "template"]
    assert out.iloc[1]["growthSummary"] == write_summary(json.loads(facts[1]))["growthSummary"]
    local = fetch_model(uri, tmp_path / "dl")
    assert local.adapter_dir is None and local.config["model"] is None
    assert local.config["guard"] == default_guard().model_dump(mode="json")


@pytest.mark.parametrize(
    ("frame", "needle"),
    [
        (pd.DataFrame({"facts": ["{oops"]}), "row 0: 'facts' is not valid JSON"),
        (pd.DataFrame({"facts": [json.dumps({"categoryId": 1})]}), "row 0: not valid facts"),
        (pd.DataFrame({"other": ["x"]}), "facts"),
    ],
)
def test_bad_request__is_a_400_that_names_the_problem(mlflow_store: str, frame: pd.DataFrame, needle: str) -> None:
    model = mlflow.pyfunc.load_model(_template_only())
    with pytest.raises(MlflowException) as info:
        model.predict(frame)
    assert info.value.get_http_status_code() == 400 and needle in info.value.message


def test_registry__champion_moves_and_rolls_back(mlflow_store: str) -> None:
    first = register_version(_template_only(), NAME, {"suite": "a"})
    second = register_version(_template_only(), NAME, {"suite": "b"})
    assert (first, second) == ("1", "2") and alias_version(NAME, CHAMPION) is None
    assert crown(NAME, first).previous is None
    move = crown(NAME, second)
    assert (move.champion, move.previous) == ("2", "1")
    assert crown(NAME, second).previous == "1"  # promoting the champion again keeps its previous
    back = roll_back(NAME)
    assert (back.champion, back.previous) == ("1", "2") and alias_version(NAME, CHAMPION) == "1"
    version = mlflow.MlflowClient().get_model_version(NAME, "2")
    assert version.tags["suite"] == "b" and version.run_id
    loaded = mlflow.pyfunc.load_model(f"models:/{NAME}@{PREVIOUS}")
    assert version.source == f"models:/{loaded.metadata.model_id}"
