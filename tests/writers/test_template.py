"""The template writer on real (legacy) facts and hand-built structures: contract, numbers, phrasing."""

from __future__ import annotations

import json
import re

import pytest
from writers_facts import VARIANTS, make_facts, reference_facts
from writers_trace import untraced_numbers

from harness.writers.contract import (
    SUMMARY_KEYS,
    sentence_count_ok,
    split_sentences,
    states_proxy_premise,
    summary_errors,
)
from harness.writers.facts_view import FactsShapeError
from harness.writers.template import WRITERS, write_summary

REFERENCE = {str(f["categoryId"]): f for f in reference_facts()}
ALL_FACTS = {**{f"ref-{k}": v for k, v in REFERENCE.items()}, **VARIANTS}


def _masked(sentences: list[str]) -> set[str]:
    """Sentences with every number and quoted label blanked, so only the phrasing is compared."""
    return {re.sub(r"'[^']*'", "'_'", re.sub(r"\d[\d,.]*", "#", s)) for s in sentences}


@pytest.mark.parametrize("name", sorted(ALL_FACTS))
def test_template__meets_contract_and_traces_every_number(name):
    facts = ALL_FACTS[name]
    summary = write_summary(facts)
    assert summary_errors(summary) == []
    for key in SUMMARY_KEYS:
        text = summary[key]
        sentences = split_sentences(text)
        assert states_proxy_premise(sentences[0]), (key, sentences[0])
        assert sentence_count_ok(key, text), (key, len(sentences), sentences)
        assert untraced_numbers(text, facts) == [], (key, text)


@pytest.mark.parametrize("name", sorted(ALL_FACTS))
def test_template__consulting_tone_no_currency_no_revenue(name):
    facts = ALL_FACTS[name]
    for text in write_summary(facts).values():
        for sentence in split_sentences(text):
            assert sentence.endswith("니다."), sentence
        assert not re.search(r"\d\s*(?:원|만원|억)", text)
        assert "매출" not in text and "null" not in text and "None" not in text


def test_template__legacy_revenue_estimates_never_printed():
    facts = REFERENCE["4"]
    text = " ".join(write_summary(facts).values())
    revenue = {f"{int(g['estimatedRevenue']):,}" for g in facts["growthData"]}
    units = {f"{int(g['estimatedUnits']):,}" for g in facts["growthData"]}
    assert not any(v in text for v in revenue | units)


def test_template__deterministic_and_raw_writer_is_its_json():
    facts = REFERENCE["4"]
    first = write_summary(facts)
    assert write_summary(json.loads(json.dumps(facts))) == first
    assert json.loads(WRITERS.get("template")(facts)) == first


def test_template__reference_category_states_the_key_facts():
    overview = write_summary(REFERENCE["4"])["marketOverviewSummary"]
    for token in ("64,518건", "9,190개 제품", "1,411개 브랜드", "29.6%", "4.7점", "38.6%", "레고", "상위 3개"):
        assert token in overview, token
    assert "상위 10개 브랜드 기준으로 근사한 HHI 약 383" in overview  # legacy facts: approximate, said so


def test_template__concentrated_and_fragmented_overviews_differ_in_phrasing():
    concentrated = split_sentences(write_summary(REFERENCE["1"])["marketOverviewSummary"])
    fragmented = split_sentences(write_summary(REFERENCE["4"])["marketOverviewSummary"])
    shared = _masked(concentrated) & _masked(fragmented)
    # Only the premise and the quality verdict (both categories rate 4.7-4.8 with few low ratings) may match.
    assert len(shared) <= 2, shared
    assert "1강 체제" in concentrated[1] and "분산형 시장" in fragmented[1]
    assert "성숙 시장" in " ".join(concentrated) and "재편 단계" in " ".join(fragmented)


@pytest.mark.parametrize(("a", "b"), [("concentrated", "fragmented"), ("monopoly", "moderate"),
                                      ("highish", "weak_quality")])
def test_template__structures_get_their_own_concentration_sentence(a, b):
    first = split_sentences(write_summary(VARIANTS[a])["marketOverviewSummary"])
    second = split_sentences(write_summary(VARIANTS[b])["marketOverviewSummary"])
    assert _masked(first[1:2]) != _masked(second[1:2])
    assert len(_masked(first) ^ _masked(second)) >= 2


def test_template__growing_and_declining_growth_summaries_differ():
    growing = split_sentences(write_summary(VARIANTS["steady_growth"])["growthSummary"])
    declining = split_sentences(write_summary(VARIANTS["declining"])["growthSummary"])
    assert len(_masked(growing) & _masked(declining)) <= 3  # premise, caveat, and at most one more
    assert "줄어든 해는 없어" in " ".join(growing)
    assert "매년 감소" in " ".join(declining) and "첫해가 정점" in " ".join(declining)


def test_template__peak_decline_and_recent_years_of_reference_growth():
    growth = write_summary(REFERENCE["4"])["growthSummary"]
    assert "2024년으로 17,697건" in growth and "176.0% 증가" in growth  # peak with its numbers
    assert "2023년(18.4% 감소)" in growth and "2025년(19.2% 감소)" in growth  # decline years
    assert "2025년에 19.2% 감소" in growth  # the recent two years
    assert "부분 집계인지는" in growth  # legacy facts carry no coverage: the caveat says so


def test_template__partial_year_is_annualised_not_a_collapse():
    facts = VARIANTS["partial_year"]
    last = facts["growthData"][-1]
    growth = write_summary(facts)["growthSummary"]
    assert "6.5개월분만 집계된 부분 연도" in growth
    assert f"연환산 {last['annualizedReviewCount']:,}건" in growth
    assert "2025년 150건" not in growth  # the raw partial count is never compared as a full year
    assert "줄어든 해는 없어" in growth


