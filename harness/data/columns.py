"""Typing of whole export columns with Arrow kernels, counting what fails.

The loader's columns arrive as Arrow text (``harness.data.csvread``). Each function here types a
whole column at once: the usual spelling by vectorised kernels (trimming, a regular expression,
a cast), and only the cells in another spelling through the per-cell rules of
:mod:`harness.data.values`, which define the semantics. A 5-million-row review export is typed in
about the time pyarrow takes to parse it, without a Python object per cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_NULL_TEXT = pa.scalar(None, pa.string())
_FLOAT_ID = r"^(-?\d+)\.0+$"
_PLAIN_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
_ISO_DAY = r"^(?:19|2[01])\d\d-\d\d-\d\d$"  # years 1900-2199: always inside datetime64[ns]


def _flat(cells: pa.Array | pa.ChunkedArray) -> pa.Array:
    return cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells


def _bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def ascii_slice(text: pa.Array, start: int, stop: int) -> pa.Array:
    """``text[start:stop]`` by bytes: the same as by characters where those bytes are ASCII (and
    much cheaper: no UTF-8 decoding), which the callers' patterns make sure of."""
    large = pa.types.is_large_string(text.type)
    as_bytes = text.view(pa.large_binary() if large else pa.binary())
    return pc.binary_slice(as_bytes, start, stop).view(text.type)


