"""A typed, tolerant read of one facts object for the writers.

Facts come in two shapes: the current one (``hhi``, ``reviewInsights``, partial-year flags) and
the legacy one the old pipeline and the Node backend still produce (no ``hhi``, no insights,
junk regex ``topTags``). The writers must handle both without ``dict.get`` chains scattered
through the phrasing code, so this module reads a facts dict once into small dataclasses. A field
that is absent becomes ``None`` or an empty tuple; a field that is present with the wrong type
raises :class:`FactsShapeError` naming it, because guessing would put a wrong number in the text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeGuard


class FactsShapeError(ValueError):
    """A facts object the writers cannot read; ``field`` names the offending key path."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True)
class Brand:
    name: str
    review_count: int
    share: float


@dataclass(frozen=True)
class YearPoint:
    year: int
    review_count: int
    growth_rate: float | None
    partial: bool
    months_covered: float | None
    annualized: float | None


@dataclass(frozen=True)
class Counted:
    """A keyword, scenario, segment, age mention or legacy tag with its count (or score)."""

    label: str
    value: float


@dataclass(frozen=True)
class Insights:
    has_text: bool
    text_count: int | None
    keywords: tuple[Counted, ...]
    distinctive: tuple[Counted, ...]
    scenarios: tuple[Counted, ...]
    ages: tuple[Counted, ...]
    negative_count: int


@dataclass(frozen=True)
class FactsView:
    category_id: Any
    category_name: str
    product_count: int
    brand_count: int | None
    total_reviews: int
    rating: float | None
    zero_review_ratio: float | None
    low_rating_ratio: float | None
    top3_share: float | None
    brands: tuple[Brand, ...]
    hhi: float | None
    hhi_basis: str | None  # "all" (metrics.hhi) or "top_brands" (derived from the listed brands)
    unbranded_share: float | None
    price_change_6m: float | None
    segments: tuple[Counted, ...]
    tags: tuple[Counted, ...]
    growth: tuple[YearPoint, ...]
    insights: Insights | None


