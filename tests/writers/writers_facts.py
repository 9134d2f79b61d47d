"""Hand-built facts objects in the current shape (hhi, reviewInsights, partial years) for writer tests.

``make_facts`` derives the dependent fields (shares, top-3 share, HHI, growth rates, annualised
partial year) from a few inputs the way the facts engine defines them, so each variant is a
consistent category: concentrated or fragmented, growing or declining, with or without text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference_facts.jsonl"


def reference_facts() -> list[dict[str, Any]]:
    return [json.loads(line) for line in REFERENCE.read_text("utf-8").splitlines() if line.strip()]


def _growth(counts: list[int], first_year: int, partial_months: float | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    previous: float | None = None
    for i, count in enumerate(counts):
        last = i == len(counts) - 1
        partial = bool(last and partial_months is not None)
        months = partial_months if partial else 12.0
        annualized = round(count * 12.0 / months) if partial and months else None
        basis = annualized if partial else count
        rate = None if previous in (None, 0) or basis is None else (basis - previous) / previous * 100.0
        rows.append({"year": first_year + i, "reviewCount": count, "growthRate": rate, "partial": partial,
                     "monthsCovered": months, "annualizedReviewCount": annualized})
        previous = float(basis) if basis is not None else None
    return rows


def make_facts(
    *,
    category_id: int | str = 900,
    name: str = "테스트카테고리",
    brand_reviews: tuple[int, ...] = (500, 300, 200, 100, 50),
    unbranded_reviews: int = 0,
    products: int = 120,
    brands: int | None = None,
    zero_ratio: float = 0.3,
    rating: float | None = 4.6,
    histogram: tuple[int, int, int, int, int] | None = None,
    growth: tuple[int, ...] = (100, 150, 220, 260, 240, 300),
    partial_months: float | None = None,
    segments: tuple[tuple[str, int], ...] = (("연령: 12개월이상", 40), ("타입: 원목", 20)),
    tags: tuple[tuple[str, int], ...] = (("좋아요", 90), ("가격", 40)),
    text_count: int | None = 800,
    keywords: tuple[tuple[str, int], ...] = (("촉감", 120), ("소리", 80), ("가격", 60)),
    distinctive: tuple[tuple[str, float], ...] = (("촉감", 5.2), ("딸랑이", 4.1)),
    scenarios: tuple[tuple[str, int], ...] = (("선물", 140), ("외출", 60)),
    ages: tuple[tuple[str, int], ...] = (("6개월", 30),),
    price_change: float | None = None,
) -> dict[str, Any]:
    branded = sum(brand_reviews)
    total = branded + unbranded_reviews
    names = ["코니스", "타이니러브", "라마즈", "브이텍", "스엔코", "아이존", "졸리점퍼", "메리메이어", "윈펀", "콤비"]
    shares = [c / branded for c in sorted(brand_reviews, reverse=True)] if branded else []
    top = [{"name": names[i], "reviewCount": c, "share": shares[i]}
           for i, c in enumerate(sorted(brand_reviews, reverse=True)[:10])]
    hist = histogram or ((0, 0, 0, 0, 0) if total == 0 else (int(total * 0.01), int(total * 0.01), int(total * 0.05),
                                                             int(total * 0.18), 0))
    hist = hist[:4] + (total - sum(hist[:4]),) if histogram is None and total else hist
    hist_total = sum(hist)
    metrics: dict[str, Any] = {
        "productCount": products,
        "brandCount": brands if brands is not None else len(brand_reviews),  # brand_reviews: all brands
        "totalReviewCount": total,
        "avgRatingWeighted": rating if total else None,
        "ratingHistogram": {str(i + 1): v for i, v in enumerate(hist)},
        "zeroReviewRatio": zero_ratio if total else 1.0,
        "lowRatingRatio": (hist[0] + hist[1]) / hist_total if hist_total else 0.0,
        # From the counts, as the facts engine computes it: a sum of three float shares can exceed 1.0.
        "top3BrandShare": sum(sorted(brand_reviews, reverse=True)[:3]) / branded if branded else 0,
        "topBrands": top,
        "topTags": [{"tag": t, "count": c} for t, c in tags],
        "topSegments": [{"segment": s, "count": c} for s, c in segments],
        "hhi": sum((s * 100) ** 2 for s in shares) if shares else None,
        "hhiTop10": sum((s * 100) ** 2 for s in shares[:10]) if shares else None,
        "unbrandedReviewShare": unbranded_reviews / total if total else 0.0,
        "priceQuantiles": {"p10": 5900.0, "p25": 9900.0, "p50": 15900.0, "p75": 25900.0, "p90": 39900.0},
        "priceChange6m": price_change,
    }
    facts: dict[str, Any] = {
        "reportType": "market_report_summary",
        "categoryId": category_id,
        "categoryName": name,
        "categoryPath": f"출산/유아동>{name}",
        "metrics": metrics,
        "growthData": _growth(list(growth), 2020, partial_months) if total else [],
        "dataQuality": {"reviewsMatched": sum(growth)},
    }
    if text_count is not None and total:
        has_text = text_count > 0
        facts["reviewInsights"] = {
            "hasReviewText": has_text,
            "reviewTextCount": text_count,
            **({
                "topKeywords": [{"keyword": k, "count": c} for k, c in keywords],
                "distinctiveKeywords": [{"keyword": k, "score": s} for k, s in distinctive],
                "usageScenarios": [{"scenario": k, "count": c} for k, c in scenarios],
                "ageMentions": [{"age": k, "count": c} for k, c in ages],
                "positiveExamples": ["아이가 정말 좋아해요. 6개월부터 잘 써요."],
                "negativeExamples": ["소리가 너무 커요."],
            } if has_text else {}),
        }
    return facts


# Named variants covering the structures the template must phrase differently.
VARIANTS: dict[str, dict[str, Any]] = {
    "fragmented": make_facts(category_id=901, brand_reviews=(90, 80, 75, 70, 66, 60, 58, 50, 45, 40) + (20,) * 40,
                             products=800, zero_ratio=0.62),
    "moderate": make_facts(category_id=902, brand_reviews=(250, 200, 150, 120, 100, 80, 60, 40) + (20,) * 10),
    "highish": make_facts(category_id=903, brand_reviews=(320, 280, 200, 120, 50, 30)),
    "concentrated": make_facts(category_id=904, brand_reviews=(4200, 600, 300, 200), zero_ratio=0.1,
                               growth=(900, 800, 700, 650, 500, 420)),
    "monopoly": make_facts(category_id=905, brand_reviews=(3000,), brands=1, products=12, zero_ratio=0.0),
    "weak_quality": make_facts(category_id=906, rating=3.6, histogram=(120, 80, 100, 150, 550)),
    "no_growth": make_facts(category_id=907, growth=()),
    "one_year": make_facts(category_id=908, growth=(400,)),
    "no_reviews": make_facts(category_id=909, brand_reviews=(), brands=35, products=60, growth=(),
                             text_count=None, segments=()),
    "no_text": make_facts(category_id=910, text_count=0, tags=()),
    "no_segments_no_text": make_facts(category_id=911, text_count=0, segments=(), tags=()),
    "partial_year": make_facts(category_id=912, growth=(100, 140, 180, 210, 260, 150), partial_months=6.5),
    "partial_whole_months": make_facts(category_id=913, growth=(300, 320, 310, 290, 200), partial_months=9.0),
    "declining": make_facts(category_id=914, growth=(900, 700, 520, 410, 300, 200)),
    "steady_growth": make_facts(category_id=915, growth=(100, 130, 170, 220, 280, 350)),
    "unbranded_and_price": make_facts(category_id=916, unbranded_reviews=700, price_change=-0.082),
    "zero_years": make_facts(category_id=917, growth=(0, 0, 50, 80, 60, 90)),
}
