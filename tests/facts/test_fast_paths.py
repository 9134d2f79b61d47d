"""Differential tests: every fast path of the facts engine against the reference it claims to equal.

``facts/products.py`` keeps a vectorised parser per literal column beside a per-row parser that
defines the semantics (a fast path returns the same result or declines with None);
``linear_quantiles``, ``median``, ``sorted_unique`` and ``code_counts`` claim numpy's results
bit for bit. Hypothesis feeds both sides the same input, including the shapes a fast path must
decline (missing stars, integer keys, huge counts, non-text tags, NaN). These hold the contracts,
not the implementations, so a rewrite of either side keeps being checked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from harness.facts import products
from harness.facts.market import PRICE_QUANTILES, linear_quantiles, median
from harness.facts.products import code_counts, sorted_unique

NUMBERS = st.one_of(
    st.none(),
    st.integers(-(2**60), 2**60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -0.0, 2**53, 2**53 + 1, 1e300]),
)
TEXT = st.one_of(st.text(alphabet="ab 가나\t", max_size=6), st.sampled_from(["  연령 ", "용량", " ", ""]))


def _cells(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _same_floats(a: np.ndarray, b: np.ndarray, zero_sign: bool = True) -> bool:
    """Equal shape, equal values with NaN equal to NaN, and (``zero_sign``) the same sign of zero."""
    if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
        return False
    return not zero_sign or np.array_equal(np.signbit(a), np.signbit(b))


def _fast_equals_rows(cells: list[Any], parser: str, same: Callable[[Any, Any], bool]) -> None:
    """``<parser>_fast`` equals ``<parser>_rows`` or declines; ``<parser>`` (fast, else rows) always equals rows."""
    values = _cells(cells)
    rows = getattr(products, f"{parser}_rows")(values)
    fast = getattr(products, f"{parser}_fast")(values)
    if fast is not None:
        assert same(fast, rows)
    assert same(getattr(products, parser)(values), rows)


_STAR_DICT = st.fixed_dictionaries(dict.fromkeys(("1", "2", "3", "4", "5"), NUMBERS))
_DISTRIBUTION = st.one_of(
    _STAR_DICT,
    _STAR_DICT,
    st.dictionaries(st.sampled_from(["1", "2", "3", "4", "5", "6"]), NUMBERS, max_size=6),  # stars missing
    st.dictionaries(st.integers(1, 5), NUMBERS, max_size=5),  # integer keys
    st.none(),
    st.text(max_size=3),
    st.lists(st.integers(0, 9), max_size=5),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_DISTRIBUTION, max_size=12))
def test_rating_distribution__fast_path_equals_row_parser_or_declines(cells: list[Any]) -> None:
    _fast_equals_rows(cells, "_rating_dist", _same_floats)


_POINT = st.one_of(
    st.fixed_dictionaries({"period": st.sampled_from(["1개월", "3개월", "6개월", " 6개월 ", None, 6]), "price": NUMBERS}),
    st.fixed_dictionaries({"price": NUMBERS}),
    st.none(),
    st.integers(),
)
_TREND = st.one_of(st.lists(_POINT, max_size=4), st.lists(_POINT, max_size=3).map(tuple), st.none(), st.text(max_size=3))


@settings(max_examples=200, deadline=None)
@given(st.lists(_TREND, max_size=12))
def test_price_6m__fast_path_equals_the_full_rule(cells: list[Any]) -> None:
    values = _cells(cells)
    reference = products._numbers([products._price_6m_of(v) for v in cells])
    assert _same_floats(products._price_6m(values), reference)


def _per_product(labels: products.Labels) -> list[list[str]]:
    """Each product's labels, sorted (the engine counts labels; their order within a product is not a result)."""
    names, codes, offsets = labels.names, labels.codes, labels.offsets
    return [sorted(names[codes[offsets[i] : offsets[i + 1]]].tolist()) for i in range(len(offsets) - 1)]


def _same_labels(fast: products.Labels, rows: products.Labels) -> bool:
    return _per_product(fast) == _per_product(rows) and fast.top(50) == rows.top(50)


