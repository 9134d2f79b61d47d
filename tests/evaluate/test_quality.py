"""The research log's quality metrics: what each rewards, and the cases each must not reward.

Facts are category 1 of the golden set (이유식용품, copied to tests/fixtures so a golden refreeze
does not move these cases): distinctive review keywords 눈금·양·조절·용기·냉동·밀폐·보관, scenarios
식사/여행/외출/선물/잠자리/목욕, ages 3살 ... 12개월, praise "눈금이 있어서 양 조절이 쉬워요",
complaint "전자레인지에 돌리니 변형됐어요", brands 에디슨 (86.7%) ..., segments 유리, 10개입, 150ml ...
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from harness.evaluate.fidelity import FactIndex
from harness.evaluate.quality import (
    actionability,
    economy,
    grounded_insight,
    is_recommendation,
    sentences,
)
from harness.writers.contract import SUMMARY_KEYS

FACTS: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "quality_facts_1.json").read_text("utf-8")
)
PREMISE = "본 수치는 실제 거래가 아니라 리뷰 수를 대리 지표로 삼은 추정입니다."
GROWTH_PREMISE = "성장 역시 실제 판매가 아닌 리뷰 수를 대리 지표로 본 추정입니다."


def summary(market: str = "", growth: str = "") -> dict[str, str]:
    return {"marketOverviewSummary": f"{PREMISE} {market}".strip(), "growthSummary": f"{GROWTH_PREMISE} {growth}".strip()}


def checks_of(s: dict[str, str], facts: dict[str, Any] = FACTS) -> list[Any]:
    index = FactIndex.from_facts(facts)
    return [c for key in SUMMARY_KEYS for c in index.check_text(s[key])]


def insight(market: str, growth: str = "", facts: dict[str, Any] = FACTS) -> float | None:
    return grounded_insight(summary(market, growth), facts)


def act(market: str, growth: str = "", facts: dict[str, Any] = FACTS) -> float:
    s = summary(market, growth)
    return actionability(s, facts, checks_of(s, facts))


def econ(market: str, growth: str = "") -> float | None:
    s = summary(market, growth)
    return economy(s, FACTS, checks_of(s))


# grounded_insight: rewards


def test_grounded_insight__each_kind_of_review_evidence_counts() -> None:
    assert insight("리뷰에서는 눈금이 특징적입니다.") == 1  # keyword
    assert insight("식사 준비에 쓰인다는 리뷰가 많습니다.") == 1  # scenario
    assert insight("3살 아이 부모의 리뷰가 많습니다.") == 1  # age
    assert insight("눈금이 있어 양 조절이 쉽다는 호평이 많습니다.") == 3  # 2 keywords + the praise theme
    assert insight("전자레인지에 돌리면 변형된다는 불만이 있습니다.") == 1  # complaint theme


def test_grounded_insight__a_review_grounded_paragraph_beats_a_bare_one() -> None:
    rich = (
        "리뷰에서는 눈금과 냉동 보관이 두드러지고 식사(227건) 장면이 가장 많습니다. "
        "언급 연령은 3살과 4살이 많고, 부정 리뷰는 전자레인지 변형을 지적합니다."
    )
    bare = "에디슨이 86.7%를 차지하는 시장입니다. 평균 평점은 4.5점입니다."
    assert insight(rich) > insight(bare) == 0


def test_grounded_insight__age_units_살_and_세_are_one_age() -> None:
    assert insight("3세 아이 부모의 리뷰가 많습니다.") == 1


# grounded_insight: must not reward


def test_grounded_insight__listing_past_two_per_kind_earns_nothing() -> None:
    two = insight("언급 연령은 3살, 4살입니다.")
    seven = insight("언급 연령은 3살, 4살, 5세, 18개월, 24개월, 7개월, 12개월입니다.")
    assert two == seven == 2


def test_grounded_insight__generic_review_words_are_not_evidence() -> None:
    # 품질, 가격, 배송 are in every category's reviews; "가격 대비 품질이 좋아요" is no theme.
    assert insight("리뷰에서는 품질과 가격, 배송 이야기가 많고 가격 대비 품질이 좋다는 평이 많습니다.") == 0


def test_grounded_insight__market_vocabulary_is_not_a_review_keyword() -> None:
    facts = copy.deepcopy(FACTS)
    facts["reviewInsights"]["distinctiveKeywords"].insert(0, {"keyword": "차지", "score": 4.0})
    facts["reviewInsights"]["distinctiveKeywords"].insert(0, {"keyword": "집중", "score": 4.0})
    assert insight("에디슨이 86.7%를 차지하는 집중된 시장입니다.", facts=facts) == 0


def test_grounded_insight__the_category_name_is_not_a_scenario_or_keyword() -> None:
    # 이유식 is a word of the 식사 scenario and a distinctive keyword, and the category's name.
    assert insight("이유식용품 시장은 이유식 수요가 이끕니다.") == 0


def test_grounded_insight__homographs_inside_other_words_do_not_count() -> None:
    assert insight("다양한 제품이 있고 양호한 평가를 받습니다.") == 0  # 양 is a keyword


def test_grounded_insight__an_age_range_is_a_spec_segment_not_a_child() -> None:
    assert insight("12개월이상 제품이 많습니다.") == 0


def test_grounded_insight__another_categorys_evidence_earns_nothing() -> None:
    assert insight("리뷰에서는 설치가 간단하고 회전이 부드럽다는 평이 많고 차량 사용이 많습니다.") == 0


def test_grounded_insight__null_without_review_text() -> None:
    facts = copy.deepcopy(FACTS)
    facts["reviewInsights"] = {"hasReviewText": False, "reviewTextCount": 0}
    assert insight("리뷰에서는 눈금이 특징적입니다.", facts=facts) is None


# actionability: rewards


def test_actionability__a_grounded_recommendation_naming_a_segment_counts() -> None:
    text = "유리 타입 제품이 24개로 가장 많으므로 유리 용기의 냉동 보관 편의를 강조하시길 권합니다."
    assert act(text) == 1


def test_actionability__more_kinds_of_target_is_more_specific() -> None:
    one = act("눈금 평가가 많으므로 유리 용기를 내세우시길 권합니다.")
    two = act("눈금 평가가 많으므로 에디슨과 겨루기보다 유리 용기를 외출용으로 내세우시길 권합니다.")
    assert one == 1 and two == 2  # segment, then segment + brand (+ scenario, capped at two)


def test_actionability__the_fact_may_be_in_the_sentence_before() -> None:
    assert act("리뷰는 눈금과 양 조절을 칭찬합니다. 그러므로 유리 용기를 강조하시길 권합니다.") == 1


def test_actionability__conditional_benefit_is_a_recommendation() -> None:
    assert act("눈금 평가가 많아 유리 용기에 정량 눈금을 더하면 재구매를 늘릴 수 있습니다.") == 1


# actionability: must not reward


def test_actionability__generic_recommendations_earn_nothing() -> None:
    assert act("에디슨이 86.7%입니다. 마케팅을 강화하고 고객 만족도를 높이시길 권합니다.") == 0


def test_actionability__a_target_in_a_descriptive_sentence_earns_nothing() -> None:
    assert act("유리 타입 제품이 24개로 가장 많고 에디슨이 86.7%를 차지합니다.") == 0


def test_actionability__a_target_without_a_fact_behind_it_earns_nothing() -> None:
    assert act("유리 제품을 강조하시길 권합니다.") == 0


def test_actionability__targets_the_facts_do_not_have_earn_nothing() -> None:
    assert act("눈금 평가가 많으므로 회전형 카시트를 차량용으로 내세우시길 권합니다.") == 0


def test_actionability__repeating_a_target_earns_nothing_more() -> None:
    once = act("눈금 평가가 많으므로 유리 용기를 강조하시길 권합니다.")
    twice = act(
        "눈금 평가가 많으므로 유리 용기를 강조하시길 권합니다.",
        "2024년 467건으로 늘었으므로 유리 용기 재고를 늘리시길 권합니다.",
    )
    assert once == twice == 1


def test_actionability__listing_brands_earns_one_kind() -> None:
    text = "에디슨(86.7%), 베베락, 마더케이가 앞서므로 이들을 피해 틈새를 공략하는 것이 현실적입니다."
    assert act(text) == 1


def test_actionability__the_cap_is_four() -> None:
    growth = " ".join(
        f"{fact} 그러므로 {target} 제품을 {scenario}용으로 제안하시길 권합니다."
        for fact, target, scenario in (
            ("2024년은 467건입니다.", "유리", "식사"),
            ("2021년은 426건입니다.", "10개입", "여행"),
            ("2023년은 398건입니다.", "150ml", "외출"),
        )
    )
    assert act("", growth) == 4


def test_is_recommendation__verb_forms() -> None:
    yes = [
        "재고를 점검하시길 권장합니다.", "검토하시기를 권고드립니다.", "분리해 관리하셔야 합니다.",
        "차별점이 필요합니다.", "정면 경쟁보다 틈새 공략이 현실적입니다.", "보수적으로 보는 것이 안전합니다.",
        "유리 용기를 내세우면 재구매를 늘릴 수 있습니다.",
    ]
    no = [
        "부정 리뷰는 마개가 헐겁다는 점을 지적합니다.", "작성일이 유효하지 않아 집계할 수 없습니다.",
        "평균 평점은 4.5점입니다.", "2024년에는 467건으로 늘었습니다.",
    ]
    assert all(is_recommendation(s) for s in yes)
    assert not any(is_recommendation(s) for s in no)


# economy: rewards


def test_economy__a_few_new_facts_per_sentence_all_pay() -> None:
    assert econ("에디슨이 86.7%를 차지합니다. 평균 평점은 4.5점입니다.") == 1.0


def test_economy__a_name_and_its_number_are_one_fact() -> None:
    # 에디슨 and 86.7% are one record: one unit spent, one earned.
    assert econ("에디슨(86.7%)이 앞섭니다.") == 1.0


# economy: must not reward


def test_economy__listing_earns_at_most_three_per_sentence() -> None:
    listed = econ("에디슨 86.7%, 베베락 4.5%, 마더케이 2.6%, 글라스락 2.2%, 모윰 2.0%, 릿첼 1.9%입니다.")
    assert listed == pytest.approx(3 / 6)


def test_economy__restating_a_number_costs_and_earns_nothing() -> None:
    once = econ("2024년 리뷰는 467건입니다.")
    again = econ("2024년 리뷰는 467건입니다. 2024년은 467건으로 가장 많았습니다.")
    assert once == 1.0 and again == pytest.approx(1 / 2)


def test_economy__a_sentence_without_facts_costs_one() -> None:
    padded = econ("에디슨이 86.7%를 차지합니다. 앞으로의 추이를 지켜볼 필요가 있습니다.")
    assert padded == pytest.approx(1 / 2)


def test_economy__a_wrong_number_costs_and_earns_nothing() -> None:
    right = econ("에디슨이 86.7%를 차지합니다. 평균 평점은 4.5점입니다.")
    wrong = econ("에디슨이 91.3%를 차지합니다. 평균 평점은 4.5점입니다.")
    assert right == 1.0 and wrong == pytest.approx(2 / 3)  # the name still pays; 91.3% costs one


def test_economy__the_premise_sentence_is_free() -> None:
    assert econ("") is None  # premises only: nothing spent, nothing to score


def test_economy__repeating_a_name_is_free() -> None:
    assert econ("에디슨이 86.7%를 차지합니다. 에디슨의 유리 용기가 24개입니다.") == 1.0


def test_sentences__checks_follow_their_own_summary() -> None:
    s = summary("에디슨이 86.7%입니다.", "2024년에는 467건이었습니다.")
    parts = sentences(s, checks_of(s))
    stated = {(p.key, p.index): [c.stated.text for c in p.checks] for p in parts}
    assert stated[("marketOverviewSummary", 1)] == ["86.7%"]
    assert stated[("growthSummary", 1)] == ["2024년", "467건"]


# Sentences copied from golden/references.jsonl (reference set A, another writer), labelled by hand.
SET_A_ADVICE = [
    "진입 장벽이 낮은 대신 브랜드 충성도가 약하므로, 신규 브랜드는 전집이나 사운드북처럼 묶음 구성과 기능으로 존재감을 확보해야 합니다.",
    "다만 2024년의 급증은 소수 제품의 판촉이나 리뷰 이벤트가 만든 결과일 수 있어 제품별 분해가 필요합니다.",
    "분산형 시장에서 수요가 빠르게 커지고 있으므로 지금이 신규 라인업을 투입하기에 유리한 시점으로 판단됩니다.",
    "선두 두 브랜드가 시장의 대부분을 잡고 있어 신규 브랜드는 안전 인증과 특정 연령대 같은 좁은 영역에서 신뢰를 쌓는 전략이 현실적입니다.",
    "브랜드 표기가 없는 제품의 리뷰가 17.3%로 많아 실제 브랜드 집중도는 이보다 다를 수 있다는 점에 유의하셔야 합니다.",
    "작성일이 복구되기 전까지 이 카테고리는 성장 시장으로도 쇠퇴 시장으로도 분류하지 않는 것이 바람직합니다.",
    "그 전까지는 이 카테고리를 성장 시장이나 하락 시장으로 분류하지 않는 것이 안전합니다.",
    "절충형과 휴대용 제품이 주력인 만큼 외출 시 한 손 조작과 내구성을 입증하는 콘텐츠에 투자하시기를 권고드립니다.",
]
SET_A_DESCRIPTION = [
    "베베락(4.5%)과 마더케이(2.6%)가 뒤를 잇지만 상위 3개 브랜드 점유율 93.9% 대부분이 에디슨의 몫이어서, 후발 브랜드가 정면 경쟁으로 점유율을 가져오기는 어렵습니다.",
    "2022년의 급증은 지속적인 수요가 아니라 특정 시기의 일회성 수요나 판촉으로 보는 것이 타당합니다.",
    "리뷰에서 허리, 착용, 받침과 함께 아프다는 표현이 자주 나오므로 착용감과 허리 부담이 구매 결정의 핵심입니다.",
    "따라서 성장률, 최고 연도, 최근 추세 모두 제시하지 않는 것이 정확합니다.",
    "선두권이 촘촘하게 붙어 있는 중간 집중도 시장이어서 가격과 구성 경쟁이 점유율을 좌우합니다.",
]


def test_is_recommendation__another_writers_sentences() -> None:
    assert [s for s in SET_A_ADVICE if not is_recommendation(s)] == []
    assert [s for s in SET_A_DESCRIPTION if is_recommendation(s)] == []
