"""Facts objects: one category (or a product subset of it) at a time, or every category at once.

``prepare_categories`` does the expensive work once (grouping, tokenizing); ``facts_for`` is then
cheap array slicing, which is what lets the SFT builder draw many product subsamples of a category
without re-reading or re-filtering the full tables.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from harness.errors import InputError
from harness.facts.growth import growth_data
from harness.facts.insights import DEFAULT_SAMPLE_SIZE, NEGATIVE_POOL, add_insights, insight_facts
from harness.facts.market import market_metrics
from harness.facts.prepare import COUNT_COLUMNS, CategoryData, Store, group_exports
from harness.facts.sanitize import sanitize_facts
from harness.facts.schema import validate_facts
from harness.ids import category_key

REPORT_TYPE = "market_report_summary"
LEGACY_METRICS = (
    "productCount", "brandCount", "totalReviewCount", "avgRatingWeighted", "ratingHistogram", "zeroReviewRatio",
    "lowRatingRatio", "top3BrandShare", "topBrands", "topTags", "topSegments",
)
ADDED_METRICS = ("hhi", "hhiTop10", "unbrandedReviewShare", "priceQuantiles", "priceChange6m")


def prepare_categories(
    products: pd.DataFrame,
    reviews: pd.DataFrame,
    *,
    insights: bool = True,
    keyword_sample: int = DEFAULT_SAMPLE_SIZE,
    negative_pool: int = NEGATIVE_POOL,
    years: Iterable[int] | None = None,
    end_date: pd.Timestamp | str | None = None,
    seed: int = 0,
    kiwi: Any | None = None,
    progress: bool = False,
) -> dict[str, CategoryData]:
    """Groups both tables once and, with ``insights``, tokenizes every category's review sample.

    Args:
        products: canonical product frame.
        reviews: canonical review frame.
        insights: also compute review insights (Kiwi; the slow part).
        keyword_sample: reviews per category whose keywords are counted (bounds Kiwi work).
        negative_pool: extra low-rated reviews per category tokenized as negative-example candidates.
        years: the years of growthData; default the export's window
            (:func:`harness.facts.defaults.growth_window` of the review dates).
        end_date: the export's end; default the latest review date.
        seed: sampling seed (the sample is also keyed by category, so subsets do not shift it).
        kiwi: a Kiwi instance to reuse; default the process-wide one.
        progress: show tokenizing progress on stderr.

    Returns:
        Categories by key (the facts' ``categoryId`` as text), in report order.
    """
    categories = group_exports(products, reviews, years=years, end_date=end_date)
    if insights:
        add_insights(
            categories, sample_size=keyword_sample, negative_pool=negative_pool, seed=seed, kiwi=kiwi,
            progress=progress,
        )
    return categories


def _subset_index(category: CategoryData, product_subset: Any) -> np.ndarray:
    subset = np.asarray(product_subset)
    n = category.product_count
    if subset.dtype == bool:
        if subset.shape != (n,):
            raise ValueError(f"product_subset mask has shape {subset.shape}, category {category.key} has {n} products")
        return np.flatnonzero(subset)
    if subset.size and (subset.min() < 0 or subset.max() >= n):
        raise ValueError(f"product_subset index out of range for category {category.key} ({n} products)")
    subset = subset.astype(np.int64)
    if subset.size < 2 or bool((subset[1:] > subset[:-1]).all()):
        return subset  # already sorted and distinct (what the SFT builder passes): np.unique's result
    return np.unique(subset)


def _public_id(key: str) -> int | str:
    return int(key) if key.isdigit() and str(int(key)) == key else key


def facts_for(category_data: CategoryData, product_subset: Any = None) -> dict[str, Any]:
    """The facts object of one category, or of a subset of its products.

    Args:
        category_data: from :func:`prepare_categories`.
        product_subset: None for all products, else a bool mask or an index array over the
            category's products (order of ``category_data.product_ids``).
    """
    category = category_data
    store = category.store
    p0, p1 = category.product_range
    r0, r1 = category.review_range
    if product_subset is None:
        index: slice | np.ndarray = slice(p0, p1)
        review_mask = None
        products = store.products.take(index)
    else:
        local = _subset_index(category, product_subset)
        index = local + p0
        in_subset = np.zeros(p1 - p0, dtype=bool)
        in_subset[local] = True
        review_mask = in_subset[store.reviews.product[r0:r1] - p0]
        products = store.products.take(index)
    if store.counts is not None:
        # One gather and one column sum for all per-product counters (integers: exact in any order).
        block = store.counts[index]
        matched = block[:, 0]
        sums = block.sum(axis=0)
        n_matched, n_rejected, n_missing, n_undated, n_text = sums[:COUNT_COLUMNS].tolist()
        year_counts = sums[COUNT_COLUMNS:]
    else:
        matched = store.matched[index]
        year_counts = store.year_counts[index].sum(axis=0)
        n_matched, n_rejected, n_missing = int(matched.sum()), int(store.rejected[index].sum()), int(
            store.rating_missing[index].sum())
        n_undated, n_text = int(store.undated[index].sum()), int(store.with_text[index].sum())
    table_count = products.review_count
    from_rows = np.isnan(table_count) | (table_count < 0)
    reviews = np.where(from_rows, matched, table_count)

    metrics = market_metrics(products, reviews)
    insights, insight_quality = insight_facts(category, review_mask)
    total = metrics["totalReviewCount"]
    quality: dict[str, Any] = {
        "reviewsMatched": n_matched,
        # np.where already put 0 wherever the count is NaN (from_rows), so np.nansum's NaN pass
        # would change nothing: the same sum without it.
        "productReviewCountTotal": int(np.where(from_rows, 0, table_count).sum()),
        "reviewMatchRate": float(np.int64(n_matched) / total) if total else None,
        "productsWithMatchedReviews": int(np.count_nonzero(matched > 0)),
        "productsReviewCountFromRows": int(np.count_nonzero(from_rows)),
        "reviewsRatingRejected": n_rejected,
        "reviewsRatingMissing": n_missing,
        "reviewsUndated": n_undated,
        "reviewsOutsideYears": int(n_matched - n_undated - int(year_counts.sum())),
        "reviewsWithText": n_text,
        "productsUnbranded": int(np.count_nonzero(products.brand < 0)),
        "brandedReviewCount": metrics.pop("brandedReviewCount"),
        "productsRatingInvalid": metrics.pop("productsRatingInvalid"),
        "productsWithoutRatingDistribution": metrics.pop("productsWithoutRatingDistribution"),
        "productsWithPrice": metrics.pop("productsWithPrice"),
        "productsWithPriceTrend": metrics.pop("productsWithPriceTrend"),
        "exportReviewsUnknownProduct": store.export["reviewsUnknownProduct"],
        "exportEndDate": store.end_date.date().isoformat() if store.end_date is not None else None,
        **insight_quality,
    }
    if category.paths_for_id > 1:
        quality["sourceCategoryId"] = category.source_id
        quality["pathsSharingSourceId"] = category.paths_for_id
    facts = {
        "reportType": REPORT_TYPE,
        "categoryId": _public_id(category.key),
        "categoryName": category.name,
        "categoryPath": category.path,
        "metrics": {name: metrics[name] for name in LEGACY_METRICS + ADDED_METRICS},
        "growthData": growth_data(year_counts, store.years, store.end_date),
        "growthWindow": growth_window_of(store),
        "reviewInsights": insights,
        "dataQuality": quality,
    }
    quality.update(sanitize_facts(facts))  # the one sanitiser, on every text a prompt or report can show
    return facts


def growth_window_of(store: Store) -> dict[str, Any] | None:
    """The years growthData covers and where they came from (None when there are none)."""
    if not store.years:
        return None
    return {"firstYear": store.years[0], "lastYear": store.years[-1], "source": store.years_source}


def select_categories(
    categories: dict[str, CategoryData], category_id: object = None, category_contains: str | None = None
) -> tuple[list[str], str | None]:
    """Keys chosen by ``--category-id`` / ``--category-contains``, and a note when a choice was made.

    An id matches its disambiguated key exactly, or the source id (every path that reuses it).
    A substring matching several paths picks the category with the most matched reviews (then the
    most products, then the key), and the note says so.
    """
    if category_id is not None and category_contains:
        raise InputError(None, "give --category-id or --category-contains, not both")
    if category_id is not None:
        wanted = category_key(category_id)
        keys = [k for k, c in categories.items() if k == wanted or c.source_id == wanted]
        if not keys:
            raise InputError("products", f"no category with id {wanted!r} ({len(categories)} categories)")
        note = None
        if len(keys) > 1:
            note = f"category id {wanted} is used for {len(keys)} paths; writing all of them: {', '.join(keys)}"
        return keys, note
    if category_contains:
        needle = category_contains.strip().lower()
        keys = [k for k, c in categories.items() if needle in c.path.lower() or needle in c.name.lower()]
        if not keys:
            raise InputError("products", f"no category path contains {category_contains!r}")
        if len(keys) == 1:
            return keys, None
        ranked = sorted(keys, key=lambda k: (-categories[k].review_count, -categories[k].product_count, k))
        best = categories[ranked[0]]
        listed = ", ".join(f"{k} ({categories[k].path})" for k in ranked[:5])
        note = (
            f"{category_contains!r} matches {len(keys)} categories: {listed}{' ...' if len(keys) > 5 else ''}; "
            f"chose {best.key} ({best.path}) because it has the most matched reviews ({best.review_count})"
        )
        return [ranked[0]], note
    return list(categories), None


def compute_facts(
    products: pd.DataFrame,
    reviews: pd.DataFrame,
    *,
    category_id: object = None,
    category_contains: str | None = None,
    insights: bool = True,
    keyword_sample: int = DEFAULT_SAMPLE_SIZE,
    years: Iterable[int] | None = None,
    end_date: pd.Timestamp | str | None = None,
    seed: int = 0,
    progress: bool = False,
    notify: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Facts of every category (or the chosen ones), validated against the shipped schema.

    Only the chosen categories are tokenized; the join still runs over the full tables so that
    reviews of other categories are never mistaken for unknown products.

    Args:
        notify: receives a note when a category choice was made (the CLI prints it on stderr).
    """
    categories = group_exports(products, reviews, years=years, end_date=end_date)
    keys, note = select_categories(categories, category_id, category_contains)
    if note and notify:
        notify(note)
    if insights:
        add_insights(categories, keys if len(keys) < len(categories) else None, sample_size=keyword_sample,
                     seed=seed, progress=progress)
    out = []
    iterator: Iterable[str] = keys
    if progress and len(keys) > 50:
        from tqdm import tqdm

        iterator = tqdm(keys, desc="category facts", unit="category", file=sys.stderr)
    for key in iterator:
        facts = facts_for(categories[key])
        validate_facts(facts, where=f"category {key}")
        out.append(facts)
    return out
