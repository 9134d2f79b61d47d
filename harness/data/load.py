"""Loads ``products_all.csv`` and ``reviews_all.csv`` into canonical frames plus a quality report.

The column names and dtypes here are the contract in docs/architecture.md ("Loaded exports"); the
facts engine builds on them. Rows are dropped only for reasons the report names and counts:
products without an id or with an id already seen (keep first), reviews without a product id or
with a rating outside 1..5. Everything else odd is kept, set missing, and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from harness.data.csvread import read_text_table
from harness.data.quality import FileQuality, QualityReport
from harness.data.values import (
    LITERAL_SHAPES,
    normalize_ids,
    optional_text,
    parse_literal_column,
    to_dates,
    to_number,
)
from harness.facts.defaults import growth_window

PRODUCT_REQUIRED = ("id", "name", "category_id", "category")
PRODUCT_OPTIONAL = (
    "manufacturer", "review_count", "average_rating", "min_price", "review_rating_distribution",
    "review_tags", "specifications", "unit_price", "price_trend", "updated_at",
)
PRODUCT_COLUMNS = PRODUCT_REQUIRED + PRODUCT_OPTIONAL
REVIEW_REQUIRED = ("product_id", "review_date", "rating")
TEXT_ALIASES = ("review_text", "review_content", "content", "text", "body")
REVIEW_COLUMNS = ("product_id", "review_date", "rating", "review_text", "platform")
_NUMERIC = {"review_count": "Int64", "average_rating": "Float64", "min_price": "Float64"}


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


def load_products(path: str | Path) -> tuple[pd.DataFrame, QualityReport]:
    """Loads a products export into the canonical product columns.

    Returns:
        The frame (one row per unique id, first occurrence kept) and a report with the product
        counts filled in (``reviews`` is None).

    Raises:
        InputError: the file cannot be read as a products CSV (see :func:`read_text_table`).
    """
    raw = read_text_table(path, PRODUCT_REQUIRED, PRODUCT_COLUMNS)
    src = raw.frame
    file = FileQuality(path=str(path), encoding=raw.encoding, rows_read=raw.rows_read)
    file.missing_optional_columns = [c for c in PRODUCT_OPTIONAL if c not in src.columns]
    for column in file.missing_optional_columns:
        src[column] = ""

    out = pd.DataFrame(index=src.index)
    out["id"] = normalize_ids(src["id"])
    out["name"] = optional_text(src["name"]).fillna("")
    out["category_id"] = normalize_ids(src["category_id"])
    category = optional_text(src["category"]).str.replace(r"\s*>\s*", ">", regex=True)
    out["category"] = category
    out["manufacturer"] = optional_text(src["manufacturer"])
    for column, dtype in _NUMERIC.items():
        out[column], failed = to_number(src[column], dtype)
        if failed:
            file.coerce_failures[column] = failed
    for column in ("review_rating_distribution", "review_tags", "specifications"):
        out[column], failed = parse_literal_column(src[column], column)
        if failed:
            file.bad_literals[column] = failed
    out["unit_price"] = optional_text(src["unit_price"])
    out["price_trend"], failed = parse_literal_column(src["price_trend"], "price_trend")
    if failed:
        file.bad_literals["price_trend"] = failed
    out["updated_at"] = optional_text(src["updated_at"])
    out = out[list(PRODUCT_COLUMNS)]

    no_id = out["id"].isna()
    file.drop("missing id", int(no_id.sum()))
    out = out[~no_id]
    duplicated = out["id"].duplicated(keep="first")
    file.drop("duplicate id (kept first)", int(duplicated.sum()))
    out = out[~duplicated].reset_index(drop=True)
    file.rows_kept = len(out)

    report = QualityReport(
        products=file,
        products_without_brand=int(out["manufacturer"].isna().sum()),
        products_without_category=int((out["category"].isna() | out["category_id"].isna()).sum()),
        duplicate_product_ids=int(duplicated.sum()),
    )
    assert sum(file.dropped.values()) + file.rows_kept == file.rows_read
    return out, report


def load_reviews(path: str | Path, known_product_ids: pd.Series | set[str] | None = None) -> LoadedReviews:
    """Loads a reviews export into the canonical review columns.

    Args:
        path: the reviews CSV.
        known_product_ids: product ids to join against; reviews of other ids are kept and
            counted as unknown. None skips the count.

    Raises:
        InputError: the file cannot be read as a reviews CSV.
    """
    wanted = (*REVIEW_REQUIRED, *TEXT_ALIASES, "platform")
    raw = read_text_table(path, REVIEW_REQUIRED, wanted)
    src = raw.frame
    file = FileQuality(path=str(path), encoding=raw.encoding, rows_read=raw.rows_read)
    text_column = next((alias for alias in TEXT_ALIASES if alias in src.columns), None)
    file.missing_optional_columns = [c for c in ("review_text", "platform")
                                     if (c == "review_text" and text_column is None)
                                     or (c == "platform" and c not in src.columns)]

    # Columns are popped from the text frame as they are typed, so that on a 5-million-row export
    # the raw and typed copies of a column do not all live at once.
    out = pd.DataFrame(index=src.index)
    out["product_id"] = normalize_ids(src.pop("product_id"))
    raw_dates = src.pop("review_date")
    out["review_date"], _ = to_dates(raw_dates)
    date_empty = raw_dates.str.strip() == ""
    del raw_dates
    out["rating"], rating_bad = to_number(src.pop("rating"), "Float64")
    if rating_bad:
        file.coerce_failures["rating"] = rating_bad
    if text_column is None:
        out["review_text"] = pd.Series(pd.NA, index=src.index, dtype="str")
    else:
        text = src.pop(text_column)
        out["review_text"] = text.mask(text.str.strip() == "", pd.NA)
        del text
    out["platform"] = optional_text(src.pop("platform")) if "platform" in src.columns else pd.Series(
        pd.NA, index=src.index, dtype="str")
    del src, raw

    no_product = out["product_id"].isna()
    rating = out["rating"]
    out_of_range = (rating.notna() & ((rating < 1) | (rating > 5))).fillna(False).astype(bool)
    out_of_range &= ~no_product
    file.drop("missing product_id", int(no_product.sum()))
    file.drop("rating outside 1..5", int(out_of_range.sum()))
    keep = ~(no_product | out_of_range)
    dates_missing = int((date_empty & keep).sum())
    dates_unparseable = int((out["review_date"].isna() & ~date_empty & keep).sum())
    out = out[keep].reset_index(drop=True)
    file.rows_kept = len(out)

    unknown = 0
    if known_product_ids is not None:
        known = pd.Index(known_product_ids)
        unknown = int((~out["product_id"].isin(known)).sum())
    assert sum(file.dropped.values()) + file.rows_kept == file.rows_read
    return LoadedReviews(
        frame=out[list(REVIEW_COLUMNS)],
        file=file,
        text_column=text_column,
        ratings_out_of_range=int(out_of_range.sum()),
        ratings_missing=int(out["rating"].isna().sum()),
        dates_missing=dates_missing,
        dates_unparseable=dates_unparseable,
        unknown_product=unknown,
        without_text=int(out["review_text"].isna().sum()),
        years=review_years(out["review_date"]),
    )


def review_years(dates: pd.Series) -> dict[int, int]:
    """Reviews per year of their date, in year order (undated reviews are not counted)."""
    counts = dates.dt.year.value_counts(dropna=True)
    return {int(year): int(n) for year, n in sorted(counts.items())}


def load_exports(products_path: str | Path, reviews_path: str | Path) -> Exports:
    """Loads both exports; reviews are joined against the kept product ids for the report.

    Raises:
        InputError: either file is unreadable or malformed (one line: file, where, problem).
    """
    products, report = load_products(products_path)
    loaded = load_reviews(reviews_path, known_product_ids=products["id"])
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
