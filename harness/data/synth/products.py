"""Product rows in the export's shape: names, specs, prices and Python-repr literal columns.

The real export writes its literal columns with Python's ``repr`` (single quotes), so these do
too; the loader accepts both that and JSON.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from harness.data.synth.catalog import SERIES, Kind

PRODUCT_HEADER = ("id", "name", "category_id", "category", "manufacturer", "review_count", "average_rating",
                  "min_price", "review_rating_distribution", "review_tags", "specifications", "unit_price",
                  "price_trend", "updated_at")
GOOD_TAGS = ("배송이 빨라요", "가성비 좋아요", "재구매 의사 있어요", "선물용으로 좋아요", "아이가 좋아해요", "품질 좋아요")
BAD_TAGS = ("배송이 느려요", "품질이 아쉬워요", "가격이 비싸요", "냄새가 나요")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class ProductBlock:
    """The per-product facts a category's rows are built from (arrays of one length)."""

    ids: np.ndarray
    brand_names: list[str]
    brand_of: np.ndarray
    counts: np.ndarray
    rating_hist: np.ndarray  # (n, 5) counts of valid ratings 1..5
    premium: np.ndarray


def _unit_count(spec_value: str) -> float:
    numbers = [float(x) for x in _NUMBER.findall(spec_value)]
    return math.prod(numbers) if numbers else 2.0


def product_rows(rng: np.random.Generator, kind: Kind, category_id: int, path: str, block: ProductBlock,
                 missing_brand: float = 0.02) -> list[list[str]]:
    """One CSV row per product (plus the occasional duplicate-id row the real export also has)."""
    n = len(block.ids)
    spec_keys = list(kind.specs)
    spec_picks = rng.integers(0, 1 << 30, size=(n, max(1, len(spec_keys))))
    low, high = kind.price
    base = np.exp(rng.uniform(math.log(low), math.log(high), size=n)) * block.premium
    price = (np.round(base / 100) * 100).astype(np.int64).clip(min=100)
    drift = rng.normal(0.02, 0.05, size=(n, 3)).cumsum(axis=1)
    no_trend = rng.random(n) < 0.1
    no_brand = rng.random(n) < missing_brand
    duplicate = rng.random(n) < 0.001
    series = rng.integers(0, len(SERIES), size=n)
    tag_picks = rng.integers(0, 1 << 30, size=(n, 3))
    tag_count = rng.integers(1, 4, size=n)
    minute = rng.integers(0, 4 * 24 * 60, size=n)
    rows: list[list[str]] = []
    for i in range(n):
        specs = {key: kind.specs[key][int(spec_picks[i, j]) % len(kind.specs[key])] for j, key in enumerate(spec_keys)}
        brand = block.brand_names[int(block.brand_of[i])]
        variant = " ".join(specs.values())
        name = f"{brand} {SERIES[series[i]]} {kind.noun} {variant}".strip()
        unit_price = ""
        if kind.unit is not None:
            unit, key = kind.unit
            per = max(1, round(int(price[i]) / _unit_count(specs.get(key, ""))))
            unit_price = f"{per:,}원/{unit}"
        trend = [] if no_trend[i] else [
            {"period": period, "price": int(round(price[i] * (1 + drift[i, k]) / 10) * 10)}
            for k, period in enumerate(("1개월", "3개월", "6개월"))
        ]
        hist = block.rating_hist[i]
        valid = int(hist.sum())
        average = f"{(hist * np.arange(1, 6)).sum() / valid:.1f}" if valid else ""
        distribution = {str(k + 1): int(hist[k]) for k in range(5)}
        tags: list[str] = []
        if block.counts[i]:
            bank = (kind.tags + GOOD_TAGS) if (not valid or hist[:2].sum() * 3 < valid) else BAD_TAGS
            tags = sorted({bank[int(t) % len(bank)] for t in tag_picks[i, : tag_count[i]]}, key=bank.index)
        day, rest = divmod(int(minute[i]), 24 * 60)
        updated = f"2025-{'06' if day < 3 else '07'}-{28 + day if day < 3 else 1:02d} {rest // 60:02d}:{rest % 60:02d}:00"
        row = [str(block.ids[i]), name, str(category_id), path, "" if no_brand[i] else brand,
               str(int(block.counts[i])), average, str(int(price[i])), repr(distribution), repr(tags), repr(specs),
               unit_price, repr(trend), updated]
        rows.append(row)
        if duplicate[i]:
            rows.append([*row[:1], f"{name} (재등록)", *row[2:13], updated.replace(":00", ":30", 1)])
    return rows
