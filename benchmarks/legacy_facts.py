"""A faithful re-implementation of the legacy facts approach, kept only as a benchmark baseline.

The legacy script (22_prepare_report_summary_sft.py and its facts helper) built one category's
facts like this, once per category (and again per SFT sample):

1. ``products[products["category_id"] == cid]``: a boolean filter over the full products table;
2. ``reviews[reviews["product_id"].isin(ids)]``: a boolean filter over the full reviews table;
3. pandas group-bys on those slices for brands, the review-count-weighted rating, the histogram
   (a Python loop over the distribution dicts), yearly review counts;
4. "keywords" as regex Hangul tokens (``[가-힣]{2,}``) over every review text of the category,
   counted with a Counter (this is where 좋아요, 너무, 아이가 came from);
5. HHI over the top 10 brands only.

It is deliberately not optimised; only the output shape is kept close to the new engine so the
benchmark can check the two agree on the market figures.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pandas as pd

TOKEN = re.compile(r"[가-힣]{2,}")
YEARS = range(2020, 2026)
SEGMENT_KEYS = ("연령", "사용연령", "용량", "구성", "타입")


def legacy_category_facts(products: pd.DataFrame, reviews: pd.DataFrame, category_id: str) -> dict[str, Any]:
    """One category's legacy facts, filtering the full tables as the legacy code did."""
    cat = products[products["category_id"] == category_id]
    ids = set(cat["id"])
    cat_reviews = reviews[reviews["product_id"].isin(ids)]

    counts = cat["review_count"].fillna(0).astype(float)
    total = float(counts.sum())
    with_reviews = cat[counts > 0]
    weighted = (
        float((with_reviews["average_rating"].astype(float) * with_reviews["review_count"].astype(float)).sum() / total)
        if total > 0 else None
    )
    hist = {str(k): 0 for k in range(1, 6)}
    for dist in cat["review_rating_distribution"]:
        if isinstance(dist, dict):
            for k in hist:
                hist[k] += int(dist.get(k, 0) or 0)
    branded = cat[cat["manufacturer"].notna() & (cat["manufacturer"].astype(str).str.strip() != "")]
    brand_counts = branded.groupby("manufacturer")["review_count"].sum().astype(float).sort_values(ascending=False)
    branded_total = float(brand_counts.sum())
    top = brand_counts.head(10)
    shares = top / branded_total if branded_total > 0 else top * 0
    top_brands = [{"name": n, "reviewCount": int(c), "share": float(s)} for (n, c), s in zip(top.items(), shares, strict=True)]

    years = cat_reviews["review_date"].dt.year
    growth = []
    previous = None
    for year in YEARS:
        n = int((years == year).sum())
        rate = None if not previous else (n - previous) / previous * 100.0
        growth.append({"year": year, "reviewCount": n, "growthRate": rate})
        previous = n

    tags: Counter[str] = Counter()
    if "review_text" in cat_reviews.columns:
        for text in cat_reviews["review_text"].dropna():
            tags.update(TOKEN.findall(str(text)))
    segments: Counter[str] = Counter()
    for spec in cat["specifications"]:
        if isinstance(spec, dict):
            for key in SEGMENT_KEYS:
                if spec.get(key):
                    segments[f"{key}: {spec[key]}"] += 1

    return {
        "categoryId": category_id,
        "metrics": {
            "productCount": len(cat),
            "brandCount": int(cat["manufacturer"].nunique()),
            "totalReviewCount": int(total),
            "avgRatingWeighted": weighted,
            "ratingHistogram": hist,
            "zeroReviewRatio": float((counts == 0).mean()) if len(cat) else 0.0,
            "lowRatingRatio": (hist["1"] + hist["2"]) / total if total else 0.0,
            "top3BrandShare": float(shares.head(3).sum()),
            "topBrands": top_brands,
            "hhiTop10": float(((shares * 100) ** 2).sum()),
            "topTags": [{"tag": t, "count": c} for t, c in tags.most_common(10)],
            "topSegments": [{"segment": s, "count": c} for s, c in segments.most_common(10)],
        },
        "growthData": growth,
    }
