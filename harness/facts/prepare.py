"""One grouping pass over both tables: every category's products and matched reviews as slices.

The legacy pipeline filtered the full reviews table once per category (and again per SFT sample),
which is quadratic in practice. Here products are sorted by category once, reviews are joined to
their product by a hash lookup once and sorted by product position once; a category is then two
contiguous ranges, and per-product review aggregates (matched, per year, rejected) are computed
with ``np.bincount`` for all products together. ``facts_for`` only slices and sums.

Category keys: a category is one (category_id, category path) pair. When an export reuses a
``category_id`` for several paths, each path gets the key ``"<id>~<n>"`` with n = 1, 2, ... in
the sorted order of the paths; an id that names one path keeps the plain id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from harness.errors import InputError
from harness.facts.defaults import growth_window
from harness.facts.products import ProductArrays, product_arrays, text_keys, unique_keys
from harness.ids import category_sort_key

REQUIRED_PRODUCT_COLUMNS = ("id", "category_id", "category")
REQUIRED_REVIEW_COLUMNS = ("product_id",)
TEXT_COLUMN = "review_text"
HAS_TEXT_COLUMN = "has_text"
COUNT_COLUMNS = 5  # per-product counters in ``Store.counts`` before the per-year columns


@dataclass
class ReviewArrays:
    """Matched, accepted reviews sorted by (category, product); one entry per review."""

    product: np.ndarray  # int64, global product position
    rating: np.ndarray  # float64, NaN where missing
    year_index: np.ndarray  # int16 index into the years tuple; -1 outside it, -2 undated
    row: np.ndarray  # int64, the review's row in the input frame
    source_text: pd.Series | None  # the input's text column (input order); None without one
    has_text: np.ndarray  # bool

    def texts_at(self, positions: np.ndarray) -> pd.Series:
        """Texts of the reviews at ``positions`` (sorted order), fetched from the input column.

        The text column is not reordered during grouping: only the insight step reads text, and
        it reads it once, so the 5-million-row copy is skipped when insights are off.
        """
        assert self.source_text is not None
        return self.source_text.iloc[self.row[positions]].reset_index(drop=True)


@dataclass
class Store:
    """Arrays shared by every category of one prepared export."""

    years: tuple[int, ...]
    end_date: pd.Timestamp | None
    products: ProductArrays
    reviews: ReviewArrays
    matched: np.ndarray  # per product: accepted matched reviews
    rejected: np.ndarray  # per product: matched reviews whose rating was outside 1..5
    rating_missing: np.ndarray  # per product: accepted reviews without a rating
    undated: np.ndarray  # per product: accepted reviews without a parseable date
    with_text: np.ndarray  # per product: accepted reviews with non-empty text
    year_counts: np.ndarray  # (products, years) accepted reviews per year
    export: dict[str, int]
    text_column: str | None
    background: Mapping[str, int] = field(default_factory=dict)  # keyword counts of all samples
    years_source: str = "export"
    """Where ``years`` came from: ``"export"`` (the default window of :func:`growth_window`) or
    ``"option"`` (the caller's ``years``)."""
    counts: np.ndarray | None = None
    """(products, 5 + years): matched, rejected, rating_missing, undated, with_text, then
    year_counts, side by side (the fields above are views of its columns when it is set), so a
    product subset's counters are one gather and one sum instead of six of each."""


@dataclass
class Insights:
    """Tokenized review sample of one category (filled by ``harness.facts.insights``)."""

    sample: np.ndarray  # review positions (global) that were tokenized, uniform sample first
    uniform: int  # how many leading entries of ``sample`` are the uniform keyword sample
    keywords: list[tuple[str, ...]]  # keywords per sampled review
    texts: list[str]  # raw text per sampled review
    scenarios: np.ndarray  # (category reviews, scenarios) bool
    injection: np.ndarray  # bool per category review
    ages: dict[int, tuple[str, ...]]  # category-local review index -> ages mentioned
    sample_size: int  # the parameter the sample was drawn with
    derived: Any = field(default=None, init=False, repr=False, compare=False)
    """Per-category work that every product subset repeats (``harness.facts.insights``), built on
    first use: the SFT builder asks for a hundred subsets of each category."""


@dataclass
class CategoryData:
    """One category: where its products and reviews lie in the shared store."""

    key: str
    source_id: str
    path: str
    name: str
    paths_for_id: int
    product_range: tuple[int, int]
    review_range: tuple[int, int]
    store: Store
    insights: Insights | None = None

    @property
    def product_count(self) -> int:
        return self.product_range[1] - self.product_range[0]

    @property
    def review_count(self) -> int:
        """Accepted reviews matched to this category's products."""
        return self.review_range[1] - self.review_range[0]

    @property
    def product_ids(self) -> np.ndarray:
        """Product ids in the order ``product_subset`` masks refer to."""
        return self.store.products.ids[slice(*self.product_range)]


def _require(frame: pd.DataFrame, columns: Iterable[str], label: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise InputError(label, f"missing column {column!r}")


def _category_codes(products: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, str, str]], int]:
    """Code per product (-1 without id) and (key, source id, path) per code, in report order."""
    ids = text_keys(products["category_id"])
    path_codes, path_uniques = pd.factorize(products["category"], use_na_sentinel=True)
    path_names = np.array([" ".join(str(p).split()) for p in path_uniques] + [""], dtype=object)
    # (id, normalised path) pairs as integer codes: the join to "<id>\x1f<path>" text is only
    # done once per distinct pair, not per product.
    name_codes, names = pd.factorize(path_names)
    id_codes, id_uniques = pd.factorize(ids, use_na_sentinel=True)
    pair = id_codes.astype(np.int64) * len(names) + name_codes[path_codes]
    valid = id_codes >= 0
    codes = np.full(len(ids), -1, dtype=np.int64)
    pair_codes, pair_uniques = pd.factorize(pair[valid])
    codes[valid] = pair_codes
    found = [
        tuple(f"{id_uniques[u // len(names)]}\x1f{names[u % len(names)]}".split("\x1f", 1))
        for u in pair_uniques.tolist()
    ]
    order = sorted(range(len(found)), key=lambda c: (*category_sort_key(found[c][0]), found[c][1]))
    remap = np.empty(len(found), dtype=np.int64)
    remap[order] = np.arange(len(found))
    per_id = Counter(source for source, _ in found)
    seen: Counter[str] = Counter()
    categories: list[tuple[str, str, str]] = []
    for code in order:
        source, path = found[code]
        if per_id[source] > 1:
            seen[source] += 1
            key = f"{source}~{seen[source]}"
        else:
            key = source
        categories.append((key, source, path))
    out = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    return out, categories, int((codes < 0).sum())


