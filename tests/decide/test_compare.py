"""``harness compare`` end to end: reports written, decision run logged, same numbers twice."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from decide_runs import Recorder, RunSpec
from mlflow.tracking import MlflowClient
from typer.testing import CliRunner

from harness.cli import app
from harness.decide.compare import run_compare


def _suite(record_suite: Recorder) -> dict[str, str]:
    return record_suite(
        RunSpec("template"),
        RunSpec("small", shift=0.5, bad_rows={"numeric_fidelity": 2}),
        RunSpec("large", shift=2.0, bad_rows={"numeric_fidelity": 1}),
    )


def test_compare__writes_reports_and_logs_decision_run(
    record_suite: Recorder, mlflow_store: str, tmp_path: Path, rules_file: Path
) -> None:
    ids = _suite(record_suite)
    result = run_compare("cpu", rules_file, out_dir=tmp_path / "reports", tracking_uri=mlflow_store)
    md = (tmp_path / "reports" / "decision.md").read_text(encoding="utf-8")
    html = (tmp_path / "reports" / "decision.html").read_text(encoding="utf-8")
    assert md.splitlines()[0].startswith("**Verdict: ")
    assert "tiny-qwen2-large (CPU stand-in for 7B)" in md
    assert "7B" not in md.replace("stand-in for 7B", "")
    assert html.count('class="plot"') == 4  # metrics, wins, calibration, cost
    for section in ("Quality as the research log defines it", "Calibration statements", "Power of the golden set"):
        assert f"## {section}" in md and f"<h2>{section}</h2>" in html
    assert md.count("| holds |") >= 4 and "the expert summaries are kept | holds" in md
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "the HTML must not load network resources"
    assert result.decision_run_id is not None
    run = MlflowClient(mlflow_store).get_run(result.decision_run_id)
    assert run.data.tags["role"] == "decision" and run.data.tags["suite"] == "cpu"
    assert run.data.tags["decided_from.large"] == ids["large"]
    assert run.data.metrics["verdict_code"] == result.decision.verdict_rank
    names = {a.path for a in MlflowClient(mlflow_store).list_artifacts(result.decision_run_id)}
    assert {"decision.md", "decision.html", "decision.json", "guarded_large_scores.json"} <= names


def test_compare__guarded_composition_falls_back_where_checks_fail(
    record_suite: Recorder, mlflow_store: str, tmp_path: Path, rules_file: Path
) -> None:
    _suite(record_suite)
    result = run_compare("cpu", rules_file, out_dir=tmp_path, tracking_uri=mlflow_store, log_run=False)
    large = result.guarded["large"]
    assert (large.fallbacks, large.total) == (1, 10)
    assert large.fallback_reasons == {"numeric_fidelity": 1}
    assert large.predictions[0]["output"] == "template output 101"
    assert large.predictions[1]["output"] == "large output 102"
    assert result.guarded["small"].fallbacks == 2
    assert large.aggregate["numeric_fidelity"] == 1.0
    assert "| guarded large | 1/10 | 10.0% |" in (tmp_path / "decision.md").read_text(encoding="utf-8")


def test_compare__second_run_gives_same_verdict_and_numbers(
    record_suite: Recorder, mlflow_store: str, tmp_path: Path, rules_file: Path
) -> None:
    _suite(record_suite)
    first = run_compare("cpu", rules_file, out_dir=tmp_path / "a", tracking_uri=mlflow_store)
    second = run_compare("cpu", rules_file, out_dir=tmp_path / "b", tracking_uri=mlflow_store)
    assert first.decision_run_id != second.decision_run_id
    for name in ("decision.json", "decision.md", "decision.html", "decision_metrics.png"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    numbers = json.loads((tmp_path / "a" / "decision.json").read_text(encoding="utf-8"))
    assert numbers["verdict"] == first.decision.verdict == second.decision.verdict


def test_compare_cli__defaults_to_latest_suite(
    record_suite: Recorder, mlflow_store: str, tmp_path: Path, rules_file: Path
) -> None:
    record_suite(RunSpec("template"), suite="old")
    record_suite(RunSpec("template"), RunSpec("small", shift=1.0), suite="new")
    args = ["compare", "--rules", str(rules_file), "--out-dir", str(tmp_path), "--no-log-run"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Verdict: fall back to the small model")
    assert "suite `new`" in (tmp_path / "decision.md").read_text(encoding="utf-8")


def test_compare_cli__bad_rules_file_is_one_line_error(
    mlflow_store: str, tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]], rules_file: Path
) -> None:
    bad = tmp_path / "bad_rules.yaml"
    bad.write_text(rules_file.read_text("utf-8").replace("win_share:", "win_shares:"), "utf-8")
    code, _, err = run_cli("compare", "--rules", str(bad), "--out-dir", str(tmp_path))
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"error: {bad}: quality.win_shares: unknown key")


def test_compare_cli__empty_store_is_one_line_error(
    mlflow_store: str, tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]], rules_file: Path
) -> None:
    code, _, err = run_cli("compare", "--rules", str(rules_file), "--out-dir", str(tmp_path))
    assert code == 2
    assert err == "error: --suite: no suite given and the tracking store holds no suite runs\n"
    assert not (tmp_path / "decision.md").exists()
