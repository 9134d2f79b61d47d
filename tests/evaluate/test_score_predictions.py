"""score_predictions: row order, repeated categories, aggregation, bad input and arbitrary outputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import InputError
from harness.evaluate import METRICS, score_predictions
from harness.evaluate.metrics import metric_for, named_metrics
from harness.registry import UnknownNameError


def _out(summary: dict[str, str]) -> str:
    return json.dumps(summary, ensure_ascii=False)


def test_score__rows_follow_predictions_and_categories_repeat(
    reference_facts: list[dict[str, Any]], hand_summary: dict[str, str]
) -> None:
    facts = {f["categoryId"]: f for f in reference_facts}
    preds = [
        {"categoryId": "4", "output": _out(hand_summary)},
        {"categoryId": 38, "output": "<|im_end|>你好"},
        {"categoryId": 4.0, "output": _out({**hand_summary, "growthSummary": "리뷰 대리 지표입니다. 2024년 99.9% 증가."})},
    ]
    report = score_predictions(facts, preds)
    assert [r["categoryId"] for r in report.rows] == ["4", 38, 4.0]
    first, second, third = report.rows
    assert first["json_valid"] and first["numeric_fidelity"] == 1.0 and first["unsupported_numbers"] == []
    assert second["cjk_leak"] and second["special_token_leak"] and not second["json_repaired"]
    assert second["numeric_fidelity"] is None
    assert third["unsupported_numbers"] == ["99.9%"]
    agg = report.aggregate
    assert agg["json_valid_rate"] == pytest.approx(2 / 3)
    assert agg["numeric_fidelity"] == pytest.approx((1.0 + third["numeric_fidelity"]) / 2)  # null skipped
    assert agg["n_rows"] == 3 and agg["numbers_unsupported"] == 1
    assert agg["rouge1_f"] is None


def test_score__to_json_round_trips(reference_facts: list[dict[str, Any]], hand_summary: dict[str, str]) -> None:
    report = score_predictions({f["categoryId"]: f for f in reference_facts}, [{"categoryId": 4, "output": _out(hand_summary)}])
    data = json.loads(report.to_json())
    assert set(data) == {"rows", "aggregate"} and "레고" not in report.to_json()  # no facts echoed
    assert {m.aggregate_name for m in METRICS.metrics()} <= set(data["aggregate"])
    assert data["aggregate"]["metric_errors"] == 0 and "metric_errors" not in data["rows"][0]


def test_score__references_enable_rouge(reference_facts: list[dict[str, Any]], hand_summary: dict[str, str]) -> None:
    refs = [{"categoryId": 4, **hand_summary}, {"categoryId": 999, **hand_summary}]
    report = score_predictions(
        {f["categoryId"]: f for f in reference_facts},
        [{"categoryId": 4, "output": _out(hand_summary)}, {"categoryId": 1, "output": _out(hand_summary)}],
        refs,
    )
    assert report.rows[0]["rougeL_f"] == pytest.approx(1.0) and report.rows[1]["rougeL_f"] is None
    assert report.aggregate["rows_without_reference"] == 1 and report.aggregate["references_unmatched"] == 1


@pytest.mark.parametrize(
    ("pred", "problem"),
    [({"categoryId": 77, "output": "x"}, "unknown categoryId 77"), ({"output": "x"}, "missing field 'categoryId'"),
     ({"categoryId": 4}, "missing field 'output'"), ({"categoryId": 4, "output": None}, "must be a string")],
)
def test_score__bad_prediction_raises_input_error(reference_facts: list[dict[str, Any]], pred: dict, problem: str) -> None:
    with pytest.raises(InputError) as err:
        score_predictions({f["categoryId"]: f for f in reference_facts}, [pred], source="p.jsonl", where=["line 3"])
    assert problem in str(err.value) and "p.jsonl: line 3" in str(err.value)


def test_metrics__registry_directions_and_aggregate_names() -> None:
    assert metric_for("json_valid_rate").name == "json_valid"
    assert metric_for("numeric_fidelity").higher_is_better
    assert not metric_for("cjk_leak_rate").higher_is_better
    named = named_metrics()
    assert not named["latency_s_per_summary"].higher_is_better and named["tokens_per_s"].higher_is_better
    assert named["json_valid_rate"].row == "json_valid" and named["train_time_s"].row is None
    assert METRICS.get("banned_phrase").kind == "bool" and METRICS.get("insight_specificity").kind == "float"
    with pytest.raises(UnknownNameError, match="did you mean 'json_valid'"):
        metric_for("json_vaild")
    with pytest.raises(UnknownNameError):
        metric_for("numeric_fidelity_rate")


def test_metrics__aggregate_skips_nulls() -> None:
    assert METRICS.get("numeric_fidelity").aggregate([1.0, None, 0.5]) == 0.75
    assert METRICS.get("json_valid").aggregate([True, False, True, False]) == 0.5
    assert METRICS.get("rouge1_f").aggregate([None, None]) is None


_RAW = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(["{", "}", '"marketOverviewSummary": "', '"growthSummary": "', "리뷰 대리 지표입니다. ",
                              "64,518건 ", "29.6% ", "6만 4천 ", "약 ", "~", "감소 ", "<|im_end|>", "市场", "\\\"", "상위 3개 "]),
             max_size=30).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_RAW, min_size=5, max_size=5))
def test_score__never_crashes_on_arbitrary_outputs(batch: list[str]) -> None:
    facts = {4: {"categoryId": 4, "metrics": {"totalReviewCount": 64518, "top3BrandShare": 0.2957,
                                              "topBrands": [{"name": "레고", "reviewCount": 9102, "share": 0.142}]}}}
    report = score_predictions(facts, [{"categoryId": 4, "output": raw} for raw in batch])
    assert len(report.rows) == 5
    for row in report.rows:
        assert row["numeric_fidelity"] is None or 0.0 <= row["numeric_fidelity"] <= 1.0
        assert isinstance(row["unsupported_numbers"], list)
    json.loads(report.to_json())