_TAG = st.one_of(TEXT, TEXT, st.none(), st.integers(0, 3), st.floats(allow_nan=True))
_TAGS = st.one_of(st.lists(_TAG, max_size=5), st.lists(TEXT, max_size=5), st.none(), st.lists(TEXT, max_size=3).map(tuple))


@settings(max_examples=200, deadline=None)
@given(st.lists(_TAGS, max_size=12))
def test_tags__fast_path_equals_row_parser_or_declines(cells: list[Any]) -> None:
    _fast_equals_rows(cells, "_tags", _same_labels)


_SPEC_KEY = st.one_of(st.sampled_from(list(products.SEGMENT_KEYS) + [" 연령", "색상", "구성 "]), TEXT, st.integers(0, 2))
_SPEC_VALUE = st.one_of(TEXT, TEXT, st.none(), st.integers(0, 3), st.floats(allow_nan=True))
_SPECS = st.one_of(st.dictionaries(_SPEC_KEY, _SPEC_VALUE, max_size=4), st.none(), st.text(max_size=3))


@settings(max_examples=200, deadline=None)
@given(st.lists(_SPECS, max_size=12))
def test_segments__fast_path_equals_row_parser_or_declines(cells: list[Any]) -> None:
    _fast_equals_rows(cells, "_segments", _same_labels)


_FLOATS = hnp.arrays(
    np.float64,
    st.integers(0, 40),
    elements=st.one_of(st.floats(-1e12, 1e12), st.sampled_from([0.0, -0.0, 1.5, 1e-300]), st.floats(allow_nan=True)),
)


@settings(max_examples=250, deadline=None)
@given(_FLOATS, st.lists(st.floats(0, 1), min_size=1, max_size=6))
def test_linear_quantiles__bit_identical_to_numpy(values: np.ndarray, extra: list[float]) -> None:
    for points in (np.array(list(PRICE_QUANTILES.values())), np.array(extra)):
        if values.size == 0:
            continue  # numpy raises on an empty array; the engine never asks
        with np.errstate(invalid="ignore"):  # inf - inf inside numpy's own interpolation
            ours, theirs = np.array(linear_quantiles(values, points)), np.quantile(values, points)
        # numpy partitions, we sort: 0.0 and -0.0 are equal and may trade places, so a zero's sign
        # may differ (found by this test); every other value is bit-identical.
        assert _same_floats(ours, theirs, zero_sign=False)
        if not np.any(values == 0):
            assert ours.tobytes() == theirs.tobytes()


@settings(max_examples=250, deadline=None)
@given(_FLOATS.filter(lambda a: a.size > 0))
def test_median__equals_numpy(values: np.ndarray) -> None:
    ours, theirs = median(values), float(np.median(values))
    assert ours == theirs or (math.isnan(ours) and math.isnan(theirs))


_CODES = st.one_of(
    hnp.arrays(np.int64, st.integers(0, 60), elements=st.integers(0, 9)),
    hnp.arrays(np.int64, st.integers(0, 60), elements=st.integers(-(2**40), 2**40)),
)


@settings(max_examples=250, deadline=None)
@given(_CODES)
def test_sorted_unique__equals_numpy_unique(values: np.ndarray) -> None:
    distinct, inverse, counts = sorted_unique(values)
    expected = np.unique(values, return_inverse=True, return_counts=True)
    for ours, theirs in zip((distinct, inverse, counts), expected, strict=True):
        assert np.array_equal(ours, theirs.reshape(ours.shape))


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(np.int64, st.integers(0, 60), elements=st.integers(0, 70_000)),
    st.sampled_from([70_001, products.DENSE_CODES + 10]),
    st.booleans(),
)
def test_code_counts__equals_unique_then_bincount_bit_for_bit(codes: np.ndarray, size: int, weighted: bool) -> None:
    weights = np.linspace(0.1, 7.3, codes.size) ** 2 if weighted else None
    distinct, counts, sums = code_counts(codes, size, weights)
    expected, inverse, expected_counts = np.unique(codes, return_inverse=True, return_counts=True)
    assert np.array_equal(distinct, expected) and np.array_equal(counts, expected_counts)
    if weighted:
        assert sums is not None
        assert _same_floats(sums, np.bincount(inverse.reshape(-1), weights=weights, minlength=len(expected)))
    else:
        assert sums is None
