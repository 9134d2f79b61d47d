"""Market facts of one category from its product arrays: counts, shares, concentration, prices.

Review totals and brand shares come from the product table's ``review_count`` (the platform's own
count, the legacy definition), because a reviews export is usually a partial crawl: category 4 of
the real export has 64,518 reviews by ``review_count`` but far fewer review rows. A product whose
``review_count`` is missing falls back to its matched review rows (counted in dataQuality). The
matched review rows drive growth and insights; both totals are reported in dataQuality.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from harness.facts.products import ProductArrays, code_counts

TOP_BRANDS = 10
TOP_TAGS = 10
TOP_SEGMENTS = 10
PRICE_QUANTILES = {"p10": 0.10, "p25": 0.25, "p50": 0.50, "p75": 0.75, "p90": 0.90}


_QUANTILE_POINTS = np.array(list(PRICE_QUANTILES.values()), dtype=np.float64)


def linear_quantiles(values: np.ndarray, points: np.ndarray = _QUANTILE_POINTS) -> list[float]:
    """``np.quantile(values, points).tolist()`` (method "linear"), computed without its dispatch.

    The same float operations in the same order as numpy's ``_quantile``/``_lerp`` (virtual index
    (n - 1) * q, the floor neighbours, ``a + (b - a) * g``, or ``b - (b - a) * (1 - g)`` where
    g >= 0.5), so the results are bit-identical but for the sign of a zero (numpy partitions, this
    sorts: 0.0 and -0.0 may trade places; tests/facts/test_fast_paths.py); non-finite input goes to
    numpy itself.
    """
    n = values.size
    if n == 0 or not np.isfinite(values).all():
        return np.quantile(values, points).tolist()
    ordered = np.sort(values)
    virtual = (n - 1) * points
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1
    previous[above] = -1
    following[above] = -1
    below = virtual < 0
    previous[below] = 0
    following[below] = 0
    previous_index = previous.astype(np.intp)
    following_index = following.astype(np.intp)
    gamma = virtual - previous_index
    a, b = ordered[previous_index], ordered[following_index]
    diff = b - a
    out = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out.tolist()


def median(values: np.ndarray) -> float:
    """``float(np.median(values))`` for a non-empty array: the middle value, or the mean of the two."""
    n = values.size
    if not np.isfinite(values).all():
        return float(np.median(values))
    ordered = np.sort(values)
    half = n // 2
    if n % 2:
        return float(ordered[half])
    return float((ordered[half - 1] + ordered[half]) / 2)


def _hhi(counts: np.ndarray, total: float) -> float | None:
    """Herfindahl-Hirschman index on the 0..10,000 scale (shares in percent, squared, summed)."""
    if total <= 0:
        return None
    shares = counts / total * 100.0
    return float(np.sum(shares * shares))


def brand_metrics(products: ProductArrays, reviews: np.ndarray) -> dict[str, Any]:
    """Brand count, top brands with review shares, top-3 share, HHI (all brands and top 10).

    Shares are over the reviews of branded products (legacy); ``unbrandedReviewShare`` is the
    part of all reviews that belongs to products without a brand.
    """
    branded = products.brand >= 0
    brands, _, sums = code_counts(products.brand[branded], len(products.brand_names), reviews[branded])
    assert sums is not None  # weights were given
    total = float(reviews.sum())
    present = np.flatnonzero(sums > 0)
    names = products.brand_names[brands[present]].tolist()
    ranked = sorted(zip((-sums[present]).tolist(), names, strict=True))
    counts = np.array([-negative for negative, _ in ranked], dtype=np.float64)
    branded_total = float(counts.sum())
    top = [
        {"name": str(name), "reviewCount": int(-negative), "share": -negative / branded_total}
        for negative, name in ranked[:TOP_BRANDS]
    ]
    return {
        "brandCount": len(brands),
        "top3BrandShare": float(counts[:3].sum() / branded_total) if branded_total > 0 else 0.0,
        "topBrands": top,
        "hhi": _hhi(counts, branded_total),
        "hhiTop10": _hhi(counts[:TOP_BRANDS], branded_total),
        "unbrandedReviewShare": (total - branded_total) / total if total > 0 else 0.0,
        "brandedReviewCount": int(branded_total),
    }


def rating_metrics(products: ProductArrays, reviews: np.ndarray) -> dict[str, Any]:
    """Weighted average rating, rating histogram and the low-rating ratio.

    The weighted rating is sum(average_rating * review_count) / sum(review_count) over products
    that have reviews and a rating in 1..5. The histogram sums the products'
    ``review_rating_distribution``; the low-rating ratio is (1s + 2s) over the histogram total.
    """
    # (Called once per SFT subsample, so each array operation counts: NaN fails both range
    # comparisons, which makes a separate isnan test redundant, and ``reviews > 0`` is formed once.)
    reviewed = reviews > 0
    rated = reviewed & (products.avg_rating >= 1) & (products.avg_rating <= 5)
    weight = float(reviews[rated].sum())
    weighted = float(np.sum(products.avg_rating[rated] * reviews[rated]) / weight) if weight > 0 else None
    has_dist = ~np.isnan(products.rating_dist).any(axis=1)
    hist = products.rating_dist[has_dist].sum(axis=0) if has_dist.any() else np.zeros(5)
    hist_total = float(hist.sum())
    stars = hist.tolist()  # the same float64 values as Python floats
    return {
        "avgRatingWeighted": weighted,
        "ratingHistogram": {str(k + 1): int(stars[k]) for k in range(5)},
        "lowRatingRatio": float((stars[0] + stars[1]) / hist_total) if hist_total > 0 else 0.0,
        "productsRatingInvalid": int(np.count_nonzero(reviewed & ~rated)),
        "productsWithoutRatingDistribution": int(np.count_nonzero(reviewed & ~has_dist)),
    }


def price_metrics(products: ProductArrays) -> dict[str, Any]:
    """Price quantiles over products with a positive ``min_price``, and the median 6-month change.

    ``priceChange6m`` is the median over products of ``min_price / price_6m - 1``, where
    ``price_6m`` is the 6개월 point of ``price_trend``; the median keeps one relisted product
    from moving the category.
    """
    prices = products.min_price[~np.isnan(products.min_price) & (products.min_price > 0)]
    quantiles = (
        dict(zip(PRICE_QUANTILES, linear_quantiles(prices), strict=True))
        if prices.size else None
    )
    both = (products.min_price > 0) & (products.price_6m > 0)
    changes = products.min_price[both] / products.price_6m[both] - 1.0
    return {
        "priceQuantiles": quantiles,
        "priceChange6m": median(changes) if changes.size else None,
        "productsWithPrice": int(prices.size),
        "productsWithPriceTrend": int(changes.size),
    }


def market_metrics(products: ProductArrays, reviews: np.ndarray) -> dict[str, Any]:
    """All product-table metrics of one category (or product subset).

    Args:
        products: the category's product arrays.
        reviews: effective review count per product (``review_count``, or matched rows where the
            table has none).
    """
    total = float(reviews.sum())
    count = len(products)
    metrics: dict[str, Any] = {
        "productCount": count,
        "totalReviewCount": int(total),
        "zeroReviewRatio": float((reviews == 0).sum() / count) if count else 0.0,
    }
    metrics.update(brand_metrics(products, reviews))
    metrics.update(rating_metrics(products, reviews))
    metrics.update(price_metrics(products))
    metrics["topTags"] = [{"tag": t, "count": c} for t, c in products.tags.top(TOP_TAGS)]
    metrics["topSegments"] = [{"segment": s, "count": c} for s, c in products.segments.top(TOP_SEGMENTS)]
    return metrics
