"""``harness data synth``: writes products_all.csv and reviews_all.csv, one category at a time.

Every category draws from its own random stream (``default_rng([seed, 3, index])``), so output
depends only on the seed and the plans, and the large scale streams category by category with
memory bounded by the largest category rather than by the 5 million reviews. Within a category
all sampling is vectorised with numpy; Python only formats rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.data.synth.catalog import KINDS, generated_brands
from harness.data.synth.plan import TRENDS, YEARS, CategoryPlan, large_plans, small_plans
from harness.data.synth.products import PRODUCT_HEADER, ProductBlock, product_rows
from harness.data.synth.text import HEAVY, MILD, Composer
from harness.errors import InputError

REVIEW_HEADER = ("product_id", "review_date", "rating", "review_text", "platform")
EXPORT_END = dt.date(2025, 6, 30)
PLATFORMS = ("다나와", "쿠팡", "11번가", "G마켓", "SSG", "옥션")
PLATFORM_P = (0.35, 0.3, 0.12, 0.1, 0.08, 0.05)
GOOD_PROFILE = np.array([0.01, 0.01, 0.04, 0.14, 0.80])
POOR_PROFILE = np.array([0.12, 0.10, 0.18, 0.28, 0.32])
UNKNOWN_SHARE = 0.015
_GENERATED = generated_brands()


@dataclass(frozen=True)
class SynthResult:
    """What was written."""

    products_path: Path
    reviews_path: Path
    categories: int
    products: int
    reviews: int


def _year_starts() -> tuple[np.ndarray, np.ndarray]:
    """Ordinal of each year's first day and its length in days (2025 cut at the export date)."""
    starts = np.array([dt.date(y, 1, 1).toordinal() for y in YEARS])
    ends = np.array([dt.date(y, 12, 31).toordinal() if y < 2025 else EXPORT_END.toordinal() for y in YEARS])
    return starts, ends - starts + 1


_STARTS, _DAYS = _year_starts()
_DATE_CACHE: dict[int, str] = {}


def _date_text(ordinal: int) -> str:
    text = _DATE_CACHE.get(ordinal)
    if text is None:
        text = _DATE_CACHE[ordinal] = dt.date.fromordinal(ordinal).isoformat()
    return text


def _brands(rng: np.random.Generator, plan: CategoryPlan) -> list[str]:
    names = list(KINDS[plan.kind].brands)
    if len(plan.shares) > len(names):
        extra = [b for b in _GENERATED if b not in names]
        order = rng.permutation(len(extra))
        names += [extra[i] for i in order[: len(plan.shares) - len(names)]]
    return names[: len(plan.shares)]


def _dates(rng: np.random.Generator, plan: CategoryPlan, n: int) -> list[str]:
    weights = np.array(TRENDS[plan.trend], dtype=float) * (_DAYS / 365.0)
    year = rng.choice(len(YEARS), size=n, p=weights / weights.sum())
    ordinals = _STARTS[year] + (rng.random(n) * _DAYS[year]).astype(np.int64)
    dates = [_date_text(int(o)) for o in ordinals]
    if plan.trend == "no_dates":
        junk = rng.random(n)
        dates = ["알수없음" if u < 0.1 else "0000-00-00" if u < 0.15 else "" for u in junk]
    return dates


