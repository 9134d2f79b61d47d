"""The values a writer can honestly derive from one category's facts, as a registry of derivations.

A summary rarely copies a facts field verbatim: it turns a 0..1 share into ``47.1%``, subtracts
two shares into ``4.3%p``, sums the top three brands or says how many times bigger 2024 was than
2023. Each derivation here yields such values with a ``kind`` (what unit may state them), a
``label`` (which fact they come from, for coverage and reports) and what they are about: the
``measure`` (a share, a year's review count, a growth rate, ...), the ``brands`` and the ``years``
involved. Claim attribution (``harness.evaluate.claims``) matches a stated number against the
candidates whose measure, brands and years its sentence names. Adding a derivation is one
decorated function; every one must tolerate legacy and partial facts (missing or odd fields are
skipped, never fatal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations, pairwise, permutations
from typing import Any

from harness.evaluate.candidate import (
    COUNT,
    HHI,
    ITEMS,
    MENTIONS,
    MONTH,
    MONTHS,
    MULTIPLE,
    ORDINAL,
    OTHER,
    PERCENT,
    POINTS,
    PRICE,
    RATING,
    REVIEWS,
    SPAN,
    TEXT,
    YEAR,
    Candidate,
)
from harness.evaluate.derive_market import (
    coverage,
    estimates,
    price_figures,
    review_bases,
    window_years,
)
from harness.evaluate.fact_fields import (
    as_dict,
    as_records,
    brands_of,
    growth_of,
    metrics_of,
    num,
    raw_values,
    years_of,
)
from harness.evaluate.numbers import parse_numbers
from harness.registry import Registry

__all__ = [
    "COUNT", "DERIVATIONS", "HHI", "ITEMS", "MENTIONS", "MONTH", "MONTHS", "MULTIPLE", "ORDINAL", "OTHER",
    "PERCENT", "POINTS", "PRICE", "RATING", "REVIEWS", "SPAN", "TEXT", "YEAR", "Candidate", "as_dict",
    "as_records", "brands_of", "derive_all", "growth_of", "metrics_of", "num",
]

Derivation = Callable[[dict[str, Any]], Iterable[Candidate]]
DERIVATIONS: Registry[Derivation] = Registry("derivation")
DERIVATIONS.add("raw_values", raw_values)
for _name, _derivation in (("window_years", window_years), ("price_figures", price_figures),
                           ("review_bases", review_bases), ("coverage", coverage), ("estimates", estimates)):
    DERIVATIONS.add(_name, _derivation)


def _texts(facts: dict[str, Any]) -> Iterable[str]:
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
    for key in ("positiveExamples", "negativeExamples", "topKeywords", "distinctiveKeywords"):  # bare strings too
        values = insights.get(key)
        if isinstance(values, list):
            yield from (v for v in values if isinstance(v, str))


@DERIVATIONS.register("text_numbers")
def text_numbers(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Numbers quoted in facts text (``18개월`` in an age mention, ``100g`` in a segment)."""
    for text in _texts(facts):
        for stated in parse_numbers(text):
            yield Candidate(stated.value, TEXT, f"text:{text[:30]}", unit=stated.unit, measure="quoted")
            if stated.high is not None:
                yield Candidate(stated.high, TEXT, f"text:{text[:30]}", unit=stated.unit, measure="quoted")


@DERIVATIONS.register("hhi_from_shares")
def hhi_from_shares(facts: dict[str, Any]) -> Iterable[Candidate]:
    """HHI over the listed brands (legacy facts carry no ``hhi``; this is its top-N lower bound)."""
    shares = [s for b in brands_of(facts) if (s := num(b.get("share"))) is not None]
    if shares:  # about the listed brands only: "전체 브랜드 기준 HHI" is not this figure
        listed = tuple(range(len(shares)))
        yield Candidate(sum((s * 100) ** 2 for s in shares), HHI, "hhi:topBrands", measure="hhi", brands=listed)


