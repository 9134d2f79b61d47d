"""Per-product label lists (tags, segments) in CSR layout, and counting of integer codes.

Split from :mod:`harness.facts.products`, which re-exports these names: the label layout and
the counting helpers are shared by the object-column parsers there and the Arrow-column readers of
:mod:`harness.facts.arrow_products`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True, return_counts=True)`` by one sort.

    numpy's own ``unique`` carries a fixed cost of tens of microseconds per call (dtype dispatch,
    a hash pass); called a few times per category that was a visible part of 3,000 categories.
    Same results: sorted distinct values, each value's index into them, and their counts.
    """
    ordered = np.sort(values)
    first = np.empty(ordered.size, dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    distinct = ordered[first]
    counts = np.diff(np.append(np.flatnonzero(first), ordered.size))
    return distinct, np.searchsorted(distinct, values), counts


DENSE_CODES = 1 << 16  # code spaces up to this size are counted with np.bincount


def code_counts(
    codes: np.ndarray, size: int, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Distinct codes (sorted), how often each occurs, and optionally the weight sum of each.

    The same figures as ``np.unique(codes, return_inverse=True, return_counts=True)`` followed by
    ``np.bincount(inverse, weights)``; the weight of every bin is added in the same element order,
    so the sums are bit-identical. ``size`` is the code space (names), which picks a dense
    ``np.bincount`` or the sort-based :func:`sorted_unique`.
    """
    if size <= DENSE_CODES:
        occurrences = np.bincount(codes)
        distinct = np.flatnonzero(occurrences)
        sums = np.bincount(codes, weights=weights)[distinct] if weights is not None else None
        return distinct, occurrences[distinct], sums
    distinct, inverse, counts = sorted_unique(codes)
    sums = np.bincount(inverse, weights=weights, minlength=len(distinct)) if weights is not None else None
    return distinct, counts, sums


@dataclass(frozen=True)
class Labels:
    """Per-product label lists (tags, segments) as codes in one flat array (CSR layout).

    Product i's distinct labels are ``codes[offsets[i]:offsets[i + 1]]``; counting a category's
    labels is then one ``np.bincount`` over a slice instead of a Python loop over its products.
    """

    codes: np.ndarray  # int32 into names
    offsets: np.ndarray  # int64, len(products) + 1
    names: np.ndarray  # object

    def take(self, index: np.ndarray | slice) -> Labels:
        if isinstance(index, slice):
            lo, hi = self.offsets[index.start], self.offsets[index.stop]
            return Labels(self.codes[lo:hi], self.offsets[index.start : index.stop + 1] - lo, self.names)
        # Lengths from the chosen offsets only: ``np.diff`` over all offsets would cost O(all
        # products) per call, which the SFT builder pays for every product subsample.
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        elif index.size and index.min() < 0:
            index = np.where(index < 0, index + (len(self.offsets) - 1), index)
        starts = self.offsets[index]
        lengths = self.offsets[index + 1] - starts
        offsets = np.empty(len(lengths) + 1, dtype=np.int64)
        offsets[0] = 0
        np.cumsum(lengths, out=offsets[1:])
        flat = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return Labels(self.codes[flat], offsets, self.names)

    def top(self, limit: int) -> list[tuple[str, int]]:
        """Most frequent labels (number of products carrying each), ties by label."""
        if self.codes.size == 0:
            return []
        codes, counts, _ = code_counts(self.codes, len(self.names))
        ranked = sorted(zip(counts.tolist(), self.names[codes].tolist(), strict=True), key=lambda item: (-item[0], item[1]))
        return [(name, count) for count, name in ranked[:limit]]


def labels_from_lists(per_product: list[list[str]]) -> Labels:
    lengths = np.fromiter((len(labels) for labels in per_product), dtype=np.int64, count=len(per_product))
    flat = [label for labels in per_product for label in labels]
    codes, names = pd.factorize(pd.Series(flat, dtype=object)) if flat else (np.zeros(0, np.int64), [])
    return Labels(np.asarray(codes, dtype=np.int32), np.concatenate([[0], np.cumsum(lengths)]),
                  np.asarray(names, dtype=object))


def distinct_labels(owner: np.ndarray, label: np.ndarray, n: int, names: list[str]) -> Labels:
    """CSR labels from (product, label code) pairs: one entry per distinct pair, in product order."""
    keep = label >= 0
    width = max(len(names), 1)
    pairs = np.sort(owner[keep].astype(np.int64) * width + label[keep])
    pairs = pairs[np.append(True, pairs[1:] != pairs[:-1])] if pairs.size else pairs
    products = pairs // width
    return Labels(
        (pairs - products * width).astype(np.int32),
        np.concatenate([[0], np.cumsum(np.bincount(products, minlength=n)[:n])]).astype(np.int64),
        np.asarray(names, dtype=object),
    )


def label_codes(texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """Code per text into a list of distinct non-empty labels (-1 for an empty label)."""
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(t, len(index)) if t else -1 for t in texts), dtype=np.int64,
                        count=len(texts))
    return codes, list(index)
