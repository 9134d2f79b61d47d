"""The verdict can say yes: the calibration writers through the research log's decision rules (issue 16).

Canned outputs, the real scorer and the real rules engine; no model, no MLflow store. If a change
to a metric, the scorer or the golden set makes the rules keep a writer they must not keep (or
reject the expert), this fails and says which statement broke. The rules are defined here (the
research log's thresholds and quality metrics), so editing experiments/decision_rules.yaml breaks
no test; the shipped file itself is checked by `harness calibration check` in CI (.ci/run).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.calibrate.check import Calibration, calibrate
from harness.runner.golden import load_golden
from tests.decide.decide_runs import make_rules

REPO = Path(__file__).resolve().parents[2]
RULES = make_rules(ladder=[("large", "Qwen2.5-7B")])


@pytest.fixture(scope="module")
def shipped() -> Calibration:
    return calibrate(load_golden(REPO / "golden"), RULES, REPO / "experiments" / "predictions" / "calibration")


def test_calibration__every_statement_holds_under_the_research_log_rules(shipped: Calibration) -> None:
    failed = [s.text for s in shipped.statements if not s.held]
    assert not failed, f"calibration statements broken: {failed}; " + "; ".join(
        f"{name}: {r.stopped_by}" for name, r in shipped.results.items()
    )


def test_calibration__expert_clears_the_floor_and_wins_most_categories(shipped: Calibration) -> None:
    expert = shipped.results["expert"]
    assert expert.candidate.floor_ok
    for metric, cmp in expert.candidate.versus_template.items():
        assert cmp.interval.above_zero() and cmp.wins > cmp.interval.n / 2, metric


def test_calibration__each_degraded_writer_is_stopped_by_a_named_rule(shipped: Calibration) -> None:
    assert shipped.results["no_premise"].stopped_by == "floor: disclaimer_rate"
    for name in ("generic", "wrong_number", "cut_off", "stuffer", "template"):
        assert shipped.results[name].stopped_by.startswith("does not beat the template on"), name


def test_calibration__the_old_metric_choice_rejects_the_expert() -> None:
    """Issue 16's finding, kept as a check that this test can fail: with insight_specificity and
    ROUGE-L as the quality metrics, the expert is not kept (the template lists more facts)."""
    rules = RULES
    old = rules.model_copy(
        update={"quality": rules.quality.model_copy(update={"metrics": ("insight_specificity", "rougeL_f")})}
    )
    result = calibrate(load_golden(REPO / "golden"), old, REPO / "experiments" / "predictions" / "calibration")
    assert not result.results["expert"].kept
    assert not result.ok


def test_report_tables__calibration_statements_and_power(shipped: Calibration) -> None:
    from harness.decide.calibration_tables import calibration_table, power_table, statements_table

    rules = RULES
    table = calibration_table(shipped, rules)
    by_writer = {row[0]: row for row in table.rows}
    assert set(by_writer) == set(shipped.results)
    assert by_writer["expert"][-2] == "kept" and by_writer["no_premise"][3] == "FAILS"
    assert all(row[1] == "holds" for row in statements_table(shipped).rows)
    power = power_table(shipped.results["stuffer"].decision, shipped, rules)
    expert_rows = [row for row in power.rows if row[0].startswith("expert")]
    assert [row[1] for row in expert_rows] == list(rules.quality.metrics)
    for row in expert_rows:  # n, sd, observed mean, smallest detectable, categories needed
        assert int(row[2]) >= 5 and float(row[3]) > 0 and float(row[5]) > 0 and "categories" in row[6]


def test_quality_metrics_table__from_the_docstrings() -> None:
    from harness.decide.calibration_tables import docstring_parts, quality_metrics_table
    from harness.evaluate import quality

    table = quality_metrics_table(["grounded_insight", "actionability", "economy", "rougeL_f"])
    for row in table.rows[:3]:
        assert all(row), row  # what, rewards, must not reward, cannot see are all documented
    assert "not one of" in table.rows[3][1]
    parts = docstring_parts(quality.economy)
    assert parts["Must not reward"].startswith("listing")
