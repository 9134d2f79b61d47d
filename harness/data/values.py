"""Typing of export cells, one at a time: the reference rules, counting what fails.

Exports are written by several tools: literals come as Python repr (``{'1': 3}``) or JSON
(``{"1": 3}``), numbers with thousands separators or units (``"12,900원"``), ids as ``123`` or
``123.0``. Each rule converts what it can and the callers count the cells it could not, so the
loader reports them instead of failing the whole file. The loader types whole columns in
:mod:`harness.data.columns` and :mod:`harness.data.literals`, which hand every cell outside the
usual spelling to these rules; the pandas-facing helpers here (``to_number``, ``to_dates``,
``normalize_ids``, ``optional_text``) run the same column code on a Series.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from harness.data import columns

_NUMBER_JUNK = r"[,\s원점개건%]"


def normalize_ids(values: pd.Series) -> pd.Series:
    """Ids as trimmed text; ``123.0`` (a float-written integer id) becomes ``123``; "" becomes NA."""
    return _series(columns.ids(_arrow_text(values)), values.index)


def optional_text(values: pd.Series) -> pd.Series:
    """Trimmed text with empty cells as missing."""
    return _series(columns.optional_text(_arrow_text(values)), values.index)


def _arrow_text(values: pd.Series) -> pa.Array:
    """The column as a pyarrow string array (zero-copy for pandas' Arrow-backed strings)."""
    array = pa.array(values.astype("str").array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _series(array: pa.Array, index: pd.Index) -> pd.Series:
    return columns.as_str(array).set_axis(index)


def clean_numbers(texts: list[str]) -> list[float]:
    """The per-cell number rule for cells that are not plain numbers: drop separators, units and
    blanks (``"12,900원"``), then read what is left (NaN when that is not a number)."""
    cleaned = pd.Series([re.sub(_NUMBER_JUNK, "", text) for text in texts], dtype=object)
    return pd.to_numeric(cleaned, errors="coerce").astype("float64").tolist()


def to_number(values: pd.Series, dtype: str) -> tuple[pd.Series, int]:
    """Numbers from text such as ``4.5``, ``"12,900"`` or ``"12,900원"``.

    Returns:
        The converted column (``dtype``: ``"Int64"`` or ``"Float64"``, NA where empty or bad)
        and the number of non-empty cells that did not parse (a fraction counts for ``"Int64"``).
    """
    numbers, _, failed = columns.numbers(_arrow_text(values))
    return typed_numbers(numbers, dtype, failed, values.index)


def typed_numbers(numbers: np.ndarray, dtype: str, failed: int, index: pd.Index | None = None) -> tuple[pd.Series, int]:
    """``numbers`` (float64, NaN missing) as a nullable ``dtype`` column; fractions fail for Int64."""
    series = pd.Series(numbers, index=index, dtype="float64")
    if dtype == "Int64":
        whole = series.where(series.isna() | (series == np.floor(series)))
        failed += int((series.notna() & whole.isna()).sum())
        return whole.astype("Float64").astype("Int64"), failed
    return series.astype("Float64"), failed


def parse_dates(texts: list[str]) -> np.ndarray:
    """The per-cell date rule (non-empty, trimmed cells): ISO 8601 (with or without time), else
    ``2024.03.05`` / ``2024/3/5`` normalised to dashes and read in any order pandas recognises.
    Returns ``datetime64[ns]`` values, NaT where neither reads."""
    text = pd.Series(texts, dtype="str")
    dates = pd.to_datetime(text, errors="coerce", format="ISO8601")
    retry = dates.isna()
    if retry.any():
        dashed = text[retry].str.replace(r"[./]", "-", regex=True).str.replace(r"-\s+", "-", regex=True)
        dashed = dashed.str.rstrip("-")
        again = pd.to_datetime(dashed, errors="coerce", format="mixed")
        dates = dates.astype("datetime64[ns]")
        dates[retry] = again.astype("datetime64[ns]")
    return dates.astype("datetime64[ns]").to_numpy()


def to_dates(values: pd.Series) -> tuple[pd.Series, int]:
    """Review dates as ``datetime64[ns]`` (NaT when empty or unparseable) and the number of
    non-empty cells that stayed unparseable (see :func:`harness.data.columns.dates`)."""
    dates, _, failed = columns.dates(_arrow_text(values))
    return pd.Series(dates, index=values.index), failed


def parse_literal(text: str) -> Any:
    """A JSON or Python-repr literal; raises ValueError when it is neither."""
    if "'" in text and '"' not in text and "\\" not in text:
        # Python repr of str/number containers differs from JSON only in its quotes, and json is
        # ~20x faster than literal_eval: that matters at 300,000 products x 4 literal columns.
        try:
            return json.loads(text.replace("'", '"'))
        except (json.JSONDecodeError, RecursionError):
            pass
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError("not a JSON or Python literal") from None


def _distribution(obj: Any) -> dict[str, int]:
    if not isinstance(obj, dict):
        raise TypeError("expected a dict")
    out = {str(k).strip(): int(float(v)) for k, v in obj.items()}
    if not set(out) <= {"1", "2", "3", "4", "5"}:
        raise ValueError("keys must be ratings 1..5")
    return {key: out.get(key, 0) for key in ("1", "2", "3", "4", "5")}


def _tags(obj: Any) -> list[str]:
    if not isinstance(obj, (list, tuple)):
        raise TypeError("expected a list")
    return [str(tag).strip() for tag in obj if str(tag).strip()]


def _specs(obj: Any) -> dict[str, str]:
    if not isinstance(obj, dict):
        raise TypeError("expected a dict")
    return {str(k).strip(): str(v).strip() for k, v in obj.items() if v is not None}


def _trend(obj: Any) -> list[dict[str, Any]]:
    if not isinstance(obj, (list, tuple)):
        raise TypeError("expected a list")
    points = []
    for item in obj:
        if not isinstance(item, dict) or "period" not in item or "price" not in item:
            raise ValueError("expected {'period', 'price'} items")
        points.append({"period": str(item["period"]).strip(), "price": float(item["price"])})
    return points


LITERAL_SHAPES: dict[str, tuple[Callable[[Any], Any], Callable[[], Any]]] = {
    "review_rating_distribution": (_distribution, lambda: None),
    "review_tags": (_tags, list),
    "specifications": (_specs, dict),
    "price_trend": (_trend, list),
}


def parse_literal_column(values: pd.Series, column: str) -> tuple[pd.Series, int]:
    """Parses a literal column into its canonical shape (see :data:`LITERAL_SHAPES`).

    Empty cells become the column's empty value (``None``, ``[]`` or ``{}``); a cell that is not a
    literal of the right shape becomes the empty value too and is counted.

    Returns:
        The parsed object column and the number of bad cells.
    """
    shape, empty = LITERAL_SHAPES[column]
    cache: dict[str, Any] = {}
    failed = 0
    out: list[Any] = []
    for cell in values.astype("str").tolist():
        text = cell.strip()
        if not text or text in ("nan", "None", "null", "NaN"):
            out.append(empty())
            continue
        if text in cache:
            hit = cache[text]
            out.append(empty() if hit is _BAD else _copy(hit))
            if hit is _BAD:
                failed += 1
            continue
        try:
            value = shape(parse_literal(text))
        except (ValueError, TypeError, OverflowError):
            cache[text] = _BAD
            failed += 1
            out.append(empty())
            continue
        cache[text] = value
        out.append(value)
    return pd.Series(out, index=values.index, dtype=object), failed


_BAD = object()


def _copy(value: Any) -> Any:
    """Cached values are shared between cells; hand each cell its own container."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value
