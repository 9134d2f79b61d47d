"""Edge cases of the grouping pass: bad ratings, unknown products, missing text, reused ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from harness.errors import InputError
from harness.facts import compute_facts, facts_for, prepare_categories, select_categories, validate_facts
from harness.facts.growth import growth_data, months_covered

from .conftest import block_products, block_reviews, dist, product, products_frame, reviews_frame


def test_quality__ratings_outside_1_to_5_rejected_and_counted(exports):
    facts = compute_facts(*exports, insights=False)[0]
    q = facts["dataQuality"]
    assert q["reviewsRatingRejected"] == 2
    assert q["reviewsMatched"] == 28  # the two rejected rows are not in any count or year
    assert sum(g["reviewCount"] for g in facts["growthData"]) + q["reviewsUndated"] + q["reviewsOutsideYears"] == 28


def test_quality__nan_rating_kept_and_counted(exports):
    facts = compute_facts(*exports, insights=False)[0]
    assert facts["dataQuality"]["reviewsRatingMissing"] == 1
    assert facts["growthData"][4]["reviewCount"] == 8  # the NaN-rated 2024 review still counts


def test_quality__reviews_of_unknown_products_counted(exports):
    categories = prepare_categories(*exports, insights=False)
    export = next(iter(categories.values())).store.export
    assert export["reviewsUnknownProduct"] == 1
    assert export["reviews"] == export["reviewsMatched"] + export["reviewsUnknownProduct"] + (
        export["reviewsRatingRejected"] - export["reviewsRatingRejectedUnknownProduct"]
    )
    facts = facts_for(categories["10"])
    assert facts["dataQuality"]["exportReviewsUnknownProduct"] == 1


def test_reviews__no_text_column_gives_no_insights():
    products = products_frame(block_products())
    reviews = reviews_frame(block_reviews(), text=False)
    facts = compute_facts(products, reviews)[0]
    assert facts["reviewInsights"] == {"hasReviewText": False, "reviewTextCount": 0}
    assert facts["dataQuality"]["reviewsMatched"] == 28
    validate_facts(facts)


def test_growth__all_reviews_in_one_year():
    products = products_frame(block_products()[:1])
    reviews = reviews_frame([("p1", f"2023-{m:02d}-01", 5, "좋아요") for m in range(1, 13)])
    growth = compute_facts(products, reviews, insights=False, end_date="2025-12-31")[0]["growthData"]
    # The window starts at the first year with reviews (2023), not at a run of empty years.
    assert [(g["year"], g["reviewCount"], g["growthRate"]) for g in growth] == [
        (2023, 12, None), (2024, 0, -100.0), (2025, 0, None)
    ]
    fixed = compute_facts(products, reviews, insights=False, end_date="2025-12-31", years=range(2020, 2026))[0]
    assert [g["year"] for g in fixed["growthData"]] == [2020, 2021, 2022, 2023, 2024, 2025]


def test_growth__export_ending_mid_year_is_partial_not_a_decline():
    products = products_frame(block_products()[:1])
    reviews = reviews_frame([("p1", f"2023-{m:02d}-01", 5, "x") for m in range(1, 13)]
                            + [("p1", f"2024-0{m}-01", 5, "x") for m in range(1, 4)])
    growth = compute_facts(products, reviews, insights=False, years=range(2020, 2026))[0]["growthData"]
    y2024, y2025 = growth[4], growth[5]
    assert y2024["partial"] and y2024["monthsCovered"] == pytest.approx(2.0, abs=0.05)
    assert y2024["annualizedReviewCount"] == round(3 * 12 / y2024["monthsCovered"])
    assert y2024["growthRate"] > 0  # 3 reviews in 2 months beat 12 in a year; raw counts would say -75%
    assert (y2025["monthsCovered"], y2025["annualizedReviewCount"], y2025["growthRate"]) == (0.0, None, None)


def test_growth__months_covered_and_configurable_years():
    assert months_covered(2024, pd.Timestamp("2024-12-31")) == 12.0
    assert months_covered(2024, pd.Timestamp("2025-01-01")) == 12.0
    rows = growth_data(np.array([5, 10]), (2018, 2019), None)
    assert [(r["year"], r["growthRate"]) for r in rows] == [(2018, None), (2019, 100.0)]


def test_category_id__reused_for_two_paths_is_disambiguated():
    rows = [product("a", "38", "유아동>완구>신생아완구", "X", 1, 5.0, dist(five=1), 100),
            product("b", "38", "유아동>도서>그림책", "Y", 2, 4.0, dist(four=2), 100),
            product("c", "39", "유아동>기저귀", "Z", 0, None, None, 100)]
    categories = prepare_categories(products_frame(rows), reviews_frame([("a", "2024-01-01", 5, "좋아요")]), insights=False)
    assert list(categories) == ["38~1", "38~2", "39"]
    first, second = facts_for(categories["38~1"]), facts_for(categories["38~2"])
    assert (first["categoryId"], first["categoryPath"]) == ("38~1", "유아동>도서>그림책")
    assert (second["categoryPath"], second["dataQuality"]["reviewsMatched"]) == ("유아동>완구>신생아완구", 1)
    assert second["dataQuality"]["sourceCategoryId"] == "38" and second["dataQuality"]["pathsSharingSourceId"] == 2
    assert facts_for(categories["39"])["categoryId"] == 39
    keys, note = select_categories(categories, category_id=38)
    assert keys == ["38~1", "38~2"] and "2 paths" in note


def test_select__contains_matching_several_picks_most_reviews(exports):
    categories = prepare_categories(*exports, insights=False)
    keys, note = select_categories(categories, category_contains="완구")
    assert keys == ["10"]
    assert "most matched reviews (28)" in note
    with pytest.raises(InputError, match="no category path contains"):
        select_categories(categories, category_contains="자동차")
    with pytest.raises(InputError, match="no category with id"):
        select_categories(categories, category_id=99)


def test_subset__facts_for_mask_equals_facts_of_filtered_tables(exports):
    products, reviews = exports
    categories = prepare_categories(products, reviews, insights=False)
    mask = np.array([True, False, True, True, False, True, True, False, True])
    subset = facts_for(categories["10"], mask)
    kept = set(categories["10"].product_ids[mask])
    direct = compute_facts(products[products["id"].isin(kept)], reviews[reviews["product_id"].isin(kept)],
                           insights=False, end_date="2025-06-30")[0]
    assert subset["metrics"] == direct["metrics"]
    assert subset["growthData"] == direct["growthData"]
    assert facts_for(categories["10"], np.flatnonzero(mask))["metrics"] == subset["metrics"]
    with pytest.raises(ValueError, match="mask has shape"):
        facts_for(categories["10"], np.ones(3, dtype=bool))


def test_input__missing_required_column_is_input_error(exports):
    products, reviews = exports
    with pytest.raises(InputError, match="missing column 'category_id'"):
        compute_facts(products.drop(columns=["category_id"]), reviews, insights=False)
    with pytest.raises(InputError, match="not both"):
        compute_facts(products, reviews, insights=False, category_id=10, category_contains="블록")


def test_ids__numbers_and_text_join_as_the_same_key():
    rows = block_products()[:2]
    products = products_frame(rows)
    products["id"] = [101, 102]
    products["category_id"] = [10.0, 10.0]
    reviews = reviews_frame([("101", "2024-01-01", 5, "좋아요"), ("102.0", "2024-02-01", 4, "좋아요")])
    reviews["product_id"] = ["101", 102.0]
    facts = compute_facts(products, reviews, insights=False)[0]
    assert facts["categoryId"] == 10
    assert facts["dataQuality"]["reviewsMatched"] == 2


def test_group_exports__repeated_product_id_keeps_reviews_with_their_products():
    """A repeated id must not shift the reviews of the products after it onto other products."""
    import numpy as np

    from harness.facts.prepare import _first_positions

    ids = np.array(["a", "b", "a", "c", "d"], dtype=object)
    keys = np.array(["c", "d", "a", "zz"], dtype=object)
    positions, repeated = _first_positions(ids, keys)
    assert positions.tolist() == [3, 4, 0, -1]
    assert repeated == 1
