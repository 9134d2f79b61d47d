"""The values a writer can honestly derive from one category's facts, as a registry of derivations.

A summary rarely copies a facts field verbatim: it turns a 0..1 share into ``47.1%``, subtracts
two shares into ``4.3%p``, sums the top three brands or says how many times bigger 2024 was than
2023. Each derivation here yields such values with a ``kind`` (what unit may state them) and a
``label`` (which fact they come from, for coverage and specificity). Adding a derivation is one
decorated function; every one must tolerate legacy and partial facts (missing or odd fields are
skipped, never fatal).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from harness.evaluate.numbers import parse_numbers
from harness.registry import Registry

PERCENT, POINTS, RATING, COUNT, MULTIPLE = "percent", "pp", "rating", "count", "multiple"
YEAR, ORDINAL, HHI, MONTHS, MONTH, PRICE, SPAN, OTHER, TEXT = (
    "year", "ordinal", "hhi", "months", "month", "price", "span", "other", "text"
)
# Counts of different things are stated with different counters: reviews in 건, products and
# brands in 개, mentions either way; keeping them apart stops "70개 제품" matching 70 reviews.
REVIEWS, ITEMS, MENTIONS = "reviews", "items", "mentions"
_MENTION_LISTS = frozenset(
    {"topTags", "topSegments", "topKeywords", "distinctiveKeywords", "usageScenarios", "ageMentions"}
)


@dataclass(frozen=True)
class Candidate:
    """A value derivable from the facts.

    Attributes:
        value: the value in the unit a writer states it in (shares already times 100).
        kind: what it is (``percent``, ``pp``, ``count``, ...); decides which stated units may match.
        label: the fact it comes from (``metrics.top3BrandShare``, ``growth:2024/2023``).
        signed: True when the sign matters (growth rates), so 증가/감소 must agree with it.
        unit: for numbers quoted inside facts text (``18개월`` in an age mention), the unit written there.
    """

    value: float
    kind: str
    label: str
    signed: bool = False
    unit: str = ""


Derivation = Callable[[dict[str, Any]], Iterable[Candidate]]
DERIVATIONS: Registry[Derivation] = Registry("derivation")

# Revenue is never a number a summary may state; the id is not a fact about the market.
_SKIP_KEYS = frozenset({"estimatedRevenue", "categoryId"})


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


def growth_of(facts: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [row for row in as_records(facts.get("growthData")) if num(row.get("year")) is not None]
    return sorted(rows, key=lambda row: float(row["year"]))


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


def _walk(node: Any, path: str, key: str, parent: str) -> Iterator[Candidate]:
    if isinstance(node, dict):
        for child_key, child in node.items():
            child_path = f"{path}.{child_key}" if path else str(child_key)
            yield from _walk(child, child_path, str(child_key), key)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, f"{path}[{index}]", key, parent)
    elif (value := num(node)) is not None:
        kind = _kind_for_key(key, parent)
        if kind == "ratio":
            yield Candidate(value * 100, PERCENT, path, signed="change" in key.lower())
        elif kind == PERCENT:
            yield Candidate(value, PERCENT, path, signed=True)
        elif kind in (COUNT, REVIEWS, ITEMS, MENTIONS) and not value.is_integer():
            yield Candidate(value, OTHER, path)
        elif kind is not None:
            yield Candidate(value, kind, path)


@DERIVATIONS.register("raw_values")
def raw_values(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Every numeric field, typed by its key (shares and ratios as percentages); revenue skipped."""
    return _walk(facts, "", "", "")


def _texts(facts: dict[str, Any]) -> Iterator[str]:
    yield from (str(facts.get(k) or "") for k in ("categoryName", "categoryPath"))
    metrics = metrics_of(facts)
    insights = as_dict(facts.get("reviewInsights"))
    for records, field in (
        (brands_of(facts), "name"),
        (as_records(metrics.get("topTags")), "tag"),
        (as_records(metrics.get("topSegments")), "segment"),
        (as_records(insights.get("topKeywords")), "keyword"),
        (as_records(insights.get("distinctiveKeywords")), "keyword"),
        (as_records(insights.get("usageScenarios")), "scenario"),
        (as_records(insights.get("ageMentions")), "age"),
    ):
        yield from (str(r.get(field)) for r in records if r.get(field) is not None)
    for key in ("positiveExamples", "negativeExamples", "topKeywords"):
        values = insights.get(key)
        if isinstance(values, list):
            yield from (v for v in values if isinstance(v, str))


