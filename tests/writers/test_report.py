"""The backend's category report: legacy keys, charts from the facts, assumptions and source."""

from __future__ import annotations

import json

import pytest
from writers_facts import VARIANTS, make_facts, reference_facts

from harness.writers.report import build_report, model_report, template_report
from harness.writers.template import write_summary

LEGACY = {str(f["categoryId"]): f for f in reference_facts()}


def test_report__legacy_keys_and_template_source():
    facts = LEGACY["4"]
    report = template_report(facts)
    assert {"categoryId", "categoryName", "charts", "summaries", "assumptions", "source", "facts"} <= set(report)
    assert report["categoryId"] == 4 and report["categoryName"] == "그림/동화/놀이책"
    assert report["summaries"] == write_summary(facts)
    assert report["source"] == {"type": "template", "model": None}
    assert report["facts"] is facts
    json.dumps(report, ensure_ascii=False)  # the backend reads it as JSON


def test_report__donut_items_are_the_top_brands():
    facts = LEGACY["4"]
    donut = template_report(facts)["charts"]["brandTop10Donut"]
    brands = facts["metrics"]["topBrands"]
    assert [i["name"] for i in donut["items"]] == [b["name"] for b in brands]
    assert [i["value"] for i in donut["items"]] == [b["reviewCount"] for b in brands]
    assert donut["items"][0]["share"] == pytest.approx(0.14216543796076472)
    assert donut["otherShare"] == pytest.approx(1 - sum(b["share"] for b in brands))


def test_report__growth_line_points_and_partial_year():
    facts = VARIANTS["partial_year"]
    line = template_report(facts)["charts"]["growthLine"]
    assert line["unit"] == "reviews"
    assert [p["year"] for p in line["points"]] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert [p["reviewCount"] for p in line["points"]] == [100, 140, 180, 210, 260, 150]
    assert line["points"][0]["growthRate"] is None
    assert line["points"][-1]["partial"] is True and line["points"][-1]["monthsCovered"] == 6.5
    assert "partial" not in line["points"][0]


def test_report__year_after_export_end_is_listed_as_omitted():
    facts = make_facts()
    facts["growthData"].append({"year": 2026, "reviewCount": 0, "growthRate": None, "partial": True,
                                "monthsCovered": 0.0, "annualizedReviewCount": None})
    line = template_report(facts)["charts"]["growthLine"]
    assert line["omittedYears"] == [2026] and line["points"][-1]["year"] == 2025


def test_report__assumptions_name_the_proxy_hhi_basis_and_legacy_coefficients():
    legacy = template_report(LEGACY["4"])["assumptions"]
    assert legacy["proxy"] == "review_count"
    assert "approximate" in legacy["hhiBasis"]
    assert legacy["legacyCoefficients"] == {"unitsPerReview": 3.0, "priceRef": 27800.0}
    current = template_report(VARIANTS["moderate"])["assumptions"]
    assert current["hhiBasis"] == "all brands" and "legacyCoefficients" not in current


def test_report__no_reviews_has_empty_charts():
    report = template_report(VARIANTS["no_reviews"])
    assert report["charts"]["brandTop10Donut"]["items"] == []
    assert report["charts"]["brandTop10Donut"]["otherShare"] is None
    assert report["charts"]["growthLine"]["points"] == []


def test_report__model_output_is_normalized_and_named():
    facts = LEGACY["38"]
    summary = write_summary(facts)
    raw = "```json\n" + json.dumps(summary, ensure_ascii=False) + "\n```<|im_end|>"
    report = model_report(facts, raw, "qwen2.5-7b-lora")
    assert report["source"]["type"] == "model" and report["source"]["model"] == "qwen2.5-7b-lora"
    assert report["source"]["repairs"]  # the fence and the end token had to be removed
    assert report["summaries"] == summary


def test_report__invalid_model_output_falls_back_to_the_template():
    facts = LEGACY["1"]
    report = model_report(facts, "", "tiny-qwen2-stand-in")
    assert report["source"]["type"] == "template"
    assert report["source"]["fallbackFrom"] == "tiny-qwen2-stand-in"
    assert report["summaries"] == write_summary(facts)


def test_report__build_report_keeps_given_summaries_and_source():
    facts = make_facts()
    report = build_report(facts, {"marketOverviewSummary": "가.", "growthSummary": "나."}, {"type": "x"})
    assert report["summaries"]["growthSummary"] == "나." and report["source"] == {"type": "x"}
