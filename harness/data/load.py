"""Loads ``products_all.csv`` and ``reviews_all.csv`` into canonical frames plus a quality report.

The column names and dtypes here are the contract in docs/architecture.md ("Loaded exports"); the
facts engine builds on them. Rows are dropped only for reasons the report names and counts:
products without an id or with an id already seen (keep first), reviews without a product id or
with a rating outside 1..5. Everything else odd is kept, set missing, and counted.

Loading stays close to pyarrow's parse of the two files: columns are typed in Arrow
(:mod:`harness.data.columns`, :mod:`harness.data.literals`), review ids and platforms are
dictionary-encoded (a pandas categorical: 5 million ids, hashed once), and the review text, the
largest column by far, is kept only when asked for (``review_text=False`` keeps just whether each
review has text, which is all the market facts need).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from harness.data import columns
from harness.data.csvread import read_text_table
from harness.data.literals import parse_literals
from harness.data.quality import FileQuality, QualityReport
from harness.data.values import LITERAL_SHAPES, typed_numbers
from harness.facts.defaults import growth_window

PRODUCT_REQUIRED = ("id", "name", "category_id", "category")
PRODUCT_OPTIONAL = (
    "manufacturer", "review_count", "average_rating", "min_price", "review_rating_distribution",
    "review_tags", "specifications", "unit_price", "price_trend", "updated_at",
)
PRODUCT_COLUMNS = PRODUCT_REQUIRED + PRODUCT_OPTIONAL
REVIEW_REQUIRED = ("product_id", "review_date", "rating")
TEXT_ALIASES = ("review_text", "review_content", "content", "text", "body")
REVIEW_COLUMNS = ("product_id", "review_date", "rating", "review_text", "platform", "has_text")
_NUMERIC = {"review_count": "Int64", "average_rating": "Float64", "min_price": "Float64"}
_PRODUCT_LABELS = ("category_id", "category", "manufacturer")  # few distinct values: cleaned once each
# Review columns whose values repeat across millions of rows: parsed once per distinct value.
_REVIEW_REPEATS = ("product_id", "review_date", "rating", "platform")
_LITERALS = ("review_rating_distribution", "review_tags", "specifications", "price_trend")


@dataclass(frozen=True)
class Exports:
    """Both loaded frames and the report of what loading found."""

    products: pd.DataFrame
    reviews: pd.DataFrame
    quality: QualityReport


@dataclass(frozen=True)
class LoadedReviews:
    """Reviews with their file-level counts (the cross-file counts live on QualityReport)."""

    frame: pd.DataFrame
    file: FileQuality
    text_column: str | None
    ratings_out_of_range: int
    ratings_missing: int
    dates_missing: int
    dates_unparseable: int
    unknown_product: int
    without_text: int
    years: dict[int, int]


def _text_column(table: pa.Table, name: str) -> pa.Array:
    return table.column(name).combine_chunks() if name in table.column_names else pa.nulls(table.num_rows, pa.string())


def _category_path(cells: pa.Array) -> pa.Array:
    """A category path trimmed, levels joined by a bare ``>``, missing when empty."""
    joined = pc.replace_substring_regex(columns.trimmed(cells), r"\s*>\s*", ">")
    return columns.blank_to_null(joined)


def load_products(path: str | Path) -> tuple[pd.DataFrame, QualityReport]:
    """Loads a products export into the canonical product columns.

    Returns:
        The frame (one row per unique id, first occurrence kept) and a report with the product
        counts filled in (``reviews`` is None).

    Raises:
        InputError: the file cannot be read as a products CSV (see :func:`read_text_table`).
    """
    raw = read_text_table(path, PRODUCT_REQUIRED, PRODUCT_COLUMNS, dictionary=_PRODUCT_LABELS)
    table = raw.table
    file = FileQuality(path=str(path), encoding=raw.encoding, rows_read=raw.rows_read)
    file.missing_optional_columns = [c for c in PRODUCT_OPTIONAL if c not in table.column_names]

    out: dict[str, pd.Series | pd.api.extensions.ExtensionArray] = {}
    out["id"] = columns.as_str(columns.ids(table.column("id")))
    out["name"] = columns.as_str(columns.trimmed(table.column("name")))
    out["category_id"] = columns.as_str(columns.per_distinct(table.column("category_id"), columns.ids))
    out["category"] = columns.as_str(columns.per_distinct(table.column("category"), _category_path))
    out["manufacturer"] = columns.as_str(columns.per_distinct(_text_column(table, "manufacturer"),
                                                              columns.optional_text))
    for column, dtype in _NUMERIC.items():
        numbers, _, failed = columns.numbers(_text_column(table, column))
        out[column], failed = typed_numbers(numbers, dtype, failed)
        if failed:
            file.coerce_failures[column] = failed
    for column in _LITERALS:
        parsed, failed = parse_literals(_text_column(table, column), column)
        out[column] = pd.Series(pd.arrays.ArrowExtensionArray(parsed))
        if failed:
            file.bad_literals[column] = failed
    for column in ("unit_price", "updated_at"):
        out[column] = columns.as_str(columns.optional_text(_text_column(table, column)))
    del table, raw
    frame = pd.DataFrame({column: out[column] for column in PRODUCT_COLUMNS})

    no_id = frame["id"].isna()
    file.drop("missing id", int(no_id.sum()))
    duplicated = frame["id"].duplicated(keep="first") & ~no_id
    file.drop("duplicate id (kept first)", int(duplicated.sum()))
    kept = ~(no_id | duplicated)
    frame = frame if kept.all() else frame[kept].reset_index(drop=True)
    file.rows_kept = len(frame)

    report = QualityReport(
        products=file,
        products_without_brand=int(frame["manufacturer"].isna().sum()),
        products_without_category=int((frame["category"].isna() | frame["category_id"].isna()).sum()),
        duplicate_product_ids=int(duplicated.sum()),
    )
    assert sum(file.dropped.values()) + file.rows_kept == file.rows_read
    return frame, report


def _review_columns(header: list[str]) -> list[str]:
    """The review columns to parse: the required ones, the first text alias present, the platform."""
    text = next((alias for alias in TEXT_ALIASES if alias in header), None)
    return [*REVIEW_REQUIRED, *([text] if text else []), "platform"]


def load_reviews(
    path: str | Path, known_product_ids: pd.Series | set[str] | None = None, *, review_text: bool = True
) -> LoadedReviews:
    """Loads a reviews export into the canonical review columns.

    Args:
        path: the reviews CSV.
        known_product_ids: product ids to join against; reviews of other ids are kept and
            counted as unknown. None skips the count.
        review_text: keep the text (``review_text``); False leaves the column out and keeps only
            ``has_text`` (the text is parsed as bytes and dropped: about half the parse time and
            nearly all the memory of a large export).

    Raises:
        InputError: the file cannot be read as a reviews CSV.
    """
    raw = read_text_table(path, REVIEW_REQUIRED, _review_columns, dictionary=_REVIEW_REPEATS,
                          presence=() if review_text else TEXT_ALIASES)  # fmt: skip
    table = raw.table
    text_column = next((alias for alias in TEXT_ALIASES if alias in table.column_names), None)
    file = FileQuality(path=str(path), encoding=raw.encoding, rows_read=raw.rows_read)
    file.missing_optional_columns = [c for c in ("review_text", "platform")
                                     if (c == "review_text" and text_column is None)
                                     or (c == "platform" and c not in table.column_names)]

    product_id = columns.categorical(table.column("product_id"), columns.ids)
    dates, date_empty, _ = columns.dates(table.column("review_date"))
    rating, _, rating_bad = columns.numbers(table.column("rating"))
    if rating_bad:
        file.coerce_failures["rating"] = rating_bad
    text = table.column(text_column) if text_column else None
    if text is None:
        has_text = np.zeros(table.num_rows, dtype=bool)
    elif pa.types.is_boolean(text.type):  # read for presence only (review_text=False)
        has_text, text = np.asarray(text.to_numpy(), dtype=bool), None
    else:
        has_text = columns.present_text(text)
    platform = columns.categorical(table.column("platform")) if "platform" in table.column_names else None
    del table, raw

    no_product = product_id.codes < 0
    out_of_range = ~np.isnan(rating) & ((rating < 1) | (rating > 5)) & ~no_product
    file.drop("missing product_id", int(no_product.sum()))
    file.drop("rating outside 1..5", int(out_of_range.sum()))
    keep = ~(no_product | out_of_range)
    dates_missing = int((date_empty & keep).sum())
    dates_unparseable = int((np.isnat(dates) & ~date_empty & keep).sum())
    rows = None if keep.all() else np.flatnonzero(keep)

    def kept(values):
        return values if rows is None else values[rows]

    ratings = kept(rating)
    ratings_missing = np.isnan(ratings)
    frame = pd.DataFrame({
        "product_id": kept(product_id),
        "review_date": kept(dates),
        "rating": pd.arrays.FloatingArray(ratings, ratings_missing),
    })
    if review_text:
        if text is None:
            texts = pa.chunked_array([pa.nulls(len(frame), pa.string())])
        else:
            blocks = columns.without_blanks(text, has_text).chunks
            del text  # now `blocks` alone holds the text: filtering frees each block as it goes
            texts = columns.filter_blocks(blocks, keep)
        frame["review_text"] = columns.as_str(texts)
    frame["platform"] = kept(platform) if platform is not None else pd.Series(pd.NA, index=frame.index, dtype="str")
    frame["has_text"] = kept(has_text)
    file.rows_kept = len(frame)

    unknown = 0 if known_product_ids is None else unknown_products(frame["product_id"], known_product_ids)
    assert sum(file.dropped.values()) + file.rows_kept == file.rows_read
    return LoadedReviews(
        frame=frame[[c for c in REVIEW_COLUMNS if c in frame.columns]],
        file=file,
        text_column=text_column,
        ratings_out_of_range=int(out_of_range.sum()),
        ratings_missing=int(ratings_missing.sum()),
        dates_missing=dates_missing,
        dates_unparseable=dates_unparseable,
        unknown_product=unknown,
        without_text=int((~frame["has_text"]).sum()),
        years=review_years(frame["review_date"]),
    )


def unknown_products(product_id: pd.Series, known_product_ids: pd.Series | set[str]) -> int:
    """Reviews whose (categorical) product id is not among ``known_product_ids``: one lookup per
    distinct id, not per review."""
    known = pa.array(list(known_product_ids) if isinstance(known_product_ids, set) else
                     pd.Series(known_product_ids).astype("str").array, type=pa.string())  # fmt: skip
    ids = pa.array(product_id.cat.categories.astype("str").array, type=pa.string())
    known_id = np.append(np.asarray(pc.is_in(ids, value_set=known).to_numpy(zero_copy_only=False)), False)
    return int((~known_id[product_id.cat.codes.to_numpy()]).sum())


def review_years(dates: pd.Series) -> dict[int, int]:
    """Reviews per year of their date, in year order (undated reviews are not counted)."""
    counts = dates.dt.year.value_counts(dropna=True)
    return {int(year): int(n) for year, n in sorted(counts.items())}


def load_exports(products_path: str | Path, reviews_path: str | Path, *, review_text: bool = True) -> Exports:
    """Loads both exports; reviews are joined against the kept product ids for the report.

    Args:
        review_text: keep the review text (insights need it); False keeps only ``has_text``.

    Raises:
        InputError: either file is unreadable or malformed (one line: file, where, problem).
    """
    # The two files load side by side: most of the typing is Arrow and numpy work that releases
    # the GIL, so on a 2-core machine each file's single-threaded stretches overlap the other's.
    with ThreadPoolExecutor(max_workers=1) as pool:
        reviews = pool.submit(load_reviews, reviews_path, review_text=review_text)
        try:
            products, report = load_products(products_path)
        except BaseException:
            reviews.cancel()
            raise
        loaded = reviews.result()
    loaded = replace(loaded, unknown_product=unknown_products(loaded.frame["product_id"], products["id"]))
    report.reviews = loaded.file
    report.text_column = loaded.text_column
    report.ratings_out_of_range = loaded.ratings_out_of_range
    report.ratings_missing = loaded.ratings_missing
    report.dates_missing = loaded.dates_missing
    report.dates_unparseable = loaded.dates_unparseable
    report.reviews_unknown_product = loaded.unknown_product
    report.reviews_without_text = loaded.without_text
    report.review_years = loaded.years
    years = list(loaded.years)
    report.set_growth_years(growth_window(years[0], years[-1]) if years else (), "export")
    return Exports(products=products, reviews=loaded.frame, quality=report)


__all__ = [
    "LITERAL_SHAPES", "PRODUCT_COLUMNS", "REVIEW_COLUMNS", "TEXT_ALIASES", "Exports", "LoadedReviews",
    "load_exports", "load_products", "load_reviews",
]