def _category(rng: np.random.Generator, plan: CategoryPlan, first_id: int) -> tuple[list[list[str]], list[list[str]], int]:
    """Product rows, review rows and the next free product id for one category."""
    kind = KINDS[plan.kind]
    n = max(1, plan.products)
    shares = np.array(plan.shares[:n], dtype=float)
    shares /= shares.sum()
    brands = _brands(rng, plan)[: len(shares)]
    b = len(shares)
    brand_of = np.concatenate([np.arange(b), rng.choice(b, size=n - b, p=np.sqrt(shares) / np.sqrt(shares).sum())])
    brand_of = brand_of[rng.permutation(n)]
    reviewed = rng.random(n) >= plan.zero_ratio
    first_of_brand = np.unique(brand_of, return_index=True)[1]
    reviewed[first_of_brand] = True
    weight = rng.lognormal(0.0, 1.0, size=n) * reviewed
    brand_weight = np.bincount(brand_of, weights=weight, minlength=b)
    q = shares[brand_of] * weight / brand_weight[brand_of]
    counts = rng.multinomial(plan.reviews, q / q.sum())
    ids = first_id + np.cumsum(rng.integers(1, 40, size=n))

    brand_quality = rng.normal(0.0, 0.12, size=b)
    product_quality = np.clip(plan.quality + brand_quality[brand_of] + rng.normal(0, 0.08, size=n), 0.0, 1.0)
    owner = np.repeat(np.arange(n), counts)
    total = len(owner)
    mix = product_quality[owner][:, None]
    cdf = np.cumsum(mix * GOOD_PROFILE + (1 - mix) * POOR_PROFILE, axis=1)
    ratings = (rng.random(total)[:, None] > cdf).sum(axis=1).clip(0, 4) + 1
    rating_text = ratings.astype(str).astype(object)
    mess = rng.random(total)
    rating_text[mess < 0.003] = ""
    rating_text[(mess >= 0.003) & (mess < 0.004)] = "0"
    rating_text[(mess >= 0.004) & (mess < 0.005)] = "6"
    floaty = (mess >= 0.005) & (mess < 0.015)
    rating_text[floaty] = [f"{r}.0" for r in ratings[floaty]]
    valid = mess >= 0.005
    hist = np.zeros((n, 5), dtype=np.int64)
    np.add.at(hist, (owner[valid], ratings[valid] - 1), 1)

    if plan.text == "empty":
        texts = [""] * total
    else:
        texts = Composer(kind).compose(rng, ratings, HEAVY if plan.text == "heavy" else MILD)
    dates = _dates(rng, plan, total)
    platforms = np.array(PLATFORMS, dtype=object)[rng.choice(len(PLATFORMS), size=total, p=PLATFORM_P)]
    review_ids = ids[owner] + (50_000_000 if plan.orphaned else 0)
    reviews = [[str(pid), d, r, t, p] for pid, d, r, t, p in zip(review_ids.tolist(), dates, rating_text, texts, platforms, strict=True)]
    unknown = rng.random(total) < UNKNOWN_SHARE
    reviews.extend([str(90_000_000 + int(ids[owner[i]]) % 9_000_000), dates[i], rating_text[i], texts[i], platforms[i]]
                   for i in np.flatnonzero(unknown).tolist())

    premium = np.exp(brand_quality[brand_of])
    block = ProductBlock(ids=ids, brand_names=brands, brand_of=brand_of, counts=counts, rating_hist=hist, premium=premium)
    products = product_rows(rng, kind, plan.category_id, plan.path, block)
    return products, reviews, int(ids[-1]) + 1


def iter_categories(plans: list[CategoryPlan], seed: int) -> Iterator[tuple[list[list[str]], list[list[str]]]]:
    """Yields (product rows, review rows) per plan, deterministically from ``seed``."""
    next_id = 1_000_000
    for index, plan in enumerate(plans):
        rng = np.random.default_rng([seed, 3, index])
        products, reviews, next_id = _category(rng, plan, next_id)
        next_id += 1000
        yield products, reviews


def generate(out: str | Path, seed: int = 7, scale: str = "small", progress: bool = False,
             plans: list[CategoryPlan] | None = None) -> SynthResult:
    """Writes both CSVs under ``out`` (UTF-8, ``\\n`` line ends, minimal quoting).

    Args:
        out: output directory (created).
        seed: same seed, same bytes.
        scale: ``"small"`` (~30 categories, committed sample) or ``"large"`` (3,000 categories,
            300,000 products, 5 million reviews plus unknown-product extras).
        progress: show a progress bar on stderr.
        plans: explicit plans (tests); overrides ``scale``.
    """
    if plans is None:
        if scale not in ("small", "large"):
            raise InputError(None, f"unknown scale {scale!r}: use 'small' or 'large'", "--scale")
        plans = small_plans(seed) if scale == "small" else large_plans(seed)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(out, "exists and is not a directory", "--out")
    out.mkdir(parents=True, exist_ok=True)
    products_path, reviews_path = out / "products_all.csv", out / "reviews_all.csv"
    n_products = n_reviews = 0
    with products_path.open("w", encoding="utf-8", newline="") as pf, reviews_path.open(
        "w", encoding="utf-8", newline=""
    ) as rf:
        pw, rw = csv.writer(pf, lineterminator="\n"), csv.writer(rf, lineterminator="\n")
        pw.writerow(PRODUCT_HEADER)
        rw.writerow(REVIEW_HEADER)
        stream: Iterable[tuple[list[list[str]], list[list[str]]]] = iter_categories(plans, seed)
        if progress:
            from tqdm import tqdm

            stream = tqdm(stream, total=len(plans), unit="category", file=sys.stderr, mininterval=1.0)
        for product_rows_, review_rows in stream:
            pw.writerows(product_rows_)
            rw.writerows(review_rows)
            n_products += len(product_rows_)
            n_reviews += len(review_rows)
    return SynthResult(products_path, reviews_path, len(plans), n_products, n_reviews)
