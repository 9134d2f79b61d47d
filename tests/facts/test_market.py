"""The hand-made fixture of conftest.py against figures worked out by hand.

Category 10 (9 products, 125 reviews by review_count):
  brands by reviews: A 40+10=50, B 20+0=20, C 15, D 10, E 5, F 0; unbranded p7 25 -> branded 100.
  shares 0.5, 0.2, 0.15, 0.1, 0.05; top3 = 0.85; HHI = 50^2+20^2+15^2+10^2+5^2 = 3250 (5 brands,
  so hhiTop10 is the same); unbranded share 25/125 = 0.2; brandCount 6 (F has a product, no reviews).
  weighted rating = (4.5*40 + 4*10 + 3*20 + 5*15 + 2*10 + 4*5 + 4.8*25) / 125 = 515 / 125 = 4.12.
  histogram 1: 0+1+4+4 = 9, 2: 2+2+3 = 7, 3: 4+1+6+2 = 13, 4: 10+4+4+1+5+5 = 29, 5: 24+4+4+15+20 = 67;
  low-rating ratio (9+7)/125 = 0.128; zero-review products p8, p9 -> 2/9.
  prices 10k..70k (p8 none, p9 zero): p10 = 10k + 0.6*10k = 16k, p25 25k, p50 40k, p75 55k,
  p90 64k; 6-month changes -0.2, 0, 0.2, 0.25 -> median 0.1.
  growth: 2021 4, 2022 6 (+50%), 2023 3 (-50%), 2024 8 (+166.67% on 3), 2025 5 up to 2025-06-30:
  181 of 365 days = 5.95 months, annualised round(5*12/5.95) = 10 -> +25% on 2024's 8.
Category 11: 12 brands with one review each: HHI 12*(100/12)^2 = 833.33, top 10 only 694.44.
"""

from __future__ import annotations

import pytest

from harness.facts import compute_facts, validate_facts

from .conftest import BLOCKS, block_products, dist, product, products_frame, reviews_frame


def _by_id(exports, **kwargs):
    products, reviews = exports
    return {f["categoryId"]: f for f in compute_facts(products, reviews, insights=False, **kwargs)}


def test_market__hand_computed_fixture_matches_exactly(exports):
    facts = _by_id(exports)[10]
    m = facts["metrics"]
    assert (facts["categoryName"], facts["categoryPath"]) == ("블록", BLOCKS)
    assert (m["productCount"], m["brandCount"], m["totalReviewCount"]) == (9, 6, 125)
    assert [(b["name"], b["reviewCount"]) for b in m["topBrands"]] == [("A", 50), ("B", 20), ("C", 15), ("D", 10), ("E", 5)]
    assert [b["share"] for b in m["topBrands"]] == [0.5, 0.2, 0.15, 0.1, 0.05]
    assert m["top3BrandShare"] == 0.85
    assert m["hhi"] == pytest.approx(3250.0, abs=1e-9)
    assert m["hhiTop10"] == pytest.approx(3250.0, abs=1e-9)
    assert m["unbrandedReviewShare"] == 0.2
    assert m["avgRatingWeighted"] == pytest.approx(4.12, abs=1e-12)
    assert m["ratingHistogram"] == {"1": 9, "2": 7, "3": 13, "4": 29, "5": 67}
    assert m["lowRatingRatio"] == 0.128
    assert m["zeroReviewRatio"] == 2 / 9
    assert m["priceQuantiles"] == {"p10": 16000.0, "p25": 25000.0, "p50": 40000.0, "p75": 55000.0, "p90": 64000.0}
    assert m["priceChange6m"] == pytest.approx(0.1, abs=1e-12)
    assert m["topTags"] == [{"tag": "튼튼해요", "count": 3}, {"tag": "예뻐요", "count": 2}, {"tag": "가성비", "count": 1}]
    assert m["topSegments"] == [
        {"segment": "연령: 3세이상", "count": 2},
        {"segment": "구성: 100피스", "count": 1},
        {"segment": "용량: 1kg", "count": 1},
    ]
    validate_facts(facts)


def test_growth__hand_computed_fixture_matches_exactly(exports):
    growth = _by_id(exports)[10]["growthData"]
    assert [(g["year"], g["reviewCount"]) for g in growth] == [(2020, 0), (2021, 4), (2022, 6), (2023, 3), (2024, 8), (2025, 5)]
    rates = [g["growthRate"] for g in growth]
    assert rates[:4] == [None, None, 50.0, -50.0]
    assert rates[4] == pytest.approx(500 / 3, abs=1e-9)
    last = growth[-1]
    # 5 reviews over 5.95 months annualise to 10.08 (shown as 10); the rate is on the unrounded count.
    assert (last["partial"], last["monthsCovered"], last["annualizedReviewCount"]) == (True, 5.95, 10)
    assert last["growthRate"] == pytest.approx((5 * 12 / 5.95 / 8 - 1) * 100, abs=1e-9)
    assert round(last["growthRate"], 1) == 26.1
    assert not any(g["partial"] for g in growth[:-1])


def test_hhi__top10_differs_from_all_brands_when_more_than_ten(exports):
    m = _by_id(exports)[11]["metrics"]
    assert m["hhi"] == pytest.approx(10000 / 12, abs=1e-9)
    assert m["hhiTop10"] == pytest.approx(10 * (100 / 12) ** 2, abs=1e-9)
    assert m["top3BrandShare"] == pytest.approx(0.25, abs=1e-12)
    assert len(m["topBrands"]) == 10


def test_hhi__single_brand_is_10000():
    products = products_frame([product(f"s{i}", "7", "유아동>욕조", "베이비", 3 + i, 4.0, dist(four=3 + i), 100) for i in range(3)])
    facts = compute_facts(products, reviews_frame([]), insights=False)[0]
    assert facts["metrics"]["hhi"] == 10000.0
    assert facts["metrics"]["hhiTop10"] == 10000.0
    assert facts["metrics"]["top3BrandShare"] == 1.0


def test_market__category_without_reviews_has_nulls_not_crashes():
    rows = [product("n1", "5", "유아동>젖병", "X", 0, None, None, None), product("n2", "5", "유아동>젖병", None, 0, 0.0, dist(), 0)]
    facts = compute_facts(products_frame(rows), reviews_frame([]), insights=False)[0]
    m = facts["metrics"]
    assert (m["totalReviewCount"], m["zeroReviewRatio"], m["avgRatingWeighted"], m["hhi"]) == (0, 1.0, None, None)
    assert (m["topBrands"], m["top3BrandShare"], m["unbrandedReviewShare"], m["lowRatingRatio"]) == ([], 0.0, 0.0, 0.0)
    assert m["priceQuantiles"] is None and m["priceChange6m"] is None
    assert facts["growthData"] == []
    assert facts["reviewInsights"] == {"hasReviewText": False, "reviewTextCount": 0}
    validate_facts(facts)


def test_market__missing_review_count_falls_back_to_matched_rows():
    rows = block_products()[:2]
    rows[1]["review_count"] = None
    reviews = reviews_frame([("p2", "2024-01-01", 5, "좋아요"), ("p2", "2024-02-01", 4, "괜찮아요")])
    facts = compute_facts(products_frame(rows), reviews, insights=False)[0]
    assert facts["metrics"]["totalReviewCount"] == 42
    assert facts["dataQuality"]["productsReviewCountFromRows"] == 1
    assert facts["dataQuality"]["productReviewCountTotal"] == 40