def _number(obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> float | None:
    value = obj.get(key)
    if _plain_number(value):
        return float(value)  # the common case, answered before the general checks below
    if value is None:
        if required:
            raise FactsShapeError(f"{path}.{key}", "is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise FactsShapeError(f"{path}.{key}", f"expected a finite number, got {value!r}")
    return float(value)


def _ratio(obj: dict[str, Any], key: str, path: str) -> float | None:
    value = _number(obj, key, path)
    if value is not None and not -1.0 <= value <= 1.0:
        raise FactsShapeError(f"{path}.{key}", f"expected a ratio in 0..1, got {value!r}")
    return value


def _int(obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> int | None:
    value = _number(obj, key, path, required=required)
    return None if value is None else round(value)


def _mapping(obj: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FactsShapeError(f"{path}.{key}", f"expected an object, got {type(value).__name__}")
    return value


def _rows(obj: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise FactsShapeError(f"{path}.{key}", "expected a list of objects")
    return value


def _plain_number(value: Any) -> TypeGuard[int | float]:
    """An int (not bool) or finite float: what :func:`_number` accepts without complaint."""
    kind = type(value)
    return kind is int or (kind is float and math.isfinite(value))


def _counted(obj: dict[str, Any], key: str, path: str, label_key: str, value_key: str) -> tuple[Counted, ...]:
    out = []
    for i, row in enumerate(_rows(obj, key, path)):
        label = row.get(label_key)
        if not isinstance(label, str) or not label.strip():
            continue  # an empty label carries nothing to write about
        value = row.get(value_key)
        if not _plain_number(value):  # the error path names the row; the usual one skips building that name
            value = _number(row, value_key, f"{path}.{key}[{i}]", required=True)
        out.append(Counted(label.strip(), float(value)))  # type: ignore[arg-type]
    return tuple(out)


def _brands(metrics: dict[str, Any]) -> tuple[Brand, ...]:
    out = []
    for i, row in enumerate(_rows(metrics, "topBrands", "metrics")):
        name, count, share = row.get("name"), row.get("reviewCount"), row.get("share")
        if (isinstance(name, str) and name.strip() and _plain_number(count) and _plain_number(share)
                and -1.0 <= share <= 1.0):
            out.append(Brand(name.strip(), round(float(count)) or 0, float(share)))
            continue  # the usual row; anything else takes the checks below, which name the problem
        where = f"metrics.topBrands[{i}]"
        if not isinstance(name, str) or not name.strip():
            raise FactsShapeError(f"{where}.name", "expected a non-empty brand name")
        count = _int(row, "reviewCount", where, required=True)
        share = _ratio(row, "share", where)
        if share is None:
            raise FactsShapeError(f"{where}.share", "is missing")
        out.append(Brand(name.strip(), count or 0, share))
    return tuple(sorted(out, key=lambda b: (-b.share, -b.review_count)))


def _growth(facts: dict[str, Any]) -> tuple[YearPoint, ...]:
    points = []
    for i, row in enumerate(_rows(facts, "growthData", "")):
        where = f"growthData[{i}]"
        year = _int(row, "year", where, required=True)
        count = _int(row, "reviewCount", where, required=True)
        partial = bool(row.get("partial") or False)
        if partial and row.get("monthsCovered") == 0:
            continue  # a year wholly after the export's end says nothing, not "no demand"
        points.append(
            YearPoint(
                year=year or 0,
                review_count=count or 0,
                growth_rate=_number(row, "growthRate", where),
                partial=partial,
                months_covered=_number(row, "monthsCovered", where),
                annualized=_number(row, "annualizedReviewCount", where) if partial else None,
            )
        )
    return tuple(sorted(points, key=lambda p: p.year))


def _insights(facts: dict[str, Any]) -> Insights | None:
    raw = _mapping(facts, "reviewInsights", "")
    if not raw:
        return None
    path = "reviewInsights"
    text_count = _int(raw, "reviewTextCount", path)
    has_text = bool(raw.get("hasReviewText", bool(text_count)))
    negatives = raw.get("negativeExamples") or []
    return Insights(
        has_text=has_text and (text_count is None or text_count > 0),
        text_count=text_count,
        keywords=_counted(raw, "topKeywords", path, "keyword", "count"),
        distinctive=_counted(raw, "distinctiveKeywords", path, "keyword", "score"),
        scenarios=_counted(raw, "usageScenarios", path, "scenario", "count"),
        ages=_counted(raw, "ageMentions", path, "age", "count"),
        negative_count=len(negatives) if isinstance(negatives, list) else 0,
    )


def view_facts(facts: dict[str, Any]) -> FactsView:
    """Reads one facts object (current or legacy shape) into a :class:`FactsView`.

    Raises:
        FactsShapeError: a field is present with a type or range the writers cannot use.
    """
    if not isinstance(facts, dict):
        raise FactsShapeError("<root>", f"expected a facts object, got {type(facts).__name__}")
    if "categoryId" not in facts:
        raise FactsShapeError("categoryId", "is missing")
    name = facts.get("categoryName")
    if not isinstance(name, str) or not name.strip():
        raise FactsShapeError("categoryName", "expected a non-empty category name")
    if not isinstance(facts.get("metrics"), dict):
        raise FactsShapeError("metrics", "is missing or not an object")
    metrics = facts["metrics"]
    brands = _brands(metrics)
    hhi = _number(metrics, "hhi", "metrics")
    basis: str | None = "all" if hhi is not None else None
    if hhi is None and brands:
        # Legacy facts: the listed brands give a lower bound of the all-brand index (the brands
        # left out can only add to it), and the text says it is approximate and top-N based.
        hhi = sum((b.share * 100) ** 2 for b in brands)
        basis = "top_brands"
    return FactsView(
        category_id=facts["categoryId"],
        category_name=name.strip(),
        product_count=_int(metrics, "productCount", "metrics", required=True) or 0,
        brand_count=_int(metrics, "brandCount", "metrics"),
        total_reviews=_int(metrics, "totalReviewCount", "metrics", required=True) or 0,
        rating=_number(metrics, "avgRatingWeighted", "metrics"),
        zero_review_ratio=_ratio(metrics, "zeroReviewRatio", "metrics"),
        low_rating_ratio=_ratio(metrics, "lowRatingRatio", "metrics"),
        top3_share=_ratio(metrics, "top3BrandShare", "metrics"),
        brands=brands,
        hhi=hhi,
        hhi_basis=basis,
        unbranded_share=_ratio(metrics, "unbrandedReviewShare", "metrics"),
        price_change_6m=_number(metrics, "priceChange6m", "metrics"),
        segments=_counted(metrics, "topSegments", "metrics", "segment", "count"),
        tags=_counted(metrics, "topTags", "metrics", "tag", "count"),
        growth=_growth(facts),
        insights=_insights(facts),
    )
