"""Every numeric field of a facts object as a candidate, typed by its key and told what it is about.

Facts may be legacy (no ``hhi``, no ``reviewInsights``), partial or odd: the accessors here return
empty containers for anything of the wrong type, and a field that is not a finite number is
skipped, never fatal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

from harness.evaluate.candidate import (
    COUNT,
    HHI,
    ITEMS,
    MENTIONS,
    MONTHS,
    OTHER,
    PERCENT,
    PRICE,
    RATING,
    REVIEWS,
    YEAR,
    Candidate,
)

# Revenue is never a number a summary may state; the id is not a fact about the market.
_SKIP_KEYS = frozenset({"estimatedRevenue", "categoryId"})
_MENTION_LISTS = frozenset(
    {"topTags", "topKeywords", "distinctiveKeywords", "usageScenarios", "ageMentions"}
)
_BRAND_FIELD = re.compile(r"^metrics\.topBrands\[(\d+)\]\.(share|reviewCount)$")
_GROWTH_FIELD = re.compile(r"^growthData\[(\d+)\]\.(\w+)$")
# Field -> measure for the fields a summary names by what they are.
_MEASURES = {
    "metrics.productCount": "products",
    "metrics.brandCount": "brands",
    "metrics.totalReviewCount": "reviews",
    "metrics.avgRatingWeighted": "rating",
    "metrics.zeroReviewRatio": "zero",
    "metrics.lowRatingRatio": "low",  # the 1-2 star band (stars set below)
    "metrics.hhi": "hhi",
    "metrics.unbrandedReviewShare": "unbranded",
    "dataQuality.brandedReviewCount": "branded_base",
    "metrics.priceChange6m": "price_change",
    "reviewInsights.reviewTextCount": "text",
}
_GROWTH_MEASURES = {
    "year": "year", "reviewCount": "reviews", "annualizedReviewCount": "reviews", "estimatedUnits": "units",
    "growthRate": "growth", "monthsCovered": "months", "priceRef": "price",
}


def num(value: Any) -> float | None:
    """A finite float from an int or float (bools and anything else give None)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_records(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def metrics_of(facts: dict[str, Any]) -> dict[str, Any]:
    return as_dict(facts.get("metrics"))


def brands_of(facts: dict[str, Any]) -> list[dict[str, Any]]:
    return as_records(metrics_of(facts).get("topBrands"))


def branded_reviews(facts: dict[str, Any]) -> float | None:
    """The reviews the brand shares are over: ``dataQuality.brandedReviewCount``, or for legacy facts
    the base the leading brand's count and share imply."""
    branded = num(as_dict(facts.get("dataQuality")).get("brandedReviewCount"))
    if branded is None:
        bases = [c / s for b in brands_of(facts) if (s := num(b.get("share"))) and (c := num(b.get("reviewCount")))]
        branded = float(round(bases[0])) if bases else None
    return branded


def growth_of(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """The growth rows with a usable year, oldest first."""
    rows = [row for row in as_records(facts.get("growthData")) if _year(row) is not None]
    return sorted(rows, key=lambda row: float(row["year"]))


def years_of(rows: list[dict[str, Any]]) -> list[int]:
    return [int(float(r["year"])) for r in rows]


def _year(row: Any) -> float | None:
    year = num(row.get("year")) if isinstance(row, dict) else None
    return year if year is not None and 1000 <= year < 3000 else None


def _kind_for_key(key: str, parent: str) -> str | None:
    low = key.lower()
    if key in _SKIP_KEYS or "revenue" in low:
        return None
    if parent == "ratingHistogram":
        return REVIEWS
    if low.startswith("hhi"):
        return HHI
    if "growthrate" in low:
        return PERCENT
    if "share" in low or "ratio" in low or low in ("pricechange6m",):
        return "ratio"
    if "rating" in low:
        return RATING
    if key in ("productCount", "brandCount"):
        return ITEMS
    if "review" in low or low == "estimatedunits":
        return REVIEWS
    if low == "count" and parent == "topSegments":
        return ITEMS  # products whose specification has the segment
    if low == "count" and parent in _MENTION_LISTS:
        return MENTIONS
    if low == "year":
        return YEAR
    if "month" in low:
        return MONTHS
    if "price" in low or parent == "priceQuantiles":
        return PRICE
    return COUNT


class _About:
    """What a field path is about: its measure, brand and year (growth rows by position in the file)."""

    def __init__(self, facts: dict[str, Any]) -> None:
        growth = facts.get("growthData")
        rows = growth if isinstance(growth, list) else []
        self.row_years = [_year(row) for row in rows]
        known = sorted({int(y) for y in self.row_years if y is not None})
        self.previous = dict(zip(known[1:], known, strict=False))
        self.top10 = tuple(range(min(10, len(brands_of(facts)))))

    def __call__(self, path: str, parent: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
        """(measure, brands, years) of the field at ``path``."""
        if path in _MEASURES:
            return _MEASURES[path], (), ()
        if match := _BRAND_FIELD.match(path):
            return ("share" if match.group(2) == "share" else "reviews"), (int(match.group(1)),), ()
        if path == "metrics.top3BrandShare":
            return "share", (0, 1, 2), ()
        if path == "metrics.hhiTop10":
            return "hhi", self.top10, ()
        if parent == "ratingHistogram":
            return ("low" if path[-1] in "12" else "stars"), (), ()
        if (match := _GROWTH_FIELD.match(path)) is not None:
            index = int(match.group(1))
            year = self.row_years[index] if index < len(self.row_years) else None
            measure = _GROWTH_MEASURES.get(match.group(2), "")
            if year is None:
                return measure, (), ()
            if measure == "growth" and int(year) in self.previous:
                return measure, (), (int(year), self.previous[int(year)])
            return measure, (), (int(year),)
        if parent == "priceQuantiles":
            return "price", (), ()
        if parent in _MENTION_LISTS or parent == "topSegments":
            return ("segment" if parent == "topSegments" else "mentions"), (), ()
        return "", (), ()


def _walk(node: Any, path: str, key: str, parent: str, about: _About) -> Iterator[Candidate]:
    if isinstance(node, dict):
        for child_key, child in node.items():
            child_path = f"{path}.{child_key}" if path else str(child_key)
            yield from _walk(child, child_path, str(child_key), key, about)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, f"{path}[{index}]", key, parent, about)
    elif (value := num(node)) is not None:
        kind = _kind_for_key(key, parent)
        if kind is None:
            return
        measure, brands, years = about(path, parent)
        if parent == "ratingHistogram":
            yield Candidate(value, kind, path, measure=measure, stars=key)
        elif path == "metrics.lowRatingRatio":
            yield Candidate(value * 100, PERCENT, path, measure=measure, stars="1-2")
        elif kind == "ratio":
            signed = "change" in key.lower()
            yield Candidate(value * 100, PERCENT, path, signed, measure=measure, brands=brands, years=years)
        elif kind == PERCENT:
            yield Candidate(value, PERCENT, path, True, measure=measure, brands=brands, years=years)
        elif kind in (COUNT, REVIEWS, ITEMS, MENTIONS) and not value.is_integer():
            yield Candidate(value, OTHER, path, measure=measure, brands=brands, years=years)
        else:
            yield Candidate(value, kind, path, measure=measure, brands=brands, years=years)


def raw_values(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Every numeric field, typed by its key (shares and ratios as percentages); revenue skipped."""
    return _walk(facts, "", "", "", _About(facts))
