"""The four literal columns parsed whole: the export's usual spelling by Arrow kernels, the rest per cell.

Exports write ``review_rating_distribution``, ``review_tags``, ``specifications`` and
``price_trend`` as Python repr (``{'1': 0, '2': 3}``) or JSON (``{"1": 0, "2": 3}``) with ``, `` and
``: `` separators. A cell in exactly that spelling (strings without quotes of their own kind,
backslashes or control characters, plain decimal numbers, no blank at the edge of a value) is
checked and taken apart by regular expressions over the whole column at once. Every other cell
(other spacing, escapes, ``None``, numbers written as text, repeated keys, garbage) goes through
:func:`harness.data.values.parse_literal` and the column's shape, the reference semantics, one cell
at a time. Either way a cell gets the reference parser's value; only the speed differs
(``tests/data/test_literals.py`` checks this on generated cells).

The parsed columns are Arrow arrays: the distribution a struct of the five star counts (null
when absent), tags a list of strings, specifications a map of strings, the price trend a list of
``{period, price}`` structs. The facts engine reads them without building a Python object per cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from harness.data.columns import ascii_slice
from harness.data.values import parse_literal_column

STARS = ("1", "2", "3", "4", "5")
LITERAL_TYPES: dict[str, pa.DataType] = {
    "review_rating_distribution": pa.struct([(star, pa.int64()) for star in STARS]),
    "review_tags": pa.list_(pa.string()),
    "specifications": pa.map_(pa.string(), pa.string()),
    "price_trend": pa.list_(pa.struct([("period", pa.string()), ("price", pa.float64())])),
}
_INT = r"-?(?:0|[1-9]\d{0,14})"  # int(float(v)) is exact up to 2**53
_FLOAT = r"-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?"
# Python's str.isspace() characters (what str.strip() removes; tests/data/test_literals.py checks
# the list against every code point): a value that starts or ends with one takes the per-cell path.
PY_BLANKS = r"\x{9}-\x{d}\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_EDGE_BLANK = f"^[{PY_BLANKS}]|[{PY_BLANKS}]$"


def _string(quote: str) -> str:
    """A quoted string in ``quote`` without that quote, a backslash or a control character."""
    return f"{quote}[^{quote}\\\\\\x00-\\x1f\\x7f]*{quote}"


def _both(build: Callable[[str], str]) -> list[tuple[str, str]]:
    """The pattern in Python-repr quotes and in JSON quotes, with the quote it was built for."""
    return [(quote, build(quote)) for quote in ("'", '"')]


def _dist_pattern(q: str) -> str:
    fields = ", ".join(f"{q}{star}{q}: (?P<s{star}>{_INT})" for star in STARS)
    return f"^\\{{{fields}\\}}$"


def _tags_pattern(q: str) -> str:
    s = _string(q)
    return f"^\\[(?:{s}(?:, {s})*)?\\]$"


def _specs_pattern(q: str) -> str:
    s = _string(q)
    return f"^\\{{(?:{s}: {s}(?:, {s}: {s})*)?\\}}$"


def _point(q: str) -> str:
    return f"\\{{{q}period{q}: {_string(q)}, {q}price{q}: {_FLOAT}\\}}"


def _trend_pattern(q: str) -> str:
    return f"^\\[(?:{_point(q)}(?:, {_point(q)})*)?\\]$"


def _inner(cells: pa.Array) -> pa.Array:
    """The text between the opening and closing two characters: ``['a', 'b']`` -> ``a', 'b``."""
    return ascii_slice(cells, 2, -2)  # the two characters at each end are ASCII brackets and quotes


def _parents(lists: pa.ListArray) -> np.ndarray:
    return np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False), dtype=np.int64)


def _rows_with(flags: np.ndarray, parents: np.ndarray, n: int) -> np.ndarray:
    """Per row: whether any of its items is flagged."""
    return np.bincount(parents[flags], minlength=n)[:n] > 0 if flags.any() else np.zeros(n, dtype=bool)


def _edge_blank(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.match_substring_regex(values, _EDGE_BLANK).to_numpy(zero_copy_only=False), dtype=bool)


def _offsets(parents: np.ndarray, keep: np.ndarray, n: int) -> pa.Array:
    counts = np.bincount(parents[keep], minlength=n)[:n]
    return pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))


def _fast_distribution(cells: pa.Array, quote: str) -> tuple[pa.Array, np.ndarray]:
    parts = pc.extract_regex(cells, _dist_pattern(quote))
    stars = [pc.cast(parts.field(f"s{star}"), pa.int64()) for star in STARS]
    return pa.StructArray.from_arrays(stars, names=list(STARS)), np.ones(len(cells), dtype=bool)


def _fast_tags(cells: pa.Array, quote: str) -> tuple[pa.Array, np.ndarray]:
    lists = pc.split_pattern(_inner(cells), f"{quote}, {quote}")
    flat, parents = pc.list_flatten(lists), _parents(lists)
    accepted = ~_rows_with(_edge_blank(flat), parents, len(cells))
    keep = np.asarray(pc.not_equal(flat, "").to_numpy(zero_copy_only=False), dtype=bool)  # '' is dropped
    tags = pa.ListArray.from_arrays(_offsets(parents, keep, len(cells)), flat.filter(pa.array(keep)))
    return tags, accepted


def _fast_specs(cells: pa.Array, quote: str) -> tuple[pa.Array, np.ndarray]:
    inner = _inner(cells)
    pieces = pc.split_pattern_regex(inner, f"{quote}, {quote}|{quote}: {quote}")
    flat, parents = pc.list_flatten(pieces), _parents(pieces)
    empty = np.asarray(pc.equal(inner, "").to_numpy(zero_copy_only=False), dtype=bool)  # {} splits into [""]
    keep = ~empty[parents]
    flat, parents = flat.filter(pa.array(keep)), parents[keep]
    keys, items = flat.take(pa.array(np.arange(0, len(flat), 2))), flat.take(pa.array(np.arange(1, len(flat), 2)))
    owners = parents[::2]
    accepted = ~_rows_with(_edge_blank(flat), parents, len(cells))
    accepted &= ~_repeated_keys(keys, owners, len(cells))
    offsets = _offsets(owners, np.ones(len(owners), dtype=bool), len(cells))
    return pa.MapArray.from_arrays(offsets, keys, items), accepted


def _repeated_keys(keys: pa.Array, owners: np.ndarray, n: int) -> np.ndarray:
    """Per row: a key appears twice (a dict keeps the last value: the per-cell path decides)."""
    if not len(keys):
        return np.zeros(n, dtype=bool)
    codes = np.asarray(pc.dictionary_encode(keys).indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    pairs = owners * (int(codes.max()) + 1) + codes
    order = np.sort(pairs)
    repeated = order[1:][order[1:] == order[:-1]] // (int(codes.max()) + 1)
    out = np.zeros(n, dtype=bool)
    out[repeated] = True
    return out


def _fast_trend(cells: pa.Array, quote: str) -> tuple[pa.Array, np.ndarray]:
    inner = _inner(cells)
    pieces = pc.split_pattern(inner, "}, {")
    flat, parents = pc.list_flatten(pieces), _parents(pieces)
    empty = np.asarray(pc.equal(inner, "").to_numpy(zero_copy_only=False), dtype=bool)  # [] splits into [""]
    keep = ~empty[parents]
    flat, parents = flat.filter(pa.array(keep)), parents[keep]
    q = quote
    point = f"^{q}period{q}: {q}(?P<period>[^{q}\\\\\\x00-\\x1f\\x7f]*){q}, {q}price{q}: (?P<price>{_FLOAT})$"
    parts = pc.extract_regex(flat, point)
    # A period holding "}, {" splits its point in two; neither half matches and the row goes per cell.
    broken = ~np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False), dtype=bool)
    periods = pc.struct_field(parts, "period")
    accepted = ~_rows_with(broken | _edge_blank(pc.fill_null(periods, "")), parents, len(cells))
    points = pa.StructArray.from_arrays([periods, pc.cast(pc.struct_field(parts, "price"), pa.float64())],
                                        names=["period", "price"])
    offsets = _offsets(parents, np.ones(len(parents), dtype=bool), len(cells))
    return pa.ListArray.from_arrays(offsets, points), accepted


_FAST: dict[str, tuple[Callable[[str], str], Callable[[pa.Array, str], tuple[pa.Array, np.ndarray]]]] = {
    "review_rating_distribution": (_dist_pattern, _fast_distribution),
    "review_tags": (_tags_pattern, _fast_tags),
    "specifications": (_specs_pattern, _fast_specs),
    "price_trend": (_trend_pattern, _fast_trend),
}


def _reference(texts: list[str], column: str) -> tuple[list[Any], int]:
    """The per-cell parse (:func:`harness.data.values.parse_literal_column`): values and bad cells.

    A star count beyond int64 (no Arrow integer holds it) is one more bad cell.
    """
    parsed, failed = parse_literal_column(pd.Series(texts, dtype=object), column)
    values = parsed.tolist()
    if column == "review_rating_distribution":
        for index, value in enumerate(values):
            if value is not None and any(abs(count) >= 2**63 for count in value.values()):
                values[index] = None
                failed += 1
    return values, failed


def _to_arrow(values: list[Any], column: str) -> pa.Array:
    if column == "specifications":
        values = [list(v.items()) for v in values]
    return pa.array(values, type=LITERAL_TYPES[column])


def parse_literals(cells: pa.Array | pa.ChunkedArray, column: str) -> tuple[pa.Array, int]:
    """Parses one literal column (text, ``""`` for an empty cell) into its Arrow type.

    Returns:
        The parsed column (a cell that is empty or not a literal of the right shape gets the
        column's empty value: null, ``[]``, ``{}`` or ``[]``) and the number of bad cells.
    """
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    if cells.null_count:
        cells = pc.fill_null(cells, "")
    n = len(cells)
    pattern, fast = _FAST[column]
    parts: list[pa.Array] = []
    slot = np.full(n, -1, dtype=np.int64)  # position of each cell's value in the concatenated parts
    done = np.zeros(n, dtype=bool)
    taken = 0
    for quote, regex in _both(pattern):
        todo = np.flatnonzero(~done)
        if not len(todo):
            break
        scan = cells if len(todo) == n else cells.take(pa.array(todo))
        match = np.asarray(pc.match_substring_regex(scan, regex).to_numpy(zero_copy_only=False), dtype=bool)
        if not match.any():
            continue
        rows = todo[match]
        values, accepted = fast(scan.filter(pa.array(match)), quote)
        rows, values = rows[accepted], values.filter(pa.array(accepted))
        slot[rows] = taken + np.arange(len(rows))
        done[rows] = True
        parts.append(values)
        taken += len(rows)
    rest = np.flatnonzero(~done)
    slow, failed = _reference(cells.take(pa.array(rest)).to_pylist(), column) if len(rest) else ([], 0)
    if slow:
        parts.append(_to_arrow(slow, column))
        slot[rest] = taken + np.arange(len(rest))
    merged = pa.concat_arrays(parts) if len(parts) > 1 else parts[0] if parts else pa.array([], LITERAL_TYPES[column])
    if len(merged) == n and bool((slot == np.arange(n)).all()):
        return merged, failed
    return merged.take(pa.array(slot)), failed