@DERIVATIONS.register("brand_shares")
def brand_shares(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Top-N sums, the rest, the branded-review base, share gaps in %p and review multiples."""
    brands = brands_of(facts)
    shares = [num(b.get("share")) for b in brands]
    counts = [num(b.get("reviewCount")) for b in brands]
    running_share, running_count = 0.0, 0.0
    for n, (share, count) in enumerate(zip(shares, counts, strict=True), start=1):
        top = tuple(range(n))
        if share is not None:
            running_share += share
            yield Candidate(running_share * 100, PERCENT, f"top{n}_share", measure="share", brands=top)
            yield Candidate(100 - running_share * 100, PERCENT, f"rest_after_top{n}", measure="rest", brands=top)
        if count is not None:
            running_count += count
            yield Candidate(running_count, REVIEWS, f"top{n}_reviews", measure="reviews", brands=top)
    top3 = num(metrics_of(facts).get("top3BrandShare"))
    if top3 is not None:
        yield Candidate(100 - top3 * 100, PERCENT, "rest_after_top3", measure="rest", brands=(0, 1, 2))
    yield from _branded_base(shares, counts)
    yield from _against_the_rest(shares, num(metrics_of(facts).get("brandCount")))
    for i, j in _compared_ranks(len(brands)):
        yield from _brand_pair(i, j, shares, counts)


def _against_the_rest(shares: list[float | None], brand_count: float | None) -> Iterable[Candidate]:
    """The top-k against everyone else: how many times the rest (``나머지 전체의 6.5배``), how many
    brands the rest are (``나머지 80개 브랜드``), and HHI over the top-k only (``상위 세 브랜드만으로 약 2,603``)."""
    running, hhi = 0.0, 0.0
    for k, share in enumerate(shares, start=1):
        if share is None:
            return
        running += share
        hhi += (share * 100) ** 2
        top = tuple(range(k))
        if 0 < running < 1:
            yield Candidate(running / (1 - running), MULTIPLE, f"ratio:top{k}/rest", measure="ratio_rest", brands=top)
        yield Candidate(hhi, HHI, f"hhi:top{k}", measure="hhi", brands=top)
        if brand_count is not None and brand_count > k:
            yield Candidate(brand_count - k, ITEMS, f"brandsAfterTop{k}", measure="brands", brands=top)


def _branded_base(shares: list[float | None], counts: list[float | None]) -> Iterable[Candidate]:
    """The reviews the shares are computed over (reviews of identified brands): count / share."""
    bases = [c / s for s, c in zip(shares, counts, strict=True) if s and c]
    if bases:
        yield Candidate(round(bases[0]), REVIEWS, "brandedReviews", measure="branded_base")


def _brand_pair(i: int, j: int, shares: list[float | None], counts: list[float | None]) -> Iterable[Candidate]:
    """Gap (signed, first minus second), multiple (first over second) and review difference, both ways."""
    a, b = shares[i], shares[j]
    for (x, sx), (y, sy) in permutations(((i, a), (j, b))):
        if sx is None or sy is None:
            continue
        pair = (x, y)
        yield Candidate((sx - sy) * 100, POINTS, f"gap:brand{i + 1}-brand{j + 1}", True, measure="gap", brands=pair)
        if sy > 0 and sx > 0:
            yield Candidate(sx / sy, MULTIPLE, f"ratio:brand{i + 1}/brand{j + 1}", measure="ratio", brands=pair)
    ca, cb = counts[i], counts[j]
    if ca is not None and cb is not None:
        for pair, diff in (((i, j), ca - cb), ((j, i), cb - ca)):
            yield Candidate(diff, REVIEWS, f"diff:brand{i + 1}-brand{j + 1}", True, measure="diff", brands=pair)


def _compared_ranks(n: int) -> list[tuple[int, int]]:
    """The brand pairs a writer compares (0-based): neighbours in the ranking and the leader against each.

    Every pair of ten brands would be 45 gaps packed into a few percentage points, and almost
    any wrong ``%p`` would then match one of them by accident.
    """
    pairs = {(i, i + 1) for i in range(n - 1)} | {(0, j) for j in range(1, n)}
    return sorted(pairs)


@DERIVATIONS.register("rating_histogram")
def rating_histogram(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Shares of each star and of the 4-5, 3-5, 1-2 and 1-3 star bands, and their counts."""
    hist = as_dict(metrics_of(facts).get("ratingHistogram"))
    counts = {k: v for k, v in ((str(k), num(v)) for k, v in hist.items()) if v is not None}
    total = sum(counts.values())
    if total <= 0:
        return
    yield Candidate(total, REVIEWS, "ratingHistogram:total", measure="reviews")
    for star in counts:
        if star.isdigit():
            yield Candidate(float(star), RATING, f"star:{star}", measure="star")
    bands = {star: (star,) for star in counts} | {
        "4-5": ("4", "5"), "3-5": ("3", "4", "5"), "1-2": ("1", "2"), "1-3": ("1", "2", "3")
    }
    parts = {name: sum(counts.get(s, 0.0) for s in stars) for name, stars in bands.items()}
    for name, part in parts.items():
        measure = "low" if name in ("1-2", "1", "2") else "stars"
        yield Candidate(part / total * 100, PERCENT, f"ratingShare:{name}", measure=measure, stars=name)
        yield Candidate(part, REVIEWS, f"ratingCount:{name}", measure=measure, stars=name)
    for high, low in (("5", "1-2"), ("4-5", "1-2"), ("5", "1"), ("4-5", "1-3"), ("5", "4"), ("5", "1-3")):
        if parts.get(high) and parts.get(low):  # "5점 리뷰는 1~2점 리뷰의 12.6배"
            yield Candidate(parts[high] / parts[low], MULTIPLE, f"starRatio:{high}/{low}", measure="star_ratio",
                            stars=f"{high}/{low}")


@DERIVATIONS.register("product_counts")
def product_counts(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Products with and without reviews, low-rated reviews, reviews per product, text coverage."""
    metrics = metrics_of(facts)
    products, reviews = num(metrics.get("productCount")), num(metrics.get("totalReviewCount"))
    brand_count = num(metrics.get("brandCount"))
    zero, low = num(metrics.get("zeroReviewRatio")), num(metrics.get("lowRatingRatio"))
    if products is not None and zero is not None:
        zero_products = products * zero
        yield Candidate(zero_products, ITEMS, "zeroReviewProducts", measure="zero")
        yield Candidate(products - zero_products, ITEMS, "reviewedProducts", measure="reviewed")
        yield Candidate(100 - zero * 100, PERCENT, "reviewedProductRatio", measure="reviewed")
        if products - zero_products > 0 and reviews is not None:
            yield Candidate(reviews / (products - zero_products), OTHER, "reviewsPerReviewedProduct", measure="per")
    if reviews is not None and low is not None:
        yield Candidate(reviews * low, REVIEWS, "lowRatingReviews", measure="low", stars="1-2")
    if reviews and products:
        yield Candidate(reviews / products, OTHER, "reviewsPerProduct", measure="per")
    if products and brand_count:
        yield Candidate(products / brand_count, OTHER, "productsPerBrand", measure="per")
    if reviews and brand_count:
        yield Candidate(reviews / brand_count, OTHER, "reviewsPerBrand", measure="per")
    for record in as_records(metrics.get("topSegments")):
        count = num(record.get("count"))
        if count is not None and products:  # "'모빌' 타입이 전체 상품의 28.7%"
            yield Candidate(count / products * 100, PERCENT, f"segmentShare:{record.get('segment')}", measure="segment")
    text_count = num(as_dict(facts.get("reviewInsights")).get("reviewTextCount"))
    if text_count is not None and reviews:
        yield Candidate(text_count / reviews * 100, PERCENT, "reviewTextShare", measure="text")


@DERIVATIONS.register("growth")
def growth(facts: dict[str, Any]) -> Iterable[Candidate]:
    """Years, spans, changes between any two years (count, percent, multiple), sums and means over ranges."""
    rows = growth_of(facts)
    years = years_of(rows)
    counts = [num(r.get("reviewCount")) for r in rows]
    if not rows:
        return
    yield Candidate(len(years), SPAN, "growth:years", measure="span")
    yield Candidate(len(years), ITEMS, "growth:years", measure="span")
    for a, b in combinations(years, 2):
        yield Candidate(b - a, SPAN, f"span:{a}-{b}", measure="span", years=(b, a))
        yield Candidate(b - a + 1, SPAN, f"span:{a}-{b}", measure="span", years=(b, a))
    yield from _pairs(years, counts, "")
    annualized = [num(r.get("annualizedReviewCount")) for r in rows]
    if any(a is not None for a in annualized):  # a partial year compared on its annualised count
        full = [a if a is not None else c for a, c in zip(annualized, counts, strict=True)]
        yield from (c for c in _pairs(years, full, ":annualized") if any(
            annualized[years.index(y)] is not None for y in c.years))
    yield from _year_counts(years, [num(r.get("growthRate")) for r in rows])
    yield from _range_totals(years, counts)
    yield from _rate_changes(years, [num(r.get("growthRate")) for r in rows])
    for row, year in zip(rows, years, strict=True):
        months = num(row.get("monthsCovered"))
        if months is not None:
            yield Candidate(months, MONTH, f"month:{year}", measure="months", years=(year,))
            yield Candidate(1, MONTH, f"month:{year}", measure="months", years=(year,))


def _pairs(years: list[int], counts: list[float | None], suffix: str) -> Iterable[Candidate]:
    """Changes between any two years, both ways: difference, growth, CAGR, multiple, mean yearly change."""
    for (ya, a), (yb, b) in combinations(zip(years, counts, strict=True), 2):
        if a is None or b is None:
            continue
        yield Candidate(b - a, REVIEWS, f"diff:{yb}-{ya}{suffix}", True, measure="diff", years=(yb, ya))
        yield Candidate(a - b, REVIEWS, f"diff:{yb}-{ya}{suffix}", True, measure="diff", years=(ya, yb))
        yield Candidate((b - a) / (yb - ya), OTHER, f"meanChange:{yb}-{ya}{suffix}", True, measure="diff",
                        years=(yb, ya))
        if a > 0:
            yield Candidate((b - a) / a * 100, PERCENT, f"growth:{yb}/{ya}{suffix}", True, measure="growth",
                            years=(yb, ya))
            if b > 0:
                cagr = ((b / a) ** (1 / (yb - ya)) - 1) * 100
                yield Candidate(cagr, PERCENT, f"cagr:{yb}/{ya}{suffix}", True, measure="cagr", years=(yb, ya))
        if min(a, b) > 0:
            yield Candidate(b / a, MULTIPLE, f"ratio:{yb}/{ya}{suffix}", measure="ratio", years=(yb, ya))
            yield Candidate(a / b, MULTIPLE, f"ratio:{yb}/{ya}{suffix}", measure="ratio", years=(ya, yb))


def _year_counts(years: list[int], rates: list[float | None]) -> Iterable[Candidate]:
    """How many years grew and how many fell (``감소한 해는 두 번``)."""
    ups = sum(1 for r in rates if r is not None and r > 0)
    downs = sum(1 for r in rates if r is not None and r < 0)
    for n, label in ((ups, "yearsUp"), (downs, "yearsDown")):
        for kind in (COUNT, ITEMS, SPAN):
            yield Candidate(n, kind, label, measure="year_count")


def _range_totals(years: list[int], counts: list[float | None]) -> Iterable[Candidate]:
    """Sum and yearly mean over every run of consecutive years (2021~2023년 누적, 연평균 N건)."""
    for i, j in combinations(range(len(years) + 1), 2):
        part = counts[i:j]
        if j - i < 2 or any(c is None for c in part):
            continue
        span = (years[j - 1], years[i])
        total = sum(c for c in part if c is not None)
        yield Candidate(total, REVIEWS, f"sum:{span[1]}-{span[0]}", measure="sum", years=span)
        yield Candidate(total / (j - i), OTHER, f"mean:{span[1]}-{span[0]}", measure="mean", years=span)
        yield Candidate(total / (j - i), REVIEWS, f"mean:{span[1]}-{span[0]}", measure="mean", years=span)


def _rate_changes(years: list[int], rates: list[float | None]) -> Iterable[Candidate]:
    """%p changes of the growth rate, 1 + rate as a multiple, and runs of same-sign growth (N년 연속)."""
    for (ya, a), (yb, b) in combinations(zip(years, rates, strict=True), 2):
        if a is not None and b is not None:
            yield Candidate(b - a, POINTS, f"rateGap:{yb}-{ya}", True, measure="rate_gap", years=(yb, ya))
    for (ya, _), (yb, b) in pairwise(zip(years, rates, strict=True)):
        if b is not None:
            yield Candidate(1 + b / 100, MULTIPLE, f"multiple:{yb}", measure="ratio", years=(yb, ya))
    yield from _streaks(years, rates)


def _streaks(years: list[int], rates: list[float | None]) -> Iterable[Candidate]:
    """Runs of two or more consecutive years growing (or shrinking), signed: ``3년 연속 증가``.

    A run that starts where the growth starts is a ``streak``; one that could start a year earlier
    is a ``streak_part`` (``2022년부터 2025년까지 3년 연속 감소`` is wrong when 2022 fell too).
    """
    signs = [0 if r is None or r == 0 else (1 if r > 0 else -1) for r in rates]
    for i, j in combinations(range(len(years) + 1), 2):
        run = signs[i:j]
        if j - i >= 2 and run[0] != 0 and all(s == run[0] for s in run):
            whole = i == 0 or signs[i - 1] != run[0]
            span = (years[j - 1], years[i])
            yield Candidate(run[0] * (j - i), SPAN, f"streak:{span[1]}-{span[0]}", True,
                            measure="streak" if whole else "streak_part", years=span)


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
        yield Candidate(n, ORDINAL, f"rank:{n}", measure="rank")
    for n in set(lengths):
        yield Candidate(n, ITEMS, f"listLength:{n}", measure="list")
    if brands_of(facts):
        yield Candidate(3, ORDINAL, "rank:top3", measure="rank")
        yield Candidate(10, ORDINAL, "rank:top10", measure="rank")


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
