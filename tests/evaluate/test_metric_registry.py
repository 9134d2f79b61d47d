"""The metric registry: one decorated function per metric, declared inputs, and a total scoring loop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.evaluate import METRICS, MetricRegistry, RowInputs, score_predictions
from harness.evaluate.metric_registry import Detailed
from harness.writers.template import write_summary

FACTS = {7: {"categoryId": 7, "metrics": {"totalReviewCount": 1200}}}


def _registry() -> MetricRegistry:
    """A registry with one metric per case the loop must handle (built per test: tests own their metrics)."""
    reg = MetricRegistry()

    @reg.metric("length_ok", higher_is_better=True, kind="bool", needs=["raw"])
    def length_ok(row: RowInputs) -> bool:
        """Short enough."""
        return len(row.raw) < 50

    @reg.metric("explodes", higher_is_better=True, kind="float", needs=["raw"])
    def explodes(row: RowInputs) -> float:
        """Divides by the length of nothing."""
        return 1 / len(row.raw[:0])

    @reg.metric("wrong_type", higher_is_better=True, kind="bool", needs=["raw"])
    def wrong_type(row: RowInputs) -> Any:
        """Returns text where a bool is due."""
        return "yes"

    @reg.metric("sneaky", higher_is_better=True, kind="float", needs=["raw"])
    def sneaky(row: RowInputs) -> float:
        """Reads the facts without declaring them."""
        return float(len(row.facts))

    @reg.metric("stopped", higher_is_better=True, kind="bool", needs=["generation"])
    def stopped(row: RowInputs) -> bool:
        """Read from the variant's generation record."""
        return bool(row.generation["stopped"])

    @reg.metric("with_details", higher_is_better=False, kind="float", needs=["raw"])
    def with_details(row: RowInputs) -> Detailed:
        """A value plus details written beside it."""
        return Detailed(float(row.raw.count("x")), {"x_positions": [i for i, c in enumerate(row.raw) if c == "x"]})

    return reg


def test_score_row__a_raising_metric_is_null_with_its_reason_and_the_rest_still_score() -> None:
    report = score_predictions(FACTS, [{"categoryId": 7, "output": "axbx"}], metrics=_registry())
    row = report.rows[0]
    assert row["length_ok"] is True and row["with_details"] == 2.0 and row["x_positions"] == [1, 3]
    assert row["explodes"] is None and row["metric_errors"]["explodes"] == "ZeroDivisionError: division by zero"
    assert row["wrong_type"] is None and row["metric_errors"]["wrong_type"] == "TypeError: returned str, expected bool"
    assert row["sneaky"] is None and "reads 'facts' without declaring it" in row["metric_errors"]["sneaky"]
    assert report.aggregate["metric_errors"] == 3 and report.aggregate["explodes"] is None
    json.loads(report.to_json())


def test_score_row__generation_record_is_optional_input() -> None:
    preds = [{"categoryId": 7, "output": "a"}, {"categoryId": 7, "output": "b"}, {"categoryId": 7, "output": "c"}]
    generation = [{"stopped": True}, None, {"stopped": False}]
    report = score_predictions(FACTS, preds, metrics=_registry(), generation=generation)
    assert [r["stopped"] for r in report.rows] == [True, None, False]
    assert "stopped" not in report.rows[1].get("metric_errors", {})  # absent input: null, not an error
    assert report.aggregate["stopped_rate"] == 0.5
    template_like = score_predictions(FACTS, preds, metrics=_registry())
    assert template_like.aggregate["stopped_rate"] is None


def test_metric__declaration_errors_at_import_time() -> None:
    reg = MetricRegistry()
    with pytest.raises(ValueError, match="unknown inputs \\['fact'\\]"):
        reg.metric("m", higher_is_better=True, kind="bool", needs=["fact"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="needs a docstring"):
        reg.metric("m", higher_is_better=True, kind="bool", needs=["raw"])(lambda row: True)

    def documented(row: RowInputs) -> bool:
        """First paragraph,
        over two lines.

        Detail that stays out of the table."""
        return True

    reg.metric("m", higher_is_better=True, kind="bool", needs=["raw"])(documented)
    assert reg.get("m").description == "First paragraph, over two lines."
    with pytest.raises(ValueError, match="registered twice"):
        reg.metric("m", higher_is_better=True, kind="bool", needs=["raw"])(documented)


def test_registered_metrics__declare_what_they_read_and_score_real_outputs(
    reference_facts: list[dict[str, Any]],
) -> None:
    """Every shipped metric over template outputs with references and odd outputs: no metric errors.

    The real reference facts are legacy (no review insights), so a golden facts object with review
    insights joins them: grounded_insight is null, honestly, where there is no review text.
    """
    facts = {f["categoryId"]: f for f in reference_facts}
    golden_1 = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "quality_facts_1.json").read_text("utf-8"))
    facts["golden-1"] = {**golden_1, "categoryId": "golden-1"}
    preds = [{"categoryId": k, "output": json.dumps(write_summary(f), ensure_ascii=False)} for k, f in facts.items()]
    preds += [{"categoryId": 4, "output": raw} for raw in ("", "<|im_end|>市场", '{"marketOverviewSummary": 3}')]
    refs = [{"categoryId": k, **write_summary(f)} for k, f in facts.items()]
    generation = [{"stop": "end_of_turn"}] * (len(preds) - 1) + [{"stop": "length"}]
    report = score_predictions(facts, preds, refs, generation=generation)
    assert report.aggregate["metric_errors"] == 0, [r.get("metric_errors") for r in report.rows]
    for metric in METRICS.metrics():
        assert metric.description and metric.needs, metric.name
        assert report.aggregate[metric.aggregate_name] is not None, metric.name