def test_template__year_after_export_end_is_ignored():
    facts = make_facts(growth=(100, 150, 220, 260, 240, 300))
    facts["growthData"].append({"year": 2026, "reviewCount": 0, "growthRate": None, "partial": True,
                                "monthsCovered": 0.0, "annualizedReviewCount": None})
    growth = write_summary(facts)["growthSummary"]
    assert "2026" not in growth and "2020년부터 2025년까지" in growth


@pytest.mark.parametrize(("name", "key", "phrase"), [
    ("no_growth", "growthSummary", "연도별 리뷰 데이터가 없어 성장률을 산출할 수 없습니다"),
    ("one_year", "growthSummary", "2020년 리뷰만 집계되어 있어"),
    ("no_reviews", "marketOverviewSummary", "매칭된 리뷰가 없어"),
    ("no_reviews", "growthSummary", "리뷰 자체가 집계되지 않아"),
    ("no_text", "marketOverviewSummary", "리뷰 텍스트가 없어 구매 동기는 스펙 구성으로 판단해야 하며"),
    ("no_segments_no_text", "marketOverviewSummary", "리뷰 텍스트와 스펙 세그먼트 정보가 모두 없어"),
    ("zero_years", "growthSummary", "2022년부터 2025년까지"),
    ("unbranded_and_price", "marketOverviewSummary", "브랜드가 표기되지 않은 제품이 전체 리뷰의 37.8%를 차지하는"),
    ("unbranded_and_price", "marketOverviewSummary", "최근 반년간 대표 가격이 8.2% 하락한 만큼 가격 인하 경쟁에"),
])
def test_template__missing_and_special_pieces_read_naturally(name, key, phrase):
    text = write_summary(VARIANTS[name])[key]
    assert phrase in text, text


def test_template__no_reviews_states_no_shares_or_ratings():
    overview = write_summary(VARIANTS["no_reviews"])["marketOverviewSummary"]
    assert "%" not in overview and not re.search(r"\d점|HHI", overview)
    assert "35개 브랜드의 60개 제품" in overview


def test_template__buyer_drivers_and_actions_follow_the_insights():
    overview = write_summary(VARIANTS["fragmented"])["marketOverviewSummary"]
    assert "'촉감'" in overview and "'선물'(140건)" in overview and "800건" in overview
    assert "선물 수요" in overview and "선물용 포장" in overview  # driver and its action
    assert "첫 리뷰를 빠르게 확보" in overview  # 62% zero-review products -> a review-seeding action


def test_template__weak_quality_gets_a_quality_action():
    overview = write_summary(VARIANTS["weak_quality"])["marketOverviewSummary"]
    assert "3.6점" in overview and "품질 불만이 구조적으로" in overview and "부정 리뷰" in overview


def test_template__brand_name_with_period_does_not_split_sentences():
    facts = make_facts(brand_reviews=(4000, 500, 200))
    facts["metrics"]["topBrands"][0]["name"] = "Dr. Brown's"
    overview = write_summary(facts)["marketOverviewSummary"]
    assert "Dr.Browns" in overview
    assert sentence_count_ok("marketOverviewSummary", overview)


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda f: f["metrics"].__setitem__("totalReviewCount", "many"), "metrics.totalReviewCount"),
    (lambda f: f["metrics"].__setitem__("zeroReviewRatio", 3.5), "metrics.zeroReviewRatio"),
    (lambda f: f.__setitem__("growthData", {"2020": 1}), "growthData"),
    (lambda f: f["metrics"]["topBrands"][0].__setitem__("name", ""), "metrics.topBrands[0].name"),
    (lambda f: f.pop("metrics"), "metrics"),
])
def test_template__unreadable_facts_name_the_field(mutate, field):
    facts = make_facts()
    mutate(facts)
    with pytest.raises(FactsShapeError) as info:
        write_summary(facts)
    assert info.value.field.lstrip(".") == field


def _bumps(number: str) -> list[str]:
    """Nearby wrong values in the same format as ``number`` (decimals keep one decimal)."""
    if "." in number:
        value = float(number.replace(",", ""))
        return [f"{value + step:,.1f}" for step in (0.3, 1.7, 4.4)]
    value = int(number.replace(",", ""))
    return [f"{value + step:,}" for step in (13, 171, 4447)]


@pytest.mark.parametrize("name", ["ref-4", "ref-38", "partial_year", "concentrated"])
def test_trace__every_single_changed_number_is_caught(name):
    """The tracer is only worth something if it fails: change each number once and expect a miss.

    A changed value can coincide with another fact (38.6% -> 38.1% is also a growth rate of 38.11%),
    so each number gets three different wrong values; most first tries and every number must be caught.
    """
    facts = ALL_FACTS[name]
    tried = caught_first = 0
    for text in write_summary(facts).values():
        for m in re.finditer(r"\d{1,3}(?:,\d{3})+(?:\.\d)?|\d+(?:\.\d)?", text):
            if "'" in text[max(0, m.start() - 1): m.end() + 5]:
                continue  # numbers inside quoted labels ('12개월이상') are text, not claims
            caught = [bool(untraced_numbers(text[: m.start()] + wrong + text[m.end():], facts))
                      for wrong in _bumps(m.group(0))]
            tried += 1
            caught_first += caught[0]
            assert any(caught), (m.group(0), text[max(0, m.start() - 30): m.end() + 30])
    assert tried >= 10 and caught_first >= 0.9 * tried


def test_template__a_recent_decline_is_stated_once():
    growth = write_summary(make_facts(growth=(100, 150, 200, 260, 240, 300)))["growthSummary"]
    assert growth.count("7.7% 감소") == 1
    assert "2024년 이전에는 리뷰가 전년보다 줄어든 해가 없었습니다" in growth
