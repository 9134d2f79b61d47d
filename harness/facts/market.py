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

from harness.facts.products import ProductArrays

TOP_BRANDS = 10
TOP_TAGS = 10
TOP_SEGMENTS = 10
PRICE_QUANTILES = {"p10": 0.10, "p25": 0.25, "p50": 0.50, "p75": 0.75, "p90": 0.90}


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
    brands, inverse = np.unique(products.brand[branded], return_inverse=True)
    total = float(reviews.sum())
    sums = np.bincount(inverse, weights=reviews[branded], minlength=len(brands))
    present = np.flatnonzero(sums > 0)
    names = products.brand_names[brands[present]].tolist()
    ranked = sorted(zip((-sums[present]).tolist(), names))
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
    rated = (reviews > 0) & ~np.isnan(products.avg_rating) & (products.avg_rating >= 1) & (products.avg_rating <= 5)
    weight = float(reviews[rated].sum())
    weighted = float(np.sum(products.avg_rating[rated] * reviews[rated]) / weight) if weight > 0 else None
    has_dist = ~np.isnan(products.rating_dist).any(axis=1)
    hist = products.rating_dist[has_dist].sum(axis=0) if has_dist.any() else np.zeros(5)
    hist_total = float(hist.sum())
    return {
        "avgRatingWeighted": weighted,
        "ratingHistogram": {str(k + 1): int(hist[k]) for k in range(5)},
        "lowRatingRatio": float((hist[0] + hist[1]) / hist_total) if hist_total > 0 else 0.0,
        "productsRatingInvalid": int(((reviews > 0) & ~rated).sum()),
        "productsWithoutRatingDistribution": int(((reviews > 0) & ~has_dist).sum()),
    }


def price_metrics(products: ProductArrays) -> dict[str, Any]:
    """Price quantiles over products with a positive ``min_price``, and the median 6-month change.

    ``priceChange6m`` is the median over products of ``min_price / price_6m - 1``, where
    ``price_6m`` is the 6개월 point of ``price_trend``; the median keeps one relisted product
    from moving the category.
    """
    prices = products.min_price[~np.isnan(products.min_price) & (products.min_price > 0)]
    quantiles = (
        dict(zip(PRICE_QUANTILES, np.quantile(prices, list(PRICE_QUANTILES.values())).tolist()))
        if prices.size else None
    )
    both = (products.min_price > 0) & (products.price_6m > 0)
    changes = products.min_price[both] / products.price_6m[both] - 1.0
    return {
        "priceQuantiles": quantiles,
        "priceChange6m": float(np.median(changes)) if changes.size else None,
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
