"""The golden gate: passes on main, fails when the template regresses or the golden facts drift."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.errors import InputError
from harness.evaluate import metric_for
from harness.runner.gate import Threshold, diff_facts, load_baseline, render, run_gate
from harness.writers import template

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "golden"
TEMPLATE = REPO / "experiments" / "template_only.yaml"


def test_threshold__direction_and_tolerance() -> None:
    higher = Threshold(direction="higher", baseline=0.9, tolerance=0.05)
    assert not higher.regressed(0.86) and not higher.regressed(0.99) and higher.regressed(0.84)
    lower = Threshold(direction="lower", baseline=0.0, tolerance=0.0)
    assert not lower.regressed(0.0) and lower.regressed(0.01)
    assert higher.regressed(None) and higher.regressed(float("nan"))


def test_baseline__directions_agree_with_metric_registry() -> None:
    baseline = load_baseline(GOLDEN / "baseline.yaml")
    assert "template_only" in baseline.variants
    for thresholds in baseline.variants.values():
        for name, threshold in thresholds.items():
            assert (threshold.direction == "higher") == metric_for(name).higher_is_better, name


@pytest.mark.parametrize(
    ("metric", "direction", "problem"),
    [("json_vaild_rate", "higher", "unknown metric 'json_vaild_rate'; did you mean 'json_valid_rate'?"),
     ("cjk_leak_rate", "higher", "direction 'higher', but lower is better for cjk_leak_rate")],
)
def test_baseline__metrics_checked_against_registry(tmp_path: Path, metric: str, direction: str, problem: str) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text(yaml.safe_dump({"variants": {"t": {metric: {"direction": direction, "baseline": 1}}}}), "utf-8")
    with pytest.raises(InputError) as err:
        load_baseline(path)
    assert str(err.value) == f"{path}: key 'variants.t.{metric}': {problem}"


def test_baseline__unknown_key_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text(yaml.safe_dump({"variants": {"t": {"m": {"direction": "up", "baseline": 1}}}}), "utf-8")
    with pytest.raises(InputError, match=r"key 'variants.t.m.direction'"):
        load_baseline(path)


def test_diff_facts__names_category_and_path() -> None:
    a = [{"categoryId": 1, "metrics": {"hhi": 100, "topBrands": [{"share": 0.5}]}}, {"categoryId": 2}]
    b = [
        {"categoryId": "1", "metrics": {"hhi": 101, "topBrands": [{"share": 0.5}], "x": 1}},
        {"categoryId": 3},
    ]
    lines = diff_facts(a, b)
    assert "category 1: metrics.hhi: expected 100, got 101" in lines
    assert "category 1: metrics.x: new field" in lines
    assert "category 2: missing from recomputed facts" in lines
    assert "category 3: recomputed but not in golden facts" in lines
    assert diff_facts(a, a) == []


def test_gate__passes_on_main() -> None:
    result = run_gate(GOLDEN, [TEMPLATE], check_facts=False)
    assert result.passed, render(result)
    gated = {c.metric for c in result.checks}
    assert {"json_valid_rate", "numeric_fidelity", "disclaimer_rate"} <= gated


def _drop_premise(real: Any) -> Any:
    def broken(facts: dict[str, Any]) -> dict[str, str]:
        out = real(facts)
        first_gone = out["marketOverviewSummary"].split(". ", 1)[-1]
        return {**out, "marketOverviewSummary": first_gone}

    return broken


def _alter_a_number(real: Any) -> Any:
    def broken(facts: dict[str, Any]) -> dict[str, str]:
        out = real(facts)
        total = facts["metrics"]["totalReviewCount"]
        text = out["marketOverviewSummary"].replace(f"{total:,}건", f"{total + 7:,}건")
        return {**out, "marketOverviewSummary": text}

    return broken


@pytest.mark.parametrize(
    ("breaker", "metric"), [(_drop_premise, "disclaimer_rate"), (_alter_a_number, "numeric_fidelity")]
)
def test_gate__fails_when_template_regresses(
    monkeypatch: pytest.MonkeyPatch, breaker: Any, metric: str
) -> None:
    monkeypatch.setattr(template, "write_summary", breaker(template.write_summary))
    result = run_gate(GOLDEN, [TEMPLATE], check_facts=False)
    assert not result.passed
    failed = {c.metric for c in result.checks if not c.ok}
    assert metric in failed
    table = render(result)
    assert re.search(rf"template_only\s+{metric}\s.*REGRESSED", table) and table.endswith("gate: FAILED")


def test_gate_cli__exit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["gate", "--golden", str(GOLDEN), "--experiment", str(TEMPLATE), "--skip-facts"]
    ok = CliRunner().invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "gate: PASSED" in ok.output
    monkeypatch.setattr(template, "write_summary", _drop_premise(template.write_summary))
    bad = CliRunner().invoke(app, args)
    assert bad.exit_code == 1 and "REGRESSED" in bad.output


def test_gate__absent_experiment_is_noted_not_failed(tmp_path: Path) -> None:
    result = run_gate(GOLDEN, [TEMPLATE, tmp_path / "cpu-small.yaml"], check_facts=False)
    assert result.passed and any("absent" in n for n in result.notes)


@pytest.mark.slow
def test_gate__golden_facts_recompute_exactly() -> None:
    result = run_gate(GOLDEN, [], check_facts=True)
    assert result.facts_diff == [], render(result)


@pytest.mark.slow
def test_gate__facts_drift_fails(tmp_path: Path) -> None:
    import shutil

    golden = tmp_path / "golden"
    shutil.copytree(GOLDEN, golden)
    lines = (golden / "facts.jsonl").read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    first["metrics"]["totalReviewCount"] += 1
    (golden / "facts.jsonl").write_text(
        "\n".join([json.dumps(first, ensure_ascii=False), *lines[1:]]) + "\n", "utf-8"
    )
    result = run_gate(golden, [], check_facts=True)
    assert not result.passed
    total = first["metrics"]["totalReviewCount"]
    assert result.facts_diff == [
        f"category {first['categoryId']}: metrics.totalReviewCount: expected {total}, got {total - 1}"
    ]
