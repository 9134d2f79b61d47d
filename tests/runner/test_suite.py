"""`harness suite`: the experiments of one suite, template first, each a run in the same store."""

from __future__ import annotations

from pathlib import Path

from mlflow import MlflowClient
from typer.testing import CliRunner

from harness.cli import app
from harness.errors import InputError
from harness.runner.cli import suite_files
from tests.runner.conftest import write_experiment


def test_suite_files__template_first_then_by_name_other_suites_ignored(golden_dir: Path, tmp_path: Path) -> None:
    preds = {"kind": "predictions", "path": "p.jsonl", "model_name": "m"}
    write_experiment(tmp_path, "a_large", golden_dir, preds, role="large")
    write_experiment(tmp_path, "b_small", golden_dir, preds, role="small")
    write_experiment(tmp_path, "z_template", golden_dir, {"kind": "template"})
    write_experiment(tmp_path, "other", golden_dir, {"kind": "template"}, suite="elsewhere")
    (tmp_path / "decision_rules.yaml").write_text("not: an experiment\n", "utf-8")
    write_experiment(tmp_path, "c_tiny", golden_dir, preds, role="q2.5-0.5b")  # any candidate role of the ladder
    names = [p.name for p in suite_files("t", tmp_path)]
    assert names == ["z_template.yaml", "a_large.yaml", "b_small.yaml", "c_tiny.yaml"]


def test_suite_cli__runs_each_experiment(mlflow_store: str, golden_dir: Path, tmp_path: Path) -> None:
    write_experiment(tmp_path, "one", golden_dir, {"kind": "template"})
    write_experiment(tmp_path, "two", golden_dir, {"kind": "template"}, role="small")
    result = CliRunner().invoke(app, ["suite", "t", "--experiments", str(tmp_path), "--per-row", "none"])
    assert result.exit_code == 0, result.output
    client = MlflowClient(mlflow_store)
    runs = client.search_runs(
        [client.get_experiment_by_name("t").experiment_id], order_by=["attributes.start_time ASC"]
    )
    assert [(r.info.run_name, r.info.status, r.data.tags["role"]) for r in runs] == [
        ("one", "FINISHED", "template"), ("two", "FINISHED", "small")]  # fmt: skip


def test_suite_cli__unknown_suite_is_input_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["suite", "nope", "--experiments", str(tmp_path)])
    assert isinstance(result.exception, InputError) and "no experiment has suite: nope" in str(
        result.exception
    )
