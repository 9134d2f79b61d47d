"""Claim attribution on the real facts: each phrasing family the issue names, right and wrong.

Category 4 (그림/동화/놀이책): 레고 14.2%, 미미월드 9.9%, 유한킴벌리 5.4%; top-2 24.1%, top-3 29.6%;
reviews 2020-2025: 4,837 / 5,686 / 7,853 / 6,411 / 17,697 / 14,293 (growth 2022 +38.1%, 2024 +176.0%);
zero-review 38.6%, low-rating 1.6%, 5-star 82.3%. Category 38 falls four years running (2022-2025).
Category 1 has 20 brands, 18 of them under 5%.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.evaluate.fidelity import FactIndex


def _outcomes(facts: dict[str, Any], text: str) -> dict[str, str]:
    return {c.stated.text: c.outcome for c in FactIndex.from_facts(facts).check_text(text)}


@pytest.fixture(scope="module")
def by_id(reference_facts: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {f["categoryId"]: f for f in reference_facts}


@pytest.mark.parametrize(
    ("cid", "text", "number"),
    [
        (4, "레고의 점유율은 약 14.2% 수준입니다.", "약 14.2% 수준"),
        (4, "상위 3개 브랜드인 레고, 미미월드, 유한킴벌리의 점유율 합계는 29.6%입니다.", "29.6%"),
        (4, "레고와 유한킴벌리를 합치면 19.6%입니다.", "19.6%"),
        (4, "상위 2개 브랜드가 24.1%, 상위 3개 브랜드가 29.6%를 차지합니다.", "24.1%"),
        (4, "리뷰 10건 중 8건 이상이 5점 만점입니다.", "8건 이상"),
        (4, "저평점 리뷰는 100건 중 2건에도 못 미칩니다.", "2건에도 못 미"),
        (4, "제품 열 개 중 네 개꼴로 리뷰가 없습니다.", "네 개"),
        (4, "리뷰가 없는 제품이 30%대 후반입니다.", "30%대 후반"),
        (4, "2024년 리뷰는 2023년의 두 배를 훌쩍 넘었습니다.", "두 배"),
        (4, "2025년 리뷰는 2023년의 두 배 수준입니다.", "두 배 수준"),
        (4, "2020년 4,837건에서 2025년 14,293건으로 약 3배, 약 195% 증가했습니다.", "약 195%"),
        (4, "브랜드가 확인된 리뷰 64,024건 중 레고가 9,102건입니다.", "64,024건"),
        (4, "2021년과 2022년에 각각 5,686건, 7,853건이 작성되었습니다.", "5,686건"),
        (4, "레고(14.2%)와 미미월드(9.9%)의 격차는 4.3%p입니다.", "9.9%"),
        (4, "전체 제품의 3분의 1 이상이 리뷰가 없습니다.", "3분의 1 이상"),
        (38, "2022년부터 2025년까지 4년 연속 감소했습니다.", "4년"),
        (1, "20개 브랜드 중 18개 브랜드의 점유율이 5% 미만입니다.", "18개"),
        (1, "1~2점 리뷰는 328건, 비중 0.5%로 200건 중 1건 꼴입니다.", "1건"),  # the topic reaches "비중"
        (4, "상품 9,190개 중 3,549개는 리뷰가 없습니다.", "9,190개"),  # the whole of a partition
        (4, "레고, 미미월드, 유한킴벌리를 제외한 나머지 브랜드는 모두 5% 미만입니다.", "5%"),
        (4, "2023년의 감소세는 일시적이었습니다.", "2023년"),
        (4, "리뷰는 2020년 4,837건에서 2025년 14,293건으로 5년 만에 약 세 배가 되었습니다.", "5년"),
        (4, "'좋아요' 태그가 3,808건으로 가장 많습니다.", "3,808건"),  # that term's own count
        (4, "2023년에는 7,853건에서 6,411건으로 줄었습니다.", "7,853건"),  # a change starts the year before
        (4, "2024년의 급증은 일시적이며, 이를 제외하면 연간 리뷰는 6,000건 안팎입니다.", "6,000건 안팎"),
        (4, "레고는 2위 미미월드보다 2,744건 많고, 점유율로는 4.3%p 앞섭니다.", "4.3%p"),
    ],
)
def test_claims__correct_phrasings_supported(by_id: dict[int, dict[str, Any]], cid: int, text: str, number: str) -> None:
    outcomes = _outcomes(by_id[cid], text)
    assert all(o == "supported" for o in outcomes.values()), outcomes
    assert any(number in stated or stated in number for stated in outcomes), outcomes


@pytest.mark.parametrize(
    ("cid", "text", "wrong", "outcome"),
    [
        # a year-bound rate or count that is another year's: the lone year is the wrong number
        (4, "2021년에는 38.1% 성장했습니다.", "2021년", "contradicted"),
        (4, "2021년 리뷰는 7,853건입니다.", "2021년", "contradicted"),
        # the year also binds a count right for it, so the rate is the wrong number
        (4, "2021년 리뷰는 5,686건으로 38.1% 증가했습니다.", "38.1%", "contradicted"),
        (4, "레고 9.9%입니다.", "9.9%", "contradicted"),  # another brand's share
        (4, "저평점 비중은 38.6%입니다.", "38.6%", "contradicted"),  # the zero-review ratio as low-rating
        (4, "상위 2개 브랜드의 점유율은 29.6%입니다.", "29.6%", "contradicted"),  # top-3 called top-2
        (4, "미미월드는 레고의 1.4배입니다.", "1.4배", "contradicted"),  # the multiple reversed
        (4, "미미월드가 레고보다 4.3%p 높습니다.", "4.3%p", "contradicted"),  # the gap reversed
        (4, "2025년 리뷰는 2023년의 세 배입니다.", "세 배", "contradicted"),  # 2.2x is twice, not three times
        (4, "2024년에는 전년 대비 176.0% 감소했습니다.", "176.0%", "contradicted"),  # direction
        (4, "리뷰 10건 중 6건이 5점입니다.", "6건", "contradicted"),  # 82.3% is not 6 in 10
        (38, "2022년부터 2025년까지 3년 연속 감소했습니다.", "3년", "contradicted"),
        (1, "17개 브랜드가 점유율 5% 미만입니다.", "17개", "contradicted"),
        (4, "재구매율은 38.6%입니다.", "38.6%", "unverifiable"),  # a measure the facts do not carry
        (4, "시장 규모는 약 120억 원입니다.", "약 120억 원", "unverifiable"),
        (4, "온라인 판매 비중은 70%를 넘습니다.", "70%", "unverifiable"),
        (4, "2022년의 감소세는 일시적이었습니다.", "2022년", "contradicted"),  # 2022 grew
        (4, "리뷰는 2020년 4,837건에서 2025년 14,293건으로 3년 만에 약 세 배가 되었습니다.", "3년", "contradicted"),
        (4, "'좋아요' 태그가 1,692건으로 가장 많습니다.", "1,692건", "contradicted"),  # 1,692 is '너무''s
        (4, "레고의 리뷰는 9,102건으로 미미월드(6,358건)보다 2,744건 적습니다.", "2,744건", "contradicted"),
        (4, "2023년 증가율은 -18.4%로 높아졌습니다.", "-18.4%", "contradicted"),  # it fell from +38.1%
        (4, "레고, 미미월드는 10%를 넘지 못합니다.", "10%", "contradicted"),  # 레고 holds 14.2%
    ],
)
def test_claims__wrong_claims_flagged(
    by_id: dict[int, dict[str, Any]], cid: int, text: str, wrong: str, outcome: str
) -> None:
    outcomes = _outcomes(by_id[cid], text)
    assert outcomes[wrong] == outcome, outcomes
    assert [s for s, o in outcomes.items() if o != "supported"] == [wrong], outcomes


def test_claims__check_carries_number_outcome_claim_and_fact(by_id: dict[int, dict[str, Any]]) -> None:
    check = FactIndex.from_facts(by_id[4]).check_text("2022년 리뷰는 7,853건입니다.")[1]
    assert check.stated.text == "7,853건" and check.outcome == "supported" and check.supported
    assert check.fact == "growthData[2].reviewCount" and "2022" in check.claim
    wrong = FactIndex.from_facts(by_id[4]).check_text("레고 9.9%")[0]
    assert wrong.contradicted and wrong.fact is None and "레고" in wrong.claim


def test_claims__words_and_fractions_are_numbers(by_id: dict[int, dict[str, Any]]) -> None:
    index = FactIndex.from_facts(by_id[4])
    texts = [c.stated.text for c in index.check_text("세 곳, 두 배 가까이, 절반 이상, 3분의 1, 열 건 중 여덟 건")]
    assert texts == ["세 곳", "두 배 가까이", "절반", "3분의 1", "열 건", "여덟 건"]
    assert [c.stated.text for c in index.check_text("리뷰가 한 건도 없는 제품")] == []  # an idiom for none


def test_claims__the_guard_rejects_contradicted_and_unverifiable_rows(by_id: dict[int, dict[str, Any]]) -> None:
    from harness.decide.config import load_rules
    from harness.decide.guarded import failed_checks
    from harness.evaluate.scoring import score_output

    guard = load_rules().guarded

    def row(market: str) -> dict[str, Any]:
        raw = json.dumps({"marketOverviewSummary": market, "growthSummary": "리뷰 수를 대리 지표로 봅니다."}, ensure_ascii=False)
        return score_output(raw, by_id[4])

    right, wrong, unknown = row("레고의 점유율은 14.2%입니다."), row("레고의 점유율은 9.9%입니다."), row("재구매율은 14.2%입니다.")
    assert (right["contradicted"], wrong["contradicted"], unknown["contradicted"]) == (False, True, False)
    assert wrong["contradicted_numbers"] == ["9.9%"] and unknown["unsupported_numbers"] == ["14.2%"]
    assert "numeric_fidelity" not in failed_checks(right, guard)
    assert "numeric_fidelity" in failed_checks(wrong, guard) and "numeric_fidelity" in failed_checks(unknown, guard)
