"""Per-product arrays from the loader's Arrow-typed literal columns, without a Python object per cell.

``harness.data.load`` hands over the four literal columns as Arrow arrays (a struct of star
counts, a list of tags, a map of specifications, a list of price points; ``harness.data.literals``).
Here each becomes the array :class:`harness.facts.products.ProductArrays` holds, with Arrow and
numpy kernels over all products at once. The semantics are those of the per-row parsers in
:mod:`harness.facts.products` (``_rating_dist_rows``, ``_price_6m_of``, ``_tags_rows``,
``_segments_rows``), which stay the reference for any other column type;
``tests/facts/test_arrow_products.py`` checks each function against them on generated columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from harness.facts.products import (
    _EXACT,
    _STARS,
    PRICE_CHANGE_PERIOD,
    Labels,
    _rating_dist,
    segment_labels,
    tag_labels,
)


def arrow_column(products: pd.DataFrame, name: str) -> pa.Array | None:
    """The column as one Arrow array when the frame holds it Arrow-typed (the loader's), else None."""
    if name not in products.columns or not isinstance(products[name].dtype, pd.ArrowDtype):
        return None
    array = products[name].array.__arrow_array__()
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _numpy(array: pa.Array, fill: object) -> np.ndarray:
    return np.asarray(pc.fill_null(array, fill).to_numpy(zero_copy_only=False))


def _flat_with_owner(lists: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """List (or map) items in order and, per item, the row it belongs to."""
    if isinstance(lists, pa.MapArray):  # the list kernels take a map as the list of its entries
        lists = pa.ListArray.from_arrays(lists.offsets, lists.values, mask=lists.is_null())
    return pc.list_flatten(lists), _numpy(pc.list_parent_indices(lists), 0).astype(np.int64)


def rating_dist(values: pa.StructArray) -> np.ndarray:
    """(n, 5) star counts; NaN rows where the distribution is null, a null count is 0."""
    counts = np.column_stack([_numpy(values.field(star), 0).astype(np.int64) for star in _STARS]) if len(values) else (
        np.zeros((0, 5), dtype=np.int64))
    if counts.size and np.abs(counts).max() >= _EXACT:  # float conversion may round: the row parser decides
        return _rating_dist(np.array(values.to_pylist() + [None], dtype=object)[:-1])
    out = counts.astype(np.float64)
    out[~_numpy(values.is_valid(), False).astype(bool)] = np.nan
    return out


def price_6m(values: pa.ListArray) -> np.ndarray:
    """The last 6개월 point's price per product (NaN without one, or when its price is missing)."""
    points, owner = _flat_with_owner(values)
    period = pc.struct_field(points, "period")
    hit = _numpy(pc.equal(period, PRICE_CHANGE_PERIOD), False).astype(bool)
    # A period that only equals 6개월 once stripped ("6개월 "): Python's strip decides, per point.
    loose = np.flatnonzero(~hit & _numpy(pc.match_substring(period, PRICE_CHANGE_PERIOD), False).astype(bool))
    for index, text in zip(loose.tolist(), period.take(pa.array(loose)).to_pylist(), strict=True):
        hit[index] = text.strip() == PRICE_CHANGE_PERIOD
    out = np.full(len(values), np.nan)
    found = np.flatnonzero(hit)
    if len(found):
        last = found[np.append(owner[found][1:] != owner[found][:-1], True)]  # the last hit per product
        out[owner[last]] = _numpy(pc.struct_field(points, "price").take(pa.array(last)), np.nan).astype(np.float64)
    return out


def _codes(values: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Code per value into its distinct values, in order of first appearance."""
    encoded = pc.dictionary_encode(values)
    return _numpy(encoded.indices, 0).astype(np.int64), encoded.dictionary.to_pylist()


def tags(values: pa.ListArray) -> Labels:
    """Each product's distinct non-blank review tags (missing tags are skipped)."""
    flat, owner = _flat_with_owner(values)
    present = _numpy(flat.is_valid(), False).astype(bool)
    if not present.all():
        flat, owner = flat.filter(pa.array(present)), owner[present]
    codes, uniques = _codes(flat)
    return tag_labels(codes, uniques, owner, len(values))


def segments(values: pa.MapArray) -> Labels:
    """Each product's distinct "<segment>: <value>" labels (entries with a missing value skipped)."""
    entries, owner = _flat_with_owner(values)
    keys, items = pc.struct_field(entries, "key"), pc.struct_field(entries, "value")
    present = _numpy(items.is_valid(), False).astype(bool)
    if not present.all():
        keys, items, owner = keys.filter(pa.array(present)), items.filter(pa.array(present)), owner[present]
    return segment_labels(*_codes(keys), *_codes(items), owner, len(values))
