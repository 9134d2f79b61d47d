"""Content metrics on normalized summaries: premise, sentence counts, banned phrases, specificity, coverage."""

from __future__ import annotations

from typing import Any

import pytest

from harness.evaluate.content import (
    banned_hits,
    disclaimer,
    insight_specificity,
    key_fact_coverage,
    sentences_ok,
)
from harness.evaluate.fidelity import FactIndex
from harness.writers.contract import SUMMARY_KEYS


def _checks(facts: dict[str, Any], summary: dict[str, str]) -> list[Any]:
    index = FactIndex.from_facts(facts)
    return [c for key in SUMMARY_KEYS for c in index.check_text(summary[key])]


def test_disclaimer__first_sentence_of_each(hand_summary: dict[str, str]) -> None:
    assert disclaimer(hand_summary)


def test_disclaimer__missing_in_one_summary_or_not_first(hand_summary: dict[str, str]) -> None:
    growth_without = hand_summary["growthSummary"].split(". ", 1)[1]
    assert not disclaimer({**hand_summary, "growthSummary": growth_without})
    moved = "2024년 리뷰가 늘었습니다. " + hand_summary["marketOverviewSummary"]
    assert not disclaimer({**hand_summary, "marketOverviewSummary": moved})
    assert not disclaimer({"marketOverviewSummary": "", "growthSummary": ""})


def test_sentence_count_ok__in_and_out_of_range(hand_summary: dict[str, str]) -> None:
    assert sentences_ok(hand_summary)
    assert not sentences_ok({**hand_summary, "growthSummary": "리뷰 대리 지표입니다. 한 문장 더."})
    long_market = " ".join(["리뷰가 많습니다."] * 7)
    assert not sentences_ok({**hand_summary, "marketOverviewSummary": long_market})


@pytest.mark.parametrize(
    ("text", "name"),
    [("예상 매출은 3억 원입니다.", "currency"), ("가격은 12,000원으로", "currency"), ("₩5,000", "currency"),
     ("매출액은 약 4억 수준", "revenue_amount"), ("성장할 수 있을 것으로 보입니다.", "hedge_pileup"),
     ("좋아 보여집니다.", "double_passive"), ("다양한 제품이 있습니다.", "vague_various"), ("장난감 등등", "vague_etc")],
)
def test_banned_phrase__each_rule(text: str, name: str) -> None:
    hits = banned_hits({"marketOverviewSummary": text, "growthSummary": ""})
    assert any(hit.startswith(name + ":") for hit in hits), hits


def test_banned_phrase__clean_text_and_lookalikes(hand_summary: dict[str, str]) -> None:
    assert banned_hits(hand_summary) == []
    lookalikes = "원목 장난감과 원래 수요, 실제 매출을 의미하지 않습니다. 성장할 수 있습니다."
    assert banned_hits({"marketOverviewSummary": lookalikes, "growthSummary": ""}) == []


def test_insight_specificity__counts_distinct_facts_and_names(facts4: dict[str, Any], hand_summary: dict[str, str]) -> None:
    score = insight_specificity(hand_summary, facts4, _checks(facts4, hand_summary))
    plain = {"marketOverviewSummary": "리뷰 수를 대리 지표로 본 결과 시장은 안정적입니다.", "growthSummary": "2024년에 늘었습니다."}
    assert score >= 20
    assert insight_specificity(plain, facts4, _checks(facts4, plain)) == 0


def test_insight_specificity__brands_keywords_segments_scenarios() -> None:
    facts = {
        "metrics": {"topBrands": [{"name": "레고", "share": 0.2}], "topSegments": [{"segment": "연령: 3세이상", "count": 4}]},
        "reviewInsights": {"topKeywords": [{"keyword": "촉감", "count": 9}], "usageScenarios": [{"scenario": "선물", "count": 3}]},
    }
    text = {"marketOverviewSummary": "레고는 촉감 평가가 좋고 3세 이상 선물 수요가 많습니다.", "growthSummary": ""}
    assert insight_specificity(text, facts, []) == 4
    assert insight_specificity({"marketOverviewSummary": "무관한 문장입니다.", "growthSummary": ""}, facts, []) == 0


def test_key_fact_coverage__all_five_and_none(facts4: dict[str, Any], hand_summary: dict[str, str]) -> None:
    text = {**hand_summary, "growthSummary": hand_summary["growthSummary"] + " HHI 약 383 수준입니다."}
    assert key_fact_coverage(facts4, _checks(facts4, text)) == 1.0
    assert key_fact_coverage(facts4, _checks(facts4, hand_summary)) == 0.8  # no HHI
    assert key_fact_coverage(facts4, []) == 0.0
    assert key_fact_coverage({}, []) is None


def test_key_fact_coverage__wrong_number_does_not_count(facts4: dict[str, Any]) -> None:
    text = {"marketOverviewSummary": "상위 3개 브랜드가 35.0%, 평균 3.9점, 리뷰 70,000건입니다.", "growthSummary": ""}
    assert key_fact_coverage(facts4, _checks(facts4, text)) == 0.0
