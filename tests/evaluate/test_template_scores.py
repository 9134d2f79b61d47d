"""The template writer, scored by the evaluation stage: valid JSON and every number traceable.

This is where the writer and the scorer are held to each other: if either side changes a number
format, one of these fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.evaluate import score_predictions

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_FACTS = ROOT / "golden" / "facts.jsonl"
SAMPLE = ROOT / "data" / "sample"


def _score_template(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    template = pytest.importorskip("harness.writers.template")
    predictions = [
        {"categoryId": f["categoryId"], "output": json.dumps(template.write_summary(f), ensure_ascii=False)}
        for f in facts
    ]
    report = score_predictions({f["categoryId"]: f for f in facts}, predictions)
    return report.rows


def _assert_clean(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        assert row["json_valid"], row["categoryId"]
        assert row["numeric_fidelity"] == 1.0, (row["categoryId"], row["unsupported_numbers"])
        assert row["disclaimer"] and row["sentence_count_ok"] and not row["banned_phrase"], row


def test_template_scores__reference_facts(reference_facts: list[dict[str, Any]]) -> None:
    rows = _score_template(reference_facts)
    assert len(rows) == 4
    _assert_clean(rows)


def test_template_scores__golden_sample_categories() -> None:
    if not GOLDEN_FACTS.exists():
        pytest.skip("golden/facts.jsonl not built yet")
    facts = [json.loads(line) for line in GOLDEN_FACTS.read_text("utf-8").splitlines() if line.strip()]
    rows = _score_template(facts)
    assert len(rows) == len(facts) >= 10
    _assert_clean(rows)


@pytest.mark.slow
def test_template_scores__every_committed_sample_category() -> None:
    from harness.data.load import load_exports
    from harness.facts import compute_facts

    exports = load_exports(SAMPLE / "products_all.csv", SAMPLE / "reviews_all.csv")
    facts = compute_facts(exports.products, exports.reviews)
    rows = _score_template(facts)
    assert len(rows) == len(facts) >= 30
    _assert_clean(rows)
