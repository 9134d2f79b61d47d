"""Derivations from the facts' price, window and data-quality fields (registered in ``derive``).

These are the figures a writer reaches for when the review-based growth figures are thin or
missing (a category whose reviews all fall outside the analysis window, or with no matched review
at all): the analysis window itself (``분석 창 2020~2025년``), the six months ``priceChange6m``
covers, the price quantiles as positions (``하위 25% 지점``) and as spreads (``상위 10%가 하위 10%의
5배``), the reviews without a brand, the products with a price trend, and star shares over every
review rather than over the rated ones (a writer who names the base may use either).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import permutations
from typing import Any

from harness.evaluate.candidate import (
    COUNT,
    ITEMS,
    MONTHS,
    MULTIPLE,
    OTHER,
    PERCENT,
    REVIEWS,
    YEAR,
    Candidate,
)
from harness.evaluate.fact_fields import as_dict, branded_reviews, growth_of, metrics_of, num

_QUANTILE = "p"


def window_years(facts: dict[str, Any]) -> Iterable[Candidate]:
    """The analysis window's first and last years, which a summary names even when no review is dated in it."""
    window = as_dict(facts.get("growthWindow"))
    for key in ("firstYear", "lastYear"):
        year = num(window.get(key))
        if year is not None and year.is_integer():
            yield Candidate(year, YEAR, f"growthWindow.{key}", measure="year")


def price_figures(facts: dict[str, Any]) -> Iterable[Candidate]:
    """The price window (6 months), quantile positions (p25 is the lower 25%, p75 the upper 25%),
    the middle band between two symmetric quantiles (p25..p75: the middle 50%) and spreads between quantiles."""
    metrics = metrics_of(facts)
    if num(metrics.get("priceChange6m")) is not None:
        yield Candidate(6, MONTHS, "priceChange6m:months", measure="months")
    quantiles = {int(k[1:]): v for k, raw in as_dict(metrics.get("priceQuantiles")).items()
                 if k.startswith(_QUANTILE) and k[1:].isdigit() and (v := num(raw)) is not None}
    for q in quantiles:
        yield Candidate(q, PERCENT, f"priceQuantiles.p{q}:lower", measure="quantile")
        yield Candidate(100 - q, PERCENT, f"priceQuantiles.p{q}:upper", measure="quantile")
        if q < 50 and 100 - q in quantiles:
            yield Candidate(100 - 2 * q, PERCENT, f"priceQuantiles.p{q}-p{100 - q}:middle", measure="quantile")
    for (qa, a), (qb, b) in permutations(quantiles.items(), 2):
        if qa > qb and b > 0:
            yield Candidate(a / b, MULTIPLE, f"priceRatio:p{qa}/p{qb}", measure="price_ratio")


def review_bases(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Reviews without a brand (all reviews less the branded ones the shares are over), and star
    shares over every review where the rated reviews are fewer (``전체 리뷰 2,500건을 분모로 하면 5점은 71.8%``)."""
    metrics = metrics_of(facts)
    total, branded = num(metrics.get("totalReviewCount")), branded_reviews(facts)
    if total is not None and branded is not None and total >= branded:
        yield Candidate(total - branded, REVIEWS, "unbrandedReviews", measure="unbranded")
    hist = {str(k): v for k, raw in as_dict(metrics.get("ratingHistogram")).items() if (v := num(raw)) is not None}
    rated = sum(hist.values())
    if total and rated and rated != total:
        yield Candidate(abs(total - rated), REVIEWS, "ratingHistogram:unrated", measure="unrated")
        bands = {"1": ("1",), "2": ("2",), "3": ("3",), "4": ("4",), "5": ("5",), "4-5": ("4", "5"),
                 "3-5": ("3", "4", "5"), "1-2": ("1", "2"), "1-3": ("1", "2", "3")}
        for name, stars in bands.items():
            part = sum(hist.get(s, 0.0) for s in stars)
            measure = "low" if name in ("1-2", "1", "2") else "stars"
            yield Candidate(part / total * 100, PERCENT, f"ratingShareOfAll:{name}", measure=measure, stars=name)


def coverage(facts: dict[str, Any]) -> Iterable[Candidate]:
    """How many products carry a price or a price trend, and the share of priced products with a trend."""
    quality = as_dict(facts.get("dataQuality"))
    priced, trended = num(quality.get("productsWithPrice")), num(quality.get("productsWithPriceTrend"))
    for label, value in (("productsWithPrice", priced), ("productsWithPriceTrend", trended)):
        if value is not None:
            yield Candidate(value, ITEMS, f"dataQuality.{label}", measure="priced")
    if priced and trended is not None:
        yield Candidate(trended / priced * 100, PERCENT, "priceTrendCoverage", measure="priced")
    rate = num(quality.get("reviewMatchRate"))
    if rate is not None:
        yield Candidate(rate * 100, PERCENT, "dataQuality.reviewMatchRate", measure="match_rate")


def estimates(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Legacy growth rows' estimated units, per year, and units sold per review (the multiplier behind
    them). Estimated revenue is not here: only a sentence that calls it an estimate may state it
    (``harness.evaluate.reading_rules.estimated_revenue``)."""
    for row in growth_of(facts):
        year = int(float(row["year"]))
        units, reviews = num(row.get("estimatedUnits")), num(row.get("reviewCount"))
        if units is not None:
            yield Candidate(units, COUNT, f"estimatedUnits:{year}", measure="units", years=(year,))
        if units is not None and reviews:
            yield Candidate(units / reviews, OTHER, f"unitsPerReview:{year}", measure="per")