def trimmed(cells: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Whitespace-trimmed text, ``""`` for a missing cell (pandas' ``.str.strip`` is the same kernel)."""
    return pc.fill_null(pc.utf8_trim_whitespace(_flat(cells)), "")


def blank_to_null(text: pa.Array) -> pa.Array:
    """``""`` becomes missing."""
    return pc.if_else(pc.equal(text, ""), _NULL_TEXT, text)


def ids(cells: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Ids as trimmed text; ``123.0`` (a float-written integer id) becomes ``123``; ``""`` is missing."""
    return blank_to_null(pc.replace_substring_regex(trimmed(cells), _FLOAT_ID, r"\1"))


def optional_text(cells: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Trimmed text with empty cells as missing."""
    return blank_to_null(trimmed(cells))


def per_distinct(cells: pa.Array | pa.ChunkedArray, clean: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``clean`` of every cell, computed once per distinct value when the column is dictionary-encoded
    (300,000 products share 3,000 category paths)."""
    cells = _flat(cells)
    if not pa.types.is_dictionary(cells.type):
        return clean(cells)
    return clean(cells.dictionary).take(cells.indices)


def as_str(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    """A pandas ``str`` column over the Arrow strings (no copy of the text)."""
    chunked = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return pd.Series(pd.arrays.ArrowStringArray(chunked), dtype="str")


def categorical(cells: pa.Array | pa.ChunkedArray, clean=optional_text) -> pd.Categorical:
    """A dictionary-encoded column as a pandas categorical of its ``clean`` values.

    ``clean`` runs once per distinct value, not per row; values that become equal (``" 12"``,
    ``"12.0"`` and ``"12"`` under :func:`ids`) share one category, and missing ones get code -1.
    """
    cells = _flat(cells)
    if not pa.types.is_dictionary(cells.type):
        cells = pc.dictionary_encode(cells)
    encoded = pc.dictionary_encode(clean(cells.dictionary))
    categories = encoded.dictionary
    remap = np.append(np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), np.int64), -1)
    codes = remap[np.asarray(pc.fill_null(cells.indices, -1).to_numpy(zero_copy_only=False), np.int64)]
    return pd.Categorical.from_codes(codes.astype(np.int32), categories=pd.Index(as_str(categories)))


def numbers(cells: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, int]:
    """Numbers from text such as ``4.5``, ``"12,900"`` or ``"12,900원"``.

    A column of plain numbers (the usual case: ratings, counts) is one pyarrow cast; otherwise
    plain numbers are cast and only the other cells go through the clean-up of
    :func:`harness.data.values.clean_numbers`. Either way a cell gets the same value.

    Returns:
        The values (float64, NaN where empty or bad), where a cell was present (non-empty), and
        the number of present cells that did not parse.
    """
    from harness.data.values import clean_numbers

    cells = _flat(cells)
    if pa.types.is_dictionary(cells.type):  # each distinct text once (ratings: a handful)
        values, present = _spread(cells, numbers)
        return values, present, int((present & np.isnan(values)).sum())
    whole = _cast_plain(cells)
    if whole is not None:
        values = whole
        present = _bools(pc.not_equal(cells, "")) if cells.null_count == 0 else _bools(pc.fill_null(
            pc.not_equal(cells, ""), False))
        retry = np.flatnonzero(present & ~np.isfinite(values))  # nan / inf spelled out: the full rule
    else:
        text = trimmed(cells)
        plain = pc.match_substring_regex(text, _PLAIN_NUMBER)
        parsed = pc.cast(pc.if_else(plain, text, _NULL_TEXT), pa.float64())
        values = np.array(pc.fill_null(parsed, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)
        present = _bools(pc.not_equal(text, ""))
        retry = np.flatnonzero(present & np.isnan(values))
    if len(retry):  # only the odd cells pay for the regex ("12,900원")
        odd = trimmed(cells.take(pa.array(retry)))
        plain = _bools(pc.match_substring_regex(odd, _PLAIN_NUMBER))
        again = np.array(pc.fill_null(pc.cast(pc.if_else(pa.array(plain), odd, _NULL_TEXT), pa.float64()), np.nan)
                         .to_numpy(zero_copy_only=False), dtype=np.float64)
        cleaned = np.array(clean_numbers(odd.to_pylist()), dtype=np.float64)
        values[retry] = np.where(plain, again, cleaned)
    return values, present, int((present & np.isnan(values)).sum())


def _spread(cells: pa.DictionaryArray, convert: Callable[[pa.Array], tuple[Any, ...]]) -> tuple[np.ndarray, ...]:
    """``convert``'s per-cell arrays for the distinct values, spread over the rows (its last item, a count, dropped)."""
    per_value = convert(cells.dictionary)[:-1]
    rows = np.asarray(pc.fill_null(cells.indices, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    return tuple(values[rows] for values in per_value)


def _cast_plain(cells: pa.Array) -> np.ndarray | None:
    """The whole column cast to float64 (empty cells NaN), or None when a cell is not a number
    pyarrow reads (then the cell-by-cell rule decides)."""
    try:
        parsed = pc.cast(pc.if_else(pc.equal(cells, ""), _NULL_TEXT, cells), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.array(pc.fill_null(parsed, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)


def dates(cells: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, int]:
    """Dates as ``datetime64[ns]`` (NaT when empty or unparseable).

    ``YYYY-MM-DD`` days (the usual spelling) are read digit by digit in numpy and checked against
    the calendar; every other cell (times, ``2024.03.05``, ``2024/3/5``, blanks around it,
    impossible days) goes through :func:`harness.data.values.parse_dates`, the reference rule,
    after the same trimming.

    Returns:
        The dates, where a cell was empty (or only whitespace), and the number of non-empty
        cells left unparsed.
    """
    from harness.data.values import parse_dates

    cells = _flat(cells)
    if pa.types.is_dictionary(cells.type):  # each distinct text once (reviews: a few thousand days)
        out, empty = _spread(cells, dates)
        return out, empty, int((~empty & np.isnat(out)).sum())
    empty = ~present_text(cells)
    out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[ns]")
    iso = np.flatnonzero(_bools(pc.match_substring_regex(cells, _ISO_DAY)))
    if len(iso):
        days, valid = _civil_days(cells, iso)
        out[iso[valid]] = (days[valid] * 86_400_000_000_000).view("datetime64[ns]")
    retry = np.flatnonzero(~empty & np.isnat(out))
    if len(retry):
        out[retry] = parse_dates(trimmed(cells.take(pa.array(retry))).to_pylist())
    return out, empty, int((~empty & np.isnat(out)).sum())


def _civil_days(cells: pa.Array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 of the ``YYYY-MM-DD`` cells at ``rows`` (ten ASCII bytes each), and
    which of them are real calendar days; digits are read straight from the Arrow buffers."""
    large = pa.types.is_large_string(cells.type)
    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int64 if large else np.int32)
    starts = offsets[cells.offset : cells.offset + len(cells)][rows].astype(np.int64)
    data = np.frombuffer(cells.buffers()[2], dtype=np.uint8)

    def number(*positions: int) -> np.ndarray:
        value = np.zeros(len(rows), dtype=np.int64)
        for position in positions:
            value = value * 10 + (data[starts + position] - 48)
        return value

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    length = _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    valid = (month >= 1) & (month <= 12) & (day >= 1) & (day <= length)
    # Howard Hinnant's days_from_civil (years here are positive).
    shifted = year - (month <= 2)
    era, year_of_era = shifted // 400, shifted % 400
    day_of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468, valid


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def present_text(cells: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Per cell: non-empty and not only whitespace.

    ``cells`` may be text, or bytes read for presence only (not decoded by the reader): a cell
    whose bytes are not UTF-8 then counts as text (it is not blank, whatever it says).
    """
    chunks = cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]
    parts = [np.zeros(0, dtype=bool)]
    for chunk in chunks:  # chunk by chunk: a 5-million-row text column is not copied into one
        large = pa.types.is_large_binary(chunk.type) or pa.types.is_large_string(chunk.type)
        as_bytes = chunk.view(pa.large_binary() if large else pa.binary())
        chunk = as_bytes.view(pa.large_string() if large else pa.string())
        try:
            blank = pc.utf8_is_space(chunk)
        except pa.ArrowInvalid:  # undecodable bytes: U+FFFD in their place is not whitespace either
            blank = pc.utf8_is_space(pa.array([None if cell is None else cell.decode("utf-8", "replace")
                                                for cell in as_bytes.to_pylist()], pa.string()))
        ok = pc.and_(pc.greater(pc.binary_length(chunk), 0), pc.invert(blank))
        parts.append(_bools(pc.fill_null(ok, False)))
    return np.concatenate(parts)


def without_blanks(text: pa.Array | pa.ChunkedArray, present: np.ndarray) -> pa.ChunkedArray:
    """``text`` with every cell that is not ``present`` set missing, sharing the text's buffers."""
    chunks, start = [], 0
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        mask = pa.array(present[start : start + len(chunk)])
        start += len(chunk)
        if chunk.offset or chunk.null_count:  # a slice's buffers start before it; existing nulls stay
            chunks.append(pc.if_else(mask, chunk, pa.scalar(None, chunk.type)))
        else:
            chunks.append(pa.Array.from_buffers(chunk.type, len(chunk), [mask.buffers()[1], *chunk.buffers()[1:]]))
    return pa.chunked_array(chunks, type=text.type)


def filter_blocks(blocks: list[pa.Array], keep: np.ndarray) -> pa.ChunkedArray:
    """The rows of the ``blocks`` (one column, in order) where ``keep`` is true.

    The list is emptied as it goes, so when the caller holds no other reference a large text
    column is never held twice (``ChunkedArray.take`` builds the whole copy first).
    """
    out, start = [], 0
    kind = blocks[0].type if blocks else pa.string()
    while blocks:
        block = blocks.pop(0)
        part = keep[start : start + len(block)]
        start += len(block)
        out.append(block if part.all() else block.filter(pa.array(part)))
        del block
    return pa.chunked_array(out, type=kind)