def _years_of(reviews: pd.DataFrame) -> pd.Series:
    if "review_date" not in reviews.columns:
        return pd.Series(pd.NaT, index=reviews.index, dtype="datetime64[ns]")
    dates = reviews["review_date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates, errors="coerce")
    return dates


def _text_present(text: pd.Series) -> np.ndarray:
    """Per row: the text is present, non-empty and not only whitespace (no stripped copy of 5M texts).

    For Arrow-backed strings (the loader's dtype) the loader's own test runs on the Arrow chunks
    (``harness.data.columns.present_text``), without pandas' per-call result conversion.
    """
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        from harness.data.columns import present_text

        return present_text(text.array.__arrow_array__())
    present = text.notna() & (text.str.len() > 0) & ~text.str.isspace()
    return present.to_numpy(dtype=bool, na_value=False)


def _first_positions(ids: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Per key: its position in the de-duplicated product ids (first occurrence kept), -1 if none;
    and how many products repeat an earlier id.

    One hash pass over both arrays together (``pd.factorize``, product ids first) instead of a
    pandas Index of the ids plus ``get_indexer``. Without repeated ids (the loader drops them) an
    id's code is its product's position; with repeats, reviews go to the first product of the id.
    """
    n = len(ids)
    both = np.empty(n + len(keys), dtype=object)
    both[:n] = ids
    both[n:] = keys
    codes, _ = pd.factorize(both, use_na_sentinel=False)
    distinct = int(codes[:n].max()) + 1 if n else 0
    key_codes = codes[n:]
    # Each distinct id -> position of its first product (the reversed assignment leaves the first
    # occurrence); without repeated ids this is the identity, with them later products keep their
    # own reviews. The sentinel slot at index ``distinct`` answers keys no product has.
    first = np.full(distinct + 1, -1, dtype=np.int64)
    first[codes[:n][::-1]] = np.arange(n - 1, -1, -1)
    return first[np.minimum(key_codes, distinct)], n - distinct


def _codes(values: pd.Series) -> tuple[np.ndarray, Any]:
    """Code per row (-1 where missing) and the distinct values; a categorical's own codes (the
    loader's review ids: 5 million rows need no second hashing pass)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64), values.cat.categories
    return pd.factorize(values, use_na_sentinel=True)


def _bincount(index: np.ndarray, size: int, weights: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(index, weights=weights, minlength=size)[:size].astype(np.int64)


def group_exports(
    products: pd.DataFrame,
    reviews: pd.DataFrame,
    *,
    years: Iterable[int] | None = None,
    end_date: pd.Timestamp | str | None = None,
) -> dict[str, CategoryData]:
    """The grouping pass (market data only; ``harness.facts.insights`` adds the text work).

    Args:
        products: canonical product frame (``harness.data.load``).
        reviews: canonical review frame; ``review_text`` may be absent.
        years: the years growthData reports; default :func:`growth_window` of the review dates
            (the end's year and up to five years before, from the first year with reviews).
        end_date: the export's end; default the latest review date in ``reviews``.
    """
    _require(products, REQUIRED_PRODUCT_COLUMNS, "products")
    _require(reviews, REQUIRED_REVIEW_COLUMNS, "reviews")
    codes, categories, no_category = _category_codes(products)
    keep = np.flatnonzero(codes >= 0)
    order = keep[np.argsort(codes[keep], kind="stable")]
    sorted_codes = codes[order]
    arrays = product_arrays(products).take(order)  # parse in place, then one gather (no frame copy)
    n_products = len(order)

    id_codes, id_values = _codes(reviews["product_id"])
    value_pos, duplicate_ids = _first_positions(arrays.ids, unique_keys(id_values))
    position = np.append(value_pos, -1)[id_codes]  # code -1 (no product id) picks the trailing -1
    # Reviews of products that were excluded (no category) are unknown to every category too.
    rating = (
        pd.to_numeric(reviews["rating"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if "rating" in reviews.columns
        else np.full(len(reviews), np.nan)
    )
    out_of_range = (rating < 1) | (rating > 5)  # NaN compares False: a missing rating is kept
    matched = position >= 0
    accepted = np.flatnonzero(matched & ~out_of_range)
    accepted = accepted[np.argsort(position[accepted], kind="stable")]
    dates = _years_of(reviews)
    if end_date is None:
        latest = dates.max()
        end = None if pd.isna(latest) else pd.Timestamp(latest)
    else:
        end = pd.Timestamp(end_date)
    years_source = "export" if years is None else "option"
    if years is None:
        first = dates.min()
        years = growth_window(None if pd.isna(first) else first.year, None if end is None else end.year)
    years = tuple(sorted(int(y) for y in years))
    if years and years != tuple(range(years[0], years[-1] + 1)):
        raise ValueError(f"growth years must be consecutive, got {years}")

    pos = position[accepted].astype(np.int64)
    year_values = dates.dt.year.to_numpy(dtype=np.float64, na_value=np.nan)[accepted]
    year_index = np.full(len(accepted), -2, dtype=np.int16)
    dated = ~np.isnan(year_values)
    year_index[dated] = -1
    if years:
        in_years = dated & (year_values >= years[0]) & (year_values <= years[-1])
        year_index[in_years] = (year_values[in_years] - years[0]).astype(np.int16)
    text_column = TEXT_COLUMN if TEXT_COLUMN in reviews.columns else None
    text = reviews[text_column] if text_column else None
    if HAS_TEXT_COLUMN in reviews.columns:  # the loader's: also there when the text was not loaded
        has_text = reviews[HAS_TEXT_COLUMN].to_numpy(dtype=bool)[accepted]
    elif text is not None:
        has_text = _text_present(text)[accepted]
    else:
        has_text = np.zeros(len(accepted), dtype=bool)
    review_arrays = ReviewArrays(pos, rating[accepted], year_index, accepted.astype(np.int64), text, has_text)

    n_years = len(years)
    in_range = year_index >= 0
    year_counts = _bincount(pos[in_range] * n_years + year_index[in_range], n_products * n_years)
    counts = np.empty((n_products, COUNT_COLUMNS + n_years), dtype=np.int64)
    counts[:, 0] = _bincount(pos, n_products)
    counts[:, 1] = _bincount(position[matched & out_of_range], n_products)
    counts[:, 2] = _bincount(pos[np.isnan(review_arrays.rating)], n_products)
    counts[:, 3] = _bincount(pos[year_index == -2], n_products)
    counts[:, 4] = _bincount(pos[has_text], n_products)
    counts[:, COUNT_COLUMNS:] = year_counts.reshape(n_products, n_years)
    store = Store(
        years=years,
        end_date=end,
        products=arrays,
        reviews=review_arrays,
        matched=counts[:, 0],
        rejected=counts[:, 1],
        rating_missing=counts[:, 2],
        undated=counts[:, 3],
        with_text=counts[:, 4],
        year_counts=counts[:, COUNT_COLUMNS:],
        export={
            "products": len(products),
            "productsWithoutCategory": no_category,
            "duplicateProductIds": duplicate_ids,
            "reviews": len(reviews),
            "reviewsMatched": len(accepted),
            "reviewsUnknownProduct": int((~matched).sum()),
            "reviewsRatingRejected": int(out_of_range.sum()),
            "reviewsRatingRejectedUnknownProduct": int((~matched & out_of_range).sum()),
            "categories": len(categories),
            "categoryIdsReused": sum(1 for key, source, _ in categories if key != source and key.endswith("~1")),
        },
        text_column=text_column,
        counts=counts,
        years_source=years_source,
    )
    product_bounds = np.searchsorted(sorted_codes, np.arange(len(categories) + 1))
    review_bounds = np.searchsorted(pos, product_bounds)
    paths_per_id = Counter(source for _, source, _ in categories)
    out: dict[str, CategoryData] = {}
    for code, (key, source, path) in enumerate(categories):
        name = path.split(">")[-1].strip() if path else source
        out[key] = CategoryData(
            key=key,
            source_id=source,
            path=path,
            name=name or source,
            paths_for_id=paths_per_id[source],
            product_range=(int(product_bounds[code]), int(product_bounds[code + 1])),
            review_range=(int(review_bounds[code]), int(review_bounds[code + 1])),
            store=store,
        )
    return out
