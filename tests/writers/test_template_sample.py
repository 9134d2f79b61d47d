"""The template on the committed sample: every category meets the contract and traces every number.

The fast test reads ``golden/facts.jsonl`` (the facts engine's output for the sample's coverage
categories, committed by the golden-set build); the slow one recomputes the facts of all sample
categories from ``data/sample`` with the facts engine, insights included.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from writers_trace import untraced_numbers

from harness.writers.contract import (
    SUMMARY_KEYS,
    sentence_count_ok,
    split_sentences,
    states_proxy_premise,
    summary_errors,
)
from harness.writers.template import write_summary

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_FACTS = ROOT / "golden" / "facts.jsonl"
SAMPLE = ROOT / "data" / "sample"


def _golden() -> list[dict[str, Any]]:
    if not GOLDEN_FACTS.exists():
        pytest.skip(f"{GOLDEN_FACTS} is not built yet (make golden)")
    return [json.loads(line) for line in GOLDEN_FACTS.read_text("utf-8").splitlines() if line.strip()]


def _problems(facts: dict[str, Any]) -> list[str]:
    summary = write_summary(facts)
    problems = [f"schema: {e}" for e in summary_errors(summary)]
    for key in SUMMARY_KEYS:
        text = summary[key]
        sentences = split_sentences(text)
        if not states_proxy_premise(sentences[0]):
            problems.append(f"{key}: no proxy premise first")
        if not sentence_count_ok(key, text):
            problems.append(f"{key}: {len(sentences)} sentences")
        problems += [f"{key}: untraced {n}" for n in untraced_numbers(text, facts)]
    return problems


def test_template_sample__every_golden_category_meets_the_contract():
    rows = _golden()
    assert len(rows) >= 10
    failures = {str(f["categoryId"]): p for f in rows if (p := _problems(f))}
    assert failures == {}


def test_template_sample__concentrated_and_fragmented_read_differently():
    rows = {str(f["categoryId"]): f for f in _golden()}
    if not {"1", "4"} <= set(rows):
        pytest.skip("golden set lacks the one-brand (1) and fragmented (4) coverage categories")

    def masked(cid: str) -> set[str]:
        text = write_summary(rows[cid])["marketOverviewSummary"]
        return {re.sub(r"'[^']*'", "'_'", re.sub(r"\d[\d,.]*", "#", s)) for s in split_sentences(text)}

    assert len(masked("1") & masked("4")) <= 2


@pytest.mark.slow
def test_template_sample__all_sample_categories_from_the_facts_engine():
    from harness.data.load import load_exports
    from harness.facts.engine import compute_facts

    exports = load_exports(SAMPLE / "products_all.csv", SAMPLE / "reviews_all.csv")
    rows = compute_facts(exports.products, exports.reviews)
    assert len(rows) >= 20
    failures = {str(f["categoryId"]): p for f in rows if (p := _problems(f))}
    assert failures == {}
