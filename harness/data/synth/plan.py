"""Category plans: which market structure, trend and mess each synthetic category gets.

The small scale is hand-planned so that every golden-coverage case is its own category (see
data/sample/README.md); the remaining ordinary categories get random but realistic structures and
are the ones the SFT builder trains on. The large scale draws 3,000+ plans from the same archetypes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from harness.data.synth.catalog import BOOK_ROOT, KINDS, MODIFIERS, PATH_ROOT

YEARS = (2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025)
# Annual review-rate weights for 2017..2025 (2025 is cut at the export date later).
TRENDS: dict[str, tuple[float, ...]] = {
    "growth": (0, 0, 0.3, 1.0, 1.25, 1.55, 1.9, 2.4, 2.9),
    "decline": (0, 0, 0.5, 3.0, 3.2, 2.2, 2.1, 1.6, 1.2),
    "flat": (0, 0, 0.3, 1.0, 1.05, 0.95, 1.0, 1.05, 1.0),
    "spike": (0, 0, 0.3, 1.0, 1.1, 3.8, 1.2, 1.1, 1.0),
    "book": (0, 0, 0, 4837, 5686, 7853, 6411, 17697, 14293 * 2),
    "single_year": (0, 0, 0, 0, 0, 0, 1.0, 0, 0),
    "before_2020": (1.0, 1.4, 1.8, 0, 0, 0, 0, 0, 0),
    "no_dates": (0, 0, 0.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
}


@dataclass(frozen=True)
class CategoryPlan:
    """One category to generate.

    Attributes:
        category_id / path / kind: identity and vocabulary (``kind`` keys :data:`KINDS`).
        products / reviews: sizes (reviews before the unknown-product extras).
        shares: target review share per brand (sums to 1, most popular first).
        zero_ratio: share of products that get no reviews.
        trend: a key of :data:`TRENDS`.
        text: ``"mild"``, ``"heavy"`` (noisy) or ``"empty"`` (reviews without text).
        orphaned: every review of this category points at ids missing from products (the old
            pipeline's silent join failure).
        quality: mean of the rating profile; higher means more 5-star reviews.
    """

    category_id: int
    path: str
    kind: str
    products: int
    reviews: int
    shares: tuple[float, ...]
    zero_ratio: float
    trend: str
    text: str = "mild"
    orphaned: bool = False
    quality: float = 0.8


def _geometric(n: int, ratio: float) -> tuple[float, ...]:
    weights = ratio ** np.arange(n)
    return tuple((weights / weights.sum()).round(6))


def _fixed(*head: float, tail: int = 0) -> tuple[float, ...]:
    """Explicit leading shares; the remainder split evenly over ``tail`` further brands."""
    rest = 1.0 - sum(head)
    return tuple(head) + tuple([rest / tail] * tail if tail else [])


def _path(kind: str, leaf: str) -> str:
    root = BOOK_ROOT if kind == "book" else PATH_ROOT
    return f"{root}>{KINDS[kind].group}>{leaf}"


GOLDEN: tuple[CategoryPlan, ...] = (
    CategoryPlan(4, _path("book", "그림/동화/놀이책"), "book", 420, 3000, _geometric(60, 0.95), 0.39, "book"),
    CategoryPlan(1, _path("weaning", "이유식용품"), "weaning", 60, 2400, _fixed(0.865, 0.05, 0.03, tail=3), 0.12, "flat"),
    CategoryPlan(38, _path("infant_toy", "신생아/영유아완구"), "infant_toy", 300, 1100, _geometric(12, 0.8), 0.8, "decline"),
    CategoryPlan(27, f"{PATH_ROOT}>장난감>신생아/영유아완구", "infant_toy", 70, 700, _geometric(8, 0.7), 0.21, "no_dates"),
    CategoryPlan(21, _path("carseat", "카시트"), "carseat", 80, 1500, _fixed(0.42, 0.26, 0.12, 0.08, tail=4), 0.3, "growth"),
    CategoryPlan(22, _path("stroller", "유모차"), "stroller", 90, 1500, _geometric(8, 0.75), 0.35, "spike"),
    CategoryPlan(31, _path("bottle", "젖병"), "bottle", 120, 1500, _geometric(7, 0.8), 0.3, "decline"),
    CategoryPlan(41, _path("carrier", "아기띠"), "carrier", 60, 600, _geometric(6, 0.8), 0.3, "single_year"),
    CategoryPlan(12, _path("diaper", "기저귀"), "diaper", 150, 2500, _geometric(8, 0.75), 0.2, "growth", text="heavy"),
    CategoryPlan(13, _path("wipes", "물티슈"), "wipes", 120, 1500, _geometric(7, 0.8), 0.3, "flat", text="empty"),
    CategoryPlan(45, _path("bathtub", "욕조"), "bathtub", 5, 40, _fixed(0.5, 0.3, 0.2), 0.2, "growth"),
    CategoryPlan(52, _path("thermometer", "체온계"), "thermometer", 60, 500, _geometric(6, 0.8), 0.3, "flat"),
    CategoryPlan(52, _path("nasal", "콧물흡입기"), "nasal", 60, 500, _geometric(6, 0.8), 0.3, "growth"),
    CategoryPlan(46, _path("detergent", "유아세제"), "detergent", 60, 400, _geometric(4, 0.8), 0.3, "before_2020"),
    CategoryPlan(53, _path("nursing_pillow", "수유쿠션"), "nursing_pillow", 80, 1200, _geometric(4, 0.8), 0.3, "growth",
                 quality=0.5),
    CategoryPlan(61, _path("safety_gate", "안전문"), "safety_gate", 50, 400, _geometric(4, 0.8), 0.3, "flat", orphaned=True),
)
ORDINARY_KINDS = ("bib", "tableware", "straw_cup", "crib", "walker", "potty", "bouncer", "playmat", "blocks",
                  "roleplay", "lotion", "sunscreen", "teether", "carseat", "stroller", "diaper")
ORDINARY_LEAVES = ("턱받이", "유아식판", "빨대컵", "아기침대", "보행기", "유아변기", "바운서", "놀이매트", "블록",
                   "역할놀이", "유아로션", "유아선크림", "치발기", "주니어카시트", "휴대용유모차", "팬티형기저귀")


def _random_plan(rng: np.random.Generator, category_id: int, path: str, kind: str, products: int,
                 reviews: int) -> CategoryPlan:
    """An ordinary category: moderate concentration, a random trend, realistic zero-review share."""
    archetype = rng.choice(["moderate", "moderate", "fragmented", "concentrated", "zero_heavy"])
    brands = int(rng.integers(5, 13))
    ratio = {"moderate": 0.75, "fragmented": 0.93, "concentrated": 0.45, "zero_heavy": 0.75}[archetype]
    if archetype == "fragmented":
        brands = int(rng.integers(25, 60))
    brands = max(1, min(brands, products))
    zero = float(rng.uniform(0.15, 0.5)) if archetype != "zero_heavy" else float(rng.uniform(0.65, 0.85))
    trend = str(rng.choice(["growth", "decline", "flat", "spike"], p=[0.35, 0.25, 0.25, 0.15]))
    return CategoryPlan(category_id, path, kind, products, reviews, _geometric(brands, ratio), zero, trend,
                        quality=float(rng.uniform(0.55, 0.9)))


def small_plans(seed: int) -> list[CategoryPlan]:
    """The committed sample: 16 golden-coverage categories plus 16 ordinary ones."""
    rng = np.random.default_rng([seed, 1])
    plans = list(GOLDEN)
    for i, (kind, leaf) in enumerate(zip(ORDINARY_KINDS, ORDINARY_LEAVES, strict=True)):
        products = int(rng.integers(50, 110))
        reviews = int(products * rng.uniform(6, 11))
        plans.append(_random_plan(rng, 101 + i, _path(kind, leaf), kind, products, reviews))
    return plans


def large_plans(seed: int, categories: int = 3000, products: int = 300_000, reviews: int = 5_000_000) -> list[CategoryPlan]:
    """Benchmark scale: exact product and review totals spread over ``categories`` categories.

    The golden archetypes are reused (scaled up) for the first categories, so the large export
    also carries every edge case; the rest are random ordinary plans over all kinds.
    """
    rng = np.random.default_rng([seed, 2])
    kinds = sorted(KINDS)
    size = rng.lognormal(0.0, 0.8, size=categories)
    product_counts = 3 + rng.multinomial(products - 3 * categories, size / size.sum())
    appetite = size * rng.lognormal(0.0, 0.5, size=categories)
    review_counts = rng.multinomial(reviews, appetite / appetite.sum())
    plans: list[CategoryPlan] = []
    seen_paths: set[str] = set()
    for i in range(categories):
        n_products, n_reviews = int(product_counts[i]), int(review_counts[i])
        if i < len(GOLDEN):
            base = GOLDEN[i]
            shares = base.shares[: max(1, n_products)]
            total = sum(shares)
            plans.append(replace(base, products=n_products, reviews=n_reviews,
                                 shares=tuple(s / total for s in shares)))
            seen_paths.add(base.path)
            continue
        kind = kinds[i % len(kinds)]
        modifier = MODIFIERS[(i // len(kinds)) % len(MODIFIERS)]
        leaf = f"{modifier} {KINDS[kind].noun}"
        path = _path(kind, leaf)
        if path in seen_paths:
            path = f"{path} {i // (len(kinds) * len(MODIFIERS)) + 1}"
        seen_paths.add(path)
        plans.append(_random_plan(rng, 1000 + i, path, kind, n_products, n_reviews))
    return plans
