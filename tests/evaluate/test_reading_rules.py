"""Reading rules for phrasings beyond the core attribution, each right and wrong, on invented facts.

The sentences and the two categories below are made up for these tests (not taken from the
fidelity corpus): 놀이매트 has no dated review (its growth rows are empty, only the analysis window
is known) and carries price quantiles, data-quality counts and a rating histogram one review short
of the total; 젖병 has growth rows and legacy estimates (units, reference price, revenue).
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.evaluate.fidelity import FactIndex

MAT: dict[str, Any] = {
    "categoryId": 901, "categoryName": "놀이매트",
    "metrics": {
        "productCount": 80, "brandCount": 3, "totalReviewCount": 1000,
        "ratingHistogram": {"1": 20, "2": 30, "3": 50, "4": 200, "5": 699},
        "zeroReviewRatio": 0.25, "lowRatingRatio": 0.05005, "top3BrandShare": 1.0,
        "topBrands": [{"name": "포근매트", "reviewCount": 500, "share": 0.5102},
                      {"name": "말랑", "reviewCount": 300, "share": 0.3061},
                      {"name": "코지룸", "reviewCount": 180, "share": 0.1837}],
        "topTags": [{"tag": "두께감 좋아요", "count": 33}, {"tag": "세척이 쉬워요", "count": 21},
                    {"tag": "냄새가 나요", "count": 4}],
        "unbrandedReviewShare": 0.02,
        "priceQuantiles": {"p10": 30000.0, "p25": 42000.0, "p50": 61000.0, "p75": 90000.0, "p90": 150000.0},
        "priceChange6m": -0.062,
    },
    "growthData": [],
    "growthWindow": {"firstYear": 2020, "lastYear": 2025, "source": "export"},
    "dataQuality": {"brandedReviewCount": 980, "productsWithPrice": 80, "productsWithPriceTrend": 64,
                    "reviewMatchRate": 0.0},
}

BOTTLE: dict[str, Any] = {
    "categoryId": 902, "categoryName": "젖병",
    "metrics": {"productCount": 40, "brandCount": 2, "totalReviewCount": 930,
                "topBrands": [{"name": "모아젖병", "reviewCount": 600, "share": 0.6452},
                              {"name": "새록", "reviewCount": 330, "share": 0.3548}]},
    "growthData": [
        {"year": 2020, "reviewCount": 100, "growthRate": None, "estimatedUnits": 400, "priceRef": 20000,
         "estimatedRevenue": 8000000},
        {"year": 2021, "reviewCount": 150, "growthRate": 50.0, "estimatedUnits": 600, "priceRef": 20000,
         "estimatedRevenue": 12000000},
        {"year": 2022, "reviewCount": 210, "growthRate": 40.0, "estimatedUnits": 840, "priceRef": 20000,
         "estimatedRevenue": 16800000},
        {"year": 2023, "reviewCount": 230, "growthRate": 9.5238, "estimatedUnits": 920, "priceRef": 20000,
         "estimatedRevenue": 18400000},
        {"year": 2024, "reviewCount": 240, "growthRate": 4.3478, "estimatedUnits": 960, "priceRef": 20000,
         "estimatedRevenue": 19200000, "monthsCovered": 12.0},
    ],
}
WIPES: dict[str, Any] = {
    "categoryId": 903, "categoryName": "아기물티슈",
    "metrics": {
        "productCount": 70, "brandCount": 7, "totalReviewCount": 1000,
        "topBrands": [{"name": n, "reviewCount": c, "share": c / 1000} for n, c in (
            ("가온", 300), ("나래", 220), ("다솜", 150), ("라온", 120), ("마루", 90), ("바다", 70), ("사랑", 50))],
        "topSegments": [{"segment": "구성: 60매 8팩", "count": 12}],
    },
    "growthData": [
        {"year": 2021, "reviewCount": 100, "growthRate": None, "monthsCovered": 12.0, "annualizedReviewCount": None},
        {"year": 2022, "reviewCount": 150, "growthRate": 50.0, "monthsCovered": 12.0, "annualizedReviewCount": None},
        {"year": 2023, "reviewCount": 120, "growthRate": -20.0, "monthsCovered": 12.0, "annualizedReviewCount": None},
        {"year": 2024, "reviewCount": 180, "growthRate": 50.0, "monthsCovered": 12.0, "annualizedReviewCount": None},
        {"year": 2025, "reviewCount": 60, "growthRate": -33.3333, "monthsCovered": 6.0, "annualizedReviewCount": 120},
    ],
}
# A concentrated category whose reviews peaked in 2021 and then mostly fell.
TEETHER: dict[str, Any] = {
    "categoryId": 904, "categoryName": "치발기",
    "metrics": {
        "productCount": 50, "brandCount": 6, "totalReviewCount": 800, "zeroReviewRatio": 0.6,
        "hhi": 3218.0, "hhiTop10": 3218.0, "top3BrandShare": 0.85,
        "topBrands": [{"name": n, "reviewCount": c, "share": c / 800} for n, c in (
            ("말랑이", 400), ("꼭꼭", 160), ("아기곰", 120), ("토닥", 64), ("새싹", 40), ("포포", 16))],
    },
    "growthData": [
        {"year": 2020, "reviewCount": 200, "growthRate": None},
        {"year": 2021, "reviewCount": 250, "growthRate": 25.0},
        {"year": 2022, "reviewCount": 150, "growthRate": -40.0},
        {"year": 2023, "reviewCount": 135, "growthRate": -10.0},
        {"year": 2024, "reviewCount": 90, "growthRate": -33.3333},
    ],
}
_FACTS = {"mat": MAT, "bottle": BOTTLE, "wipes": WIPES, "teether": TEETHER}


def _outcomes(name: str, text: str) -> dict[str, str]:
    return {c.stated.text: c.outcome for c in FactIndex.from_facts(_FACTS[name]).check_text(text)}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # the analysis window and the price window, named where no review is dated
        ("mat", "분석 기간 2020~2025년 안에 작성일이 든 리뷰가 없어 연도별 추이는 비어 있습니다."),
        ("mat", "최근 6개월 동안 가격은 6.2% 내렸습니다."),
        # price positions and spreads
        ("mat", "하위 25% 지점은 4만 2천 원, 상위 25% 지점은 9만 원입니다."),
        ("mat", "가격 상하위 10% 지점이 3만 원과 15만 원으로 5배 차이입니다."),
        ("mat", "가운데 50% 상품의 가격은 4만 2,000원에서 9만 원 사이입니다."),
        ("mat", "중위 가격은 6만 1천 원입니다."),
        # bases: all reviews, the rated ones, the branded ones; reviews without a brand
        ("mat", "평점이 매겨진 리뷰 가운데, 별점이 있는 리뷰 999건 기준으로 5점은 70.0%입니다."),
        ("mat", "전체 리뷰 1,000건을 분모로 하면 5점은 69.9%입니다."),
        ("mat", "브랜드가 표기되지 않은 리뷰는 20건, 비중 2%입니다."),
        # products with a price trend, and its share; the match rate
        ("mat", "가격 정보가 있는 상품 80개 중 64개에 추이가 있어, 그 비율은 80%입니다."),
        ("mat", "리뷰 원문은 하나도 연결되지 않았습니다(매칭률 0%)."),
        # tag counts are products, the tag named by its first word or in full
        ("mat", "두께감 태그(33개 상품)가 세척 편의보다 많습니다."),
        ("mat", "'세척이 쉬워요' 태그가 붙은 상품이 21개입니다."),
        # a period's first year owns its rate over the year before; lists said year by year
        ("bottle", "2021~2024년 내내 늘었지만 증가율은 50.0%에서 40.0%, 9.5%, 4.3%로 줄었습니다."),
        ("bottle", "가장 큰 증가는 2021년의 50건이었고, 그 뒤로는 해마다 60건, 20건, 10건씩 늘었습니다."),
        # legacy estimates: units per review, units, an estimated revenue called an estimate
        ("bottle", "리뷰 1건당 판매 4개를 가정하면 추정 판매량은 2020년 400개에서 2024년 960개로 늘었습니다."),
        ("bottle", "기준가 20,000원을 곱한 추정 매출은 약 800만 원에서 약 1,920만 원으로 커졌습니다."),
        ("mat", "하위 10% 지점이 3만 원인 반면 상위 10% 지점은 15만 원입니다."),  # 원 + 인, not 원인
        ("mat", "하위 10% 지점이 3만 원, 상위 10% 지점이 15만 원으로 5배 차이가 납니다."),  # the stated prices
        ("mat", "가격은 3만~15만 원으로 5배 넘게 벌어져 있습니다."),  # a stated range
        ("mat", "리뷰 1,000건 중 브랜드가 확인된 리뷰는 980건입니다."),
        ("mat", "브랜드가 없는 리뷰는 20건, 비중 2%에 그쳐 점유율 해석에는 영향이 작습니다."),  # specific over generic
        ("mat", "포근매트와 말랑의 합은 81.6%, 코지룸은 18.4%로, 앞의 두 브랜드가 4.4배 규모입니다."),
        ("mat", "별점 합계 999건 기준으로 5점은 70.0%이며, 총 리뷰 수 1,000건과는 1건 차이입니다."),
        ("mat", "단일 브랜드인 포근매트가 500건을 모았습니다."),
        ("mat", "코지룸(180건)과 비교하면 선두와의 배율은 2.8배입니다."),  # a neutral multiple: larger over smaller
        ("mat", "'두께감 좋아요' 태그는 상품 80개 중 33개에 붙어 있습니다."),
        ("bottle", "2022년에도 210건으로 60건 느는 등 증가가 이어졌습니다."),
        ("bottle", "증가율은 2023년 9.5%로 한풀 꺾이며 낮아졌습니다."),  # a level's trend after an adverb
        ("bottle", "2024년 증가율은 4.3%로 속도는 다소 낮아졌으나 증가세는 이어졌습니다."),  # the speed fell, not the rate
        ("bottle", "2024년 리뷰 240건은 2020년의 2.4배이고, 2020~2024년 누적으로는 140% 늘었습니다."),
        ("bottle", "2024년 리뷰는 240건으로 전체 리뷰 930건의 25.8%입니다."),
        ("bottle", "2024년 리뷰는 월평균 20건꼴입니다."),
        ("bottle", "새록(330건)의 두 배 가까이를 모아젖병이 가져갔습니다."),
        ("bottle", "새록은 리뷰가 330건으로 선두의 2분의 1 수준입니다."),
        # a change within one year, and the year after it
        ("wipes", "2023년에 150건에서 120건으로 30건 줄었고, 이듬해 180건으로 50.0% 늘었습니다."),
        ("wipes", "1위 가온(30.0%)과 3위 다솜(15.0%)의 격차는 15.0%p로, 선두가 3위의 2배입니다."),  # 3위의: a reference
        ("wipes", "대용량 구성(60매 8팩) 상품을 늘리시길 권합니다."),  # a segment's label
        ("wipes", "라온(12.0%)과 마루(9.0%)가 중위권이고, 나머지는 모두 8% 미만입니다."),  # the rest below them
        ("wipes", "4위 라온부터 사랑까지 네 브랜드는 모두 15% 미만으로, 합쳐도 33.0%입니다."),
        ("wipes", "2025년 상반기 60건을 연환산한 120건은 2021년의 1.2배입니다."),  # the partial year's annualised count
        ("wipes", "2024년에 60건 늘어난 데 이어 2025년 연환산치는 60건 적은 수준입니다."),
        ("wipes", "2024년의 180건은 전체 리뷰 1,000건 중 18%입니다."),
        ("wipes", "가온·나래 두 브랜드의 합계는 52.0%로, 다솜 단독보다 큽니다."),
        ("wipes", "가온은 300건을 모았습니다. 이는 10건 중 3건꼴이며, 나래(220건)와 합치면 리뷰의 과반입니다."),
        ("wipes", "2위 나래(220건)부터 4위 라온(120건)까지 합쳐도 선두의 1.6배입니다."),  # a group over one brand
        ("wipes", "나래와 다솜을 합치면 가온의 1.2배입니다."),
        # a threshold's count is in its own sentence, not the next one's
        ("wipes", "7개 브랜드 가운데 20% 이상은 2곳이고, 나머지 5개 브랜드는 20% 미만입니다. 상위 5개 브랜드가 88%를 나눠 갖습니다."),
        ("wipes", "상위 4개 브랜드가 79%를 차지하고, 나머지 3개 브랜드가 21%를 나눠 갖습니다."),  # 7 brands less 3
    ],
)
def test_reading_rules__correct_phrasings_supported(name: str, text: str) -> None:
    outcomes = _outcomes(name, text)
    assert outcomes and all(o == "supported" for o in outcomes.values()), outcomes


@pytest.mark.parametrize(
    ("name", "text", "wrong", "outcome"),
    [
        ("mat", "최근 3개월 동안 가격은 6.2% 내렸습니다.", "3개월", "unverifiable"),
        ("mat", "하위 30% 지점은 4만 2천 원입니다.", "30%", "contradicted"),
        ("mat", "가격 상하위 10% 지점이 3만 원과 15만 원으로 3배 차이입니다.", "3배", "contradicted"),
        ("mat", "전체 리뷰 1,100건을 분모로 하면 5점은 69.9%입니다.", "1,100건", "contradicted"),
        ("mat", "전체 리뷰 1,000건을 분모로 하면 5점은 65.9%입니다.", "65.9%", "contradicted"),
        ("mat", "브랜드가 표기되지 않은 리뷰는 30건입니다.", "30건", "contradicted"),
        ("mat", "두께감 태그(21개 상품)가 가장 많습니다.", "21개", "contradicted"),  # 21 is the other tag's
        ("bottle", "2021~2024년 내내 늘었지만 증가율은 40.0%에서 50.0%, 9.5%, 4.3%로 줄었습니다.", "40.0%", "contradicted"),
        ("bottle", "가장 큰 증가는 2021년의 50건이었고, 그 뒤로는 해마다 60건, 10건, 20건씩 늘었습니다.", "10건",
         "contradicted"),
        ("bottle", "기준가 20,000원을 곱한 추정 매출은 약 900만 원입니다.", "약 900만 원", "contradicted"),
        ("bottle", "매출은 약 800만 원입니다.", "약 800만 원", "unverifiable"),  # real revenue: no facts carry it
        ("mat", "하위 10% 지점이 3만 원, 상위 10% 지점이 15만 원으로 3배 차이가 납니다.", "3배", "contradicted"),
        ("mat", "리뷰 1,000건 중 브랜드가 확인된 리뷰는 990건입니다.", "990건", "contradicted"),
        ("mat", "브랜드가 없는 리뷰는 20건, 비중 5%에 그쳐 점유율 해석에는 영향이 작습니다.", "5%", "contradicted"),
        ("mat", "포근매트와 말랑의 합은 81.6%, 코지룸은 18.4%로, 앞의 두 브랜드가 3.4배 규모입니다.", "3.4배", "contradicted"),
        ("mat", "코지룸(180건)과 비교하면 선두와의 배율은 3.8배입니다.", "3.8배", "contradicted"),
        ("mat", "코지룸은 포근매트의 2.8배로 차이가 큽니다.", "2.8배", "contradicted"),  # reversed: 의 keeps the direction
        ("bottle", "2020~2024년 누적으로는 24.1% 늘었습니다.", "24.1%", "contradicted"),  # the CAGR, not the whole change
        ("bottle", "2024년 리뷰는 240건으로 전체 리뷰 930건의 28.5%입니다.", "28.5%", "contradicted"),
        ("bottle", "새록(330건)의 세 배 가까이를 모아젖병이 가져갔습니다.", "세 배 가까이", "contradicted"),
        ("bottle", "2024년 증가율은 4.3%로 다시 높아졌습니다.", "4.3%", "contradicted"),  # it fell from 9.5%
        ("wipes", "2023년에 150건에서 120건으로 20건 줄었습니다.", "20건", "contradicted"),
        ("wipes", "2023년에 60건 늘어난 데 이어 2025년 연환산치는 60건 적은 수준입니다.", "2023년", "contradicted"),
        ("wipes", "2022년의 180건은 전체 리뷰 1,000건 중 18%입니다.", "2022년", "contradicted"),  # 180 is 2024's
        ("wipes", "가온·나래 두 브랜드의 합계는 52.0%로, 다솜 단독보다 작습니다.", "52.0%", "contradicted"),
        ("wipes", "라온(12.0%)과 마루(9.0%)가 중위권이고, 나머지는 모두 5% 미만입니다.", "5%", "contradicted"),
        ("wipes", "4위 라온부터 사랑까지 네 브랜드는 모두 15% 미만으로, 합쳐도 36.0%입니다.", "36.0%", "contradicted"),
        ("wipes", "2025년 상반기 60건을 연환산한 120건은 2021년의 1.5배입니다.", "1.5배", "contradicted"),
        ("wipes", "2위 나래(220건)부터 4위 라온(120건)까지 합쳐도 선두의 3분의 1 수준입니다.", "3분의 1 수준", "contradicted"),
        ("bottle", "2024년 리뷰는 월평균 25건꼴입니다.", "25건", "contradicted"),
        # a base is the one its words name: the rated reviews are 999, all reviews 1,000
        ("mat", "별점이 있는 리뷰 1,000건 기준으로 5점은 70.0%입니다.", "1,000건", "contradicted"),
        ("mat", "전체 리뷰 999건을 분모로 하면 5점은 69.9%입니다.", "999건", "contradicted"),
        ("wipes", "2025년은 6개월 동안 10건이 작성되었습니다.", "10건", "contradicted"),  # 10 a month is no count
        # a list said year by year: each figure over the year before it, not a mean over two years
        ("wipes", "2022년에 50건 늘었고, 그 뒤로는 해마다 30건, 15건씩 움직였습니다.", "15건", "contradicted"),
        ("wipes", "상위 3개 브랜드가 79%를 차지하고, 나머지 3개 브랜드가 21%를 나눠 갖습니다.", "79%", "contradicted"),
    ],
)
def test_reading_rules__wrong_claims_flagged(name: str, text: str, wrong: str, outcome: str) -> None:
    outcomes = _outcomes(name, text)
    assert outcomes[wrong] == outcome, outcomes


# Batch 4's reading rules, each right and wrong on the invented 치발기 category (right sentence, wrong
# sentence, the number the wrong one must flag and how).
_TEETHER_RULES = {
    "hhi line": ("HHI 3,218은 고집중 기준선인 2,500을 크게 넘습니다.",
                 "HHI 3,218은 고집중 기준선인 2,400을 크게 넘습니다.", "2,400", "contradicted"),
    "hhi part": ("HHI 약 3,218 가운데 상위 2개 브랜드 몫이 약 2,900입니다.",
                 "HHI 약 3,218 가운데 상위 2개 브랜드 몫이 약 3,900입니다.", "약 3,900", "contradicted"),
    "part named before its whole": ("리뷰가 달린 상품은 50개 중 20개뿐입니다.",
                                    "리뷰가 달린 상품은 50개 중 30개뿐입니다.", "30개", "contradicted"),
    "no review received": ("상품의 60%는 리뷰를 하나도 받지 못했습니다.",
                           "상품의 40%는 리뷰를 하나도 받지 못했습니다.", "40%", "contradicted"),
    "the rest counted in 곳": ("말랑이 50.0%, 꼭꼭 20.0%, 아기곰 15.0% 순이며, 나머지 세 곳은 각각 10%에도 못 미칩니다.",
                              "말랑이 50.0%, 꼭꼭 20.0%, 아기곰 15.0% 순이며, 나머지 세 곳은 각각 5%에도 못 미칩니다.",
                              "5%", "contradicted"),
    "size of a decline": ("하락 폭은 2023년에 10.0%로 작아졌다가 2024년에 33.3%로 다시 커졌습니다.",
                          "하락 폭은 2023년에 10.0%로 작아졌다가 2024년에 23.3%로 다시 커졌습니다.", "23.3%",
                          "contradicted"),
    "gap between declines": ("감소 폭은 2023년 10.0%보다 2024년 33.3%가 23.3%p 더 컸습니다.",
                             "감소 폭은 2023년 10.0%보다 2024년 33.3%가 23.3%p 더 작았습니다.", "23.3%p", "contradicted"),
    "the years around one": ("2023년 감소율(10.0%)은 그 앞뒤 해(40.0%, 33.3%)보다 작았습니다.",
                             "2023년 감소율(10.0%)은 그 앞뒤 해(33.3%, 40.0%)보다 작았습니다.", "33.3%", "contradicted"),
    "the peak": ("정점과 비교한 2024년의 리뷰 수준은 36%입니다.",
                 "정점과 비교한 2024년의 리뷰 수준은 26%입니다.", "26%", "contradicted"),
    "a list's trend": ("증감률은 2022년 -40.0%로 떨어졌다가 2023년 -10.0%, 2024년 -33.3%로 다시 높아졌습니다.",
                       "증감률은 2021년 25.0%로 오른 뒤 2022년 -40.0%, 2023년 -10.0%로 다시 높아졌습니다.", "-40.0%",
                       "contradicted"),
    "counts of rates": ("2021~2024년 증감률 4개 가운데 3개가 마이너스였습니다.",
                        "2021~2024년 증감률 4개 가운데 2개가 마이너스였습니다.", "2개", "contradicted"),
    "brands counted in words": ("말랑이, 꼭꼭, 아기곰이 선두권입니다. 세 브랜드의 합계 점유율은 85.0%입니다.",
                                "말랑이, 꼭꼭, 아기곰이 선두권입니다. 세 브랜드의 합계 점유율은 70.0%입니다.", "70.0%",
                                "contradicted"),
    "a change from one figure to another": ("2021년의 250건에서 2024년의 90건까지 리뷰는 160건 줄었습니다.",
                                            "2021년의 250건에서 2024년의 90건까지 리뷰는 160건 늘었습니다.", "160건",
                                            "contradicted"),
    "two figures compared": ("상위 3개 브랜드 합계(85.0%)가 리뷰 없는 상품 비중(60.0%)보다 높습니다.",
                             "상위 3개 브랜드 합계(85.0%)가 리뷰 없는 상품 비중(60.0%)보다 낮습니다.", "60.0%",
                             "contradicted"),
    "the reference year of a change": ("2021년 대비 2024년 감소율은 64.0%입니다.",
                                       "2020년 대비 2024년 감소율은 64.0%입니다.", "2020년", "contradicted"),
    "years joined and summed": ("2020년과 2021년에 합계 450건으로 가장 많았습니다.",
                                "2021년과 2022년에 합계 450건으로 가장 많았습니다.", "450건", "contradicted"),
    "after a year": ("2021년에 25.0% 늘어난 것이 마지막 증가였고, 그 뒤 리뷰는 160건이 줄어 2024년에는 90건만 남았습니다.",
                     "2021년에 25.0% 늘어난 것이 마지막 증가였고, 그 뒤 리뷰는 100건이 줄어 2024년에는 90건만 남았습니다.",
                     "100건", "contradicted"),
    "a rank as a noun": ("말랑이가 50% 수준으로 앞서 있고 1위의 점유율이 60%에는 못 미칩니다.",
                         "말랑이가 50% 수준으로 앞서 있고 1위의 점유율이 40%에는 못 미칩니다.", "40%", "contradicted"),
    "a count that disagrees with the names": ("말랑이와 꼭꼭 두 브랜드가 70.0%를 차지합니다.",
                                              "말랑이와 꼭꼭 세 브랜드가 70.0%를 차지합니다.", "70.0%", "contradicted"),
    "the subject carried past a reference": (
        "말랑이의 리뷰는 400건입니다. 2위 꼭꼭(160건)보다 240건 많고, 포포(16건)와 비교하면 25배입니다.",
        "말랑이의 리뷰는 400건입니다. 2위 꼭꼭(160건)보다 240건 많고, 포포(16건)와 비교하면 15배입니다.", "15배",
        "contradicted"),
    "a part of the stated figures": ("2023년 리뷰 변화(15건)는 2022년 리뷰 변화(100건)의 7분의 1 수준이었습니다.",
                                     "2023년 리뷰 변화(15건)는 2022년 리뷰 변화(100건)의 4분의 1 수준이었습니다.",
                                     "4분의 1 수준", "contradicted"),
    "a level of the peak": ("정점인 2021년(250건)에 비해, 2024년 리뷰는 정점의 3분의 1을 조금 넘는 수준으로 줄었습니다.",
                            "정점인 2021년(250건)에 비해, 2024년 리뷰는 정점의 4분의 1을 조금 넘는 수준으로 줄었습니다.",
                            "4분의 1", "contradicted"),
}


@pytest.mark.parametrize("rule", sorted(_TEETHER_RULES))
def test_reading_rules__batch4_rules_read_right_and_wrong(rule: str) -> None:
    right, wrong_text, wrong, outcome = _TEETHER_RULES[rule]
    outcomes = _outcomes("teether", right)
    assert outcomes and all(o == "supported" for o in outcomes.values()), outcomes
    outcomes = _outcomes("teether", wrong_text)
    assert outcomes[wrong] == outcome, outcomes
