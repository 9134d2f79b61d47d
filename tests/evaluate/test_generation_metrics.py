"""stopped / length_cut read the variant's per-row generation record; null for the template (no record)."""

from __future__ import annotations

import json

from harness.evaluate.scoring import score_predictions

FACTS = {"1": {"categoryId": 1, "metrics": {}}}
OUT = json.dumps({"marketOverviewSummary": "리뷰 수 기반 대리 지표입니다.", "growthSummary": "대리 지표입니다."},
                 ensure_ascii=False)  # fmt: skip


def test_stopped_and_length_cut__rates_over_rows_with_a_record() -> None:
    preds = [{"categoryId": 1, "output": OUT}] * 4
    records = [{"stop": "end_of_turn"}, {"stop": "length"}, {"stop": "end_of_text"}, None]
    report = score_predictions(FACTS, preds, generation=records)
    assert [r["stopped"] for r in report.rows] == [True, False, False, None]
    assert [r["length_cut"] for r in report.rows] == [False, True, False, None]
    assert report.aggregate["stopped_rate"] == 1 / 3 and report.aggregate["length_cut_rate"] == 1 / 3


def test_stopped_and_length_cut__null_without_generation() -> None:
    report = score_predictions(FACTS, [{"categoryId": 1, "output": OUT}])
    assert report.rows[0]["stopped"] is None and report.aggregate.get("stopped_rate") is None