@DERIVATIONS.register("text_numbers")
def text_numbers(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Numbers quoted in facts text (``18개월`` in an age mention, ``100g`` in a segment)."""
    for text in _texts(facts):
        for stated in parse_numbers(text):
            yield Candidate(stated.value, TEXT, f"text:{text[:30]}", unit=stated.unit)
            if stated.high is not None:
                yield Candidate(stated.high, TEXT, f"text:{text[:30]}", unit=stated.unit)


@DERIVATIONS.register("hhi_from_shares")
def hhi_from_shares(facts: dict[str, Any]) -> Iterable[Candidate]:
    """HHI over the listed brands (legacy facts carry no ``hhi``; this is its top-N lower bound)."""
    shares = [s for b in brands_of(facts) if (s := num(b.get("share"))) is not None]
    if shares:
        yield Candidate(sum((s * 100) ** 2 for s in shares), HHI, "hhi:topBrands")


@DERIVATIONS.register("brand_shares")
def brand_shares(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Top-N sums, the rest, share gaps in %p and how many times one brand outsells another."""
    brands = brands_of(facts)
    shares = [num(b.get("share")) for b in brands]
    counts = [num(b.get("reviewCount")) for b in brands]
    running_share, running_count = 0.0, 0.0
    for n, (share, count) in enumerate(zip(shares, counts, strict=True), start=1):
        if share is not None:
            running_share += share
            yield Candidate(running_share * 100, PERCENT, f"top{n}_share")
            yield Candidate(100 - running_share * 100, PERCENT, f"rest_after_top{n}")
        if count is not None:
            running_count += count
            yield Candidate(running_count, REVIEWS, f"top{n}_reviews")
    top3 = num(metrics_of(facts).get("top3BrandShare"))
    if top3 is not None:
        yield Candidate(100 - top3 * 100, PERCENT, "rest_after_top3")
    for i, j in _compared_ranks(len(brands)):
        a, b = shares[i - 1], shares[j - 1]
        if a is not None and b is not None:
            yield Candidate(abs(a - b) * 100, POINTS, f"gap:brand{i}-brand{j}")
            if min(a, b) > 0:
                yield Candidate(max(a, b) / min(a, b), MULTIPLE, f"ratio:brand{i}/brand{j}")
        a, b = counts[i - 1], counts[j - 1]
        if a is not None and b is not None:
            yield Candidate(abs(a - b), REVIEWS, f"diff:brand{i}-brand{j}")


def _compared_ranks(n: int) -> list[tuple[int, int]]:
    """The brand pairs a writer compares: neighbours in the ranking and the leader against each.

    Every pair of ten brands would be 45 gaps packed into a few percentage points, and almost
    any wrong ``%p`` would then match one of them by accident.
    """
    pairs = {(i, i + 1) for i in range(1, n)} | {(1, j) for j in range(2, n + 1)}
    return sorted(pairs)


@DERIVATIONS.register("rating_histogram")
def rating_histogram(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Shares of each star and of the 4-5 and 1-2 star bands, and their counts."""
    hist = as_dict(metrics_of(facts).get("ratingHistogram"))
    counts = {k: v for k, v in ((str(k), num(v)) for k, v in hist.items()) if v is not None}
    total = sum(counts.values())
    if total <= 0:
        return
    yield Candidate(total, REVIEWS, "ratingHistogram:total")
    for star in counts:
        if star.isdigit():
            yield Candidate(float(star), RATING, f"star:{star}")
    bands = {star: (star,) for star in counts} | {"4-5": ("4", "5"), "1-2": ("1", "2"), "1-3": ("1", "2", "3")}
    for name, stars in bands.items():
        part = sum(counts.get(s, 0.0) for s in stars)
        yield Candidate(part / total * 100, PERCENT, f"ratingShare:{name}")
        yield Candidate(part, REVIEWS, f"ratingCount:{name}")


@DERIVATIONS.register("product_counts")
def product_counts(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Products with and without reviews, low-rated reviews, reviews per product, text coverage."""
    metrics = metrics_of(facts)
    products, reviews = num(metrics.get("productCount")), num(metrics.get("totalReviewCount"))
    zero, low = num(metrics.get("zeroReviewRatio")), num(metrics.get("lowRatingRatio"))
    if products is not None and zero is not None:
        zero_products = products * zero
        yield Candidate(zero_products, ITEMS, "zeroReviewProducts")
        yield Candidate(products - zero_products, ITEMS, "reviewedProducts")
        yield Candidate(100 - zero * 100, PERCENT, "reviewedProductRatio")
        if products - zero_products > 0 and reviews is not None:
            yield Candidate(reviews / (products - zero_products), OTHER, "reviewsPerReviewedProduct")
    if reviews is not None and low is not None:
        yield Candidate(reviews * low, REVIEWS, "lowRatingReviews")
    if reviews and products:
        yield Candidate(reviews / products, OTHER, "reviewsPerProduct")
    text_count = num(as_dict(facts.get("reviewInsights")).get("reviewTextCount"))
    if text_count is not None and reviews:
        yield Candidate(text_count / reviews * 100, PERCENT, "reviewTextShare")


@DERIVATIONS.register("growth")
def growth(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Years, spans, year-over-year and multi-year changes (counts, percent, %p, multiples)."""
    rows = growth_of(facts)
    years = [int(float(r["year"])) for r in rows]
    counts = [num(r.get("reviewCount")) for r in rows]
    if not rows:
        return
    yield Candidate(len(years), SPAN, "growth:years")
    yield Candidate(len(years), ITEMS, "growth:years")
    for a, b in combinations(years, 2):
        yield Candidate(b - a, SPAN, f"span:{a}-{b}")
        yield Candidate(b - a + 1, SPAN, f"span:{a}-{b}")
    for (ya, a), (yb, b) in combinations(zip(years, counts, strict=True), 2):
        if a is None or b is None:
            continue
        yield Candidate(abs(b - a), REVIEWS, f"diff:{yb}-{ya}")
        if a > 0:
            yield Candidate((b - a) / a * 100, PERCENT, f"growth:{yb}/{ya}", signed=True)
        if min(a, b) > 0:
            yield Candidate(max(a, b) / min(a, b), MULTIPLE, f"ratio:{yb}/{ya}")
    valid = [c for c in counts if c is not None]
    if valid:
        yield Candidate(sum(valid) / len(valid), OTHER, "growth:meanReviews")
        yield Candidate(sum(valid), REVIEWS, "growth:sumReviews")
    rates = [num(r.get("growthRate")) for r in rows]
    for (ya, a), (yb, b) in zip(zip(years, rates, strict=True), list(zip(years, rates, strict=True))[1:]):
        if a is not None and b is not None:
            yield Candidate(abs(b - a), POINTS, f"rateGap:{yb}-{ya}")
        if b is not None:
            yield Candidate(1 + b / 100, MULTIPLE, f"multiple:{yb}")
    for row in rows:
        months = num(row.get("monthsCovered"))
        if months is not None:
            yield Candidate(months, MONTH, f"month:{int(float(row['year']))}")
            yield Candidate(1, MONTH, f"month:{int(float(row['year']))}")


@DERIVATIONS.register("ordinals")
def ordinals(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Ranks and top-N sizes: 1..len of the longest ranked list, and 3 and 10 (top-3 share, HHI top 10)."""
    metrics = metrics_of(facts)
    insights = as_dict(facts.get("reviewInsights"))
    lists = [metrics.get(k) for k in ("topBrands", "topTags", "topSegments")]
    lists += [insights.get(k) for k in ("topKeywords", "distinctiveKeywords", "usageScenarios", "ageMentions")]
    lengths = [len(v) for v in lists if isinstance(v, list)]
    longest = max(lengths, default=0)
    for n in range(1, longest + 1):
        yield Candidate(n, ORDINAL, f"rank:{n}")
    for n in set(lengths):
        yield Candidate(n, ITEMS, f"listLength:{n}")
    if brands_of(facts):
        yield Candidate(3, ORDINAL, "rank:top3")
        yield Candidate(10, ORDINAL, "rank:top10")


def derive_all(facts: dict[str, Any]) -> tuple[list[Candidate], list[str]]:
    """Every candidate of every registered derivation, and the names of derivations that failed.

    A derivation that trips on odd facts contributes what it yielded before failing; its name is
    returned so the scorer can report it instead of hiding it.
    """
    out: list[Candidate] = []
    failed: list[str] = []
    for name, derivation in DERIVATIONS.items():
        try:
            out.extend(derivation(facts))
        except (TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError, OverflowError):
            failed.append(name)
    return out, failed
