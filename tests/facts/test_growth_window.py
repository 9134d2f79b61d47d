"""growthData's years follow the export: its last review year and up to five before it.

The hand-computed case (issue 17): 25 reviews, 5 in 2024, 8 in 2025 and 12 in 2026 up to
2026-12-12. 2026 covers 346 of 365 days = 11.38 months, so its 12 reviews annualise to
12 * 12 / 11.38 = 12.65 (shown as 13); the growth rate is taken on 12.65: (12.65 / 8 - 1) = 58.2%,
not 62.5% (13 / 8 - 1) as it was when the rate used the rounded count.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from harness.facts import compute_facts, validate_facts
from harness.facts.defaults import growth_window

from .conftest import block_products, products_frame, reviews_frame


def _through_2026() -> list[tuple[str, str, float, str]]:
    rows = [("p1", f"2024-{m:02d}-10", 5, "좋아요") for m in range(1, 6)]
    rows += [("p2", f"2025-{m:02d}-10", 4, "좋아요") for m in range(1, 9)]
    rows += [("p3", f"2026-{m:02d}-05", 5, "좋아요") for m in range(1, 12)] + [("p3", "2026-12-12", 5, "좋아요")]
    return rows


def test_growth_window__ends_at_last_review_year_spans_six_or_from_first_year():
    assert growth_window(2017, 2025) == (2020, 2021, 2022, 2023, 2024, 2025)
    assert growth_window(2023, 2025) == (2023, 2024, 2025)
    assert growth_window(None, 2026) == tuple(range(2021, 2027))
    assert growth_window(2027, 2026) == (2026,)  # an end before every review: its own year only
    assert growth_window(None, None) == ()
    assert growth_window(2010, 2026, span=3) == (2024, 2025, 2026)


def test_growth__export_through_2026_reports_2026_with_the_exact_partial_rate():
    facts = compute_facts(products_frame(block_products()), reviews_frame(_through_2026()), insights=False)[0]
    growth = facts["growthData"]
    assert [(g["year"], g["reviewCount"]) for g in growth] == [(2024, 5), (2025, 8), (2026, 12)]
    assert facts["growthWindow"] == {"firstYear": 2024, "lastYear": 2026, "source": "export"}
    last = growth[-1]
    assert (last["partial"], last["monthsCovered"], last["annualizedReviewCount"]) == (True, 11.38, 13)
    assert round(last["growthRate"], 1) == 58.2  # on 12.65, not on the displayed 13 (62.5%)
    assert last["growthRate"] == pytest.approx((12 * 12 / 11.38 / 8 - 1) * 100, abs=1e-9)
    assert growth[1]["growthRate"] == 60.0 and not growth[1]["partial"]
    assert facts["dataQuality"]["reviewsOutsideYears"] == 0
    validate_facts(facts)


def test_growth__years_option_overrides_and_counts_what_it_leaves_out():
    facts = compute_facts(products_frame(block_products()), reviews_frame(_through_2026()), insights=False,
                          years=range(2020, 2026))[0]
    assert [g["year"] for g in facts["growthData"]] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert facts["growthWindow"] == {"firstYear": 2020, "lastYear": 2025, "source": "option"}
    assert facts["dataQuality"]["reviewsOutsideYears"] == 12
    with pytest.raises(ValueError, match="consecutive"):
        compute_facts(products_frame(block_products()), reviews_frame(_through_2026()), insights=False,
                      years=[2020, 2022])


def test_growth__window_is_the_exports_not_the_categorys(exports):
    """A category whose reviews all predate the export's window has empty growthData (golden 46)."""
    products, reviews = exports
    old = reviews_frame([("q0", "2012-03-01", 5, "오래된 리뷰")])
    facts = {f["categoryId"]: f for f in compute_facts(products, pd.concat([reviews, old]), insights=False)}
    assert facts[10]["growthWindow"] == facts[11]["growthWindow"] == {
        "firstYear": 2020, "lastYear": 2025, "source": "export"}
    assert facts[11]["growthData"] == [] and facts[11]["dataQuality"]["reviewsOutsideYears"] == 1


def test_growth__no_dated_review_means_no_window():
    reviews = reviews_frame([("p1", None, 5, "날짜 없음")])
    facts = compute_facts(products_frame(block_products()), reviews, insights=False)[0]
    assert facts["growthData"] == [] and facts["growthWindow"] is None
    validate_facts(facts)


def _write(tmp_path, rows):
    products = tmp_path / "products_all.csv"
    frame = pd.DataFrame(block_products())
    for column in ("review_rating_distribution", "review_tags", "specifications", "price_trend"):
        frame[column] = frame[column].map(json.dumps)
    frame.to_csv(products, index=False)
    reviews = tmp_path / "reviews_all.csv"
    pd.DataFrame(rows, columns=["product_id", "review_date", "rating", "review_text"]).to_csv(reviews, index=False)
    return products, reviews


def test_cli__names_the_window_and_the_reviews_outside_it(tmp_path, run_cli):
    rows = _through_2026() + [("p1", "2018-05-05", 5, "오래된 리뷰"), ("p1", "2019-05-05", 4, "오래된 리뷰")]
    products, reviews = _write(tmp_path, rows)
    out = tmp_path / "facts.jsonl"
    code, stdout, _ = run_cli("facts", "--products", str(products), "--reviews", str(reviews), "--out", str(out),
                              "--no-insights")
    assert code == 0
    # 2018-2026 has reviews; the window is 2021-2026, so 2018 and 2019 are named.
    assert ("growthData years 2021-2026 (from the export's review dates); 2 reviews outside them are not in "
            "growthData (2018: 1, 2019: 1)") in stdout
    assert "2021-2026 (default: last review year and up to 5 before)" in stdout  # the data-quality table
    assert "2 (2018: 1, 2019: 1)" in stdout
    facts = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert [g["year"] for g in facts["growthData"]][-1] == 2026 and facts["growthData"][-1]["partial"]

    code, stdout, _ = run_cli("facts", "--products", str(products), "--reviews", str(reviews), "--out", str(out),
                              "--no-insights", "--years", "2020-2025")
    assert code == 0
    assert "growthData years 2020-2025 (from --years); 14 reviews outside them are not in growthData " \
           "(2018: 1, 2019: 1, 2026: 12)" in stdout


def test_sft_builder__prompts_follow_the_same_window(tmp_path):
    """The SFT builder groups the exports with the engine's default: its prompts show 2024-2026."""
    from harness.train.config import SFTSettings
    from harness.train.sft import build_sft_file

    products, reviews = _write(tmp_path, _through_2026() + [("p1", "2018-05-05", 5, "오래된 리뷰")])
    settings = SFTSettings(products=str(products), reviews=str(reviews), samples_per_category=1, use_review_text=False)
    out = tmp_path / "sft.jsonl"
    build_sft_file(settings, out, golden_ids=[], progress=False)
    user = next(m["content"] for m in json.loads(out.read_text(encoding="utf-8").splitlines()[0])["messages"]
                if m["role"] == "user")
    assert re.findall(r'"year":\s*(\d{4})', user) == [str(y) for y in range(2021, 2027)]  # 2018 is outside
