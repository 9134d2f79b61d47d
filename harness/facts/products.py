"""Per-product columns as flat arrays, parsed once for every category at the same time.

The export's literal columns (rating distribution, price trend, specifications) are dicts and
lists; turning them into numeric arrays and segment labels in one pass over all products lets the
per-category work be array slicing instead of Python loops per category.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from harness.ids import category_key

# Spec keys that carry a market segment, and the segment name each one reports under.
SEGMENT_KEYS: dict[str, str] = {
    "연령": "연령",
    "사용연령": "연령",
    "사용 연령": "연령",
    "권장연령": "연령",
    "대상연령": "연령",
    "용량": "용량",
    "구성": "구성",
    "타입": "타입",
    "종류": "타입",
}
PRICE_CHANGE_PERIOD = "6개월"


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
        lengths = np.diff(self.offsets)[index]
        starts = self.offsets[:-1][index]
        flat = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
        return Labels(self.codes[flat], np.concatenate([[0], np.cumsum(lengths)]), self.names)

    def top(self, limit: int) -> list[tuple[str, int]]:
        """Most frequent labels (number of products carrying each), ties by label."""
        if self.codes.size == 0:
            return []
        codes, counts = np.unique(self.codes, return_counts=True)
        ranked = sorted(zip(counts.tolist(), self.names[codes].tolist()), key=lambda item: (-item[0], item[1]))
        return [(name, count) for count, name in ranked[:limit]]


def _labels(per_product: list[list[str]]) -> Labels:
    lengths = np.fromiter((len(labels) for labels in per_product), dtype=np.int64, count=len(per_product))
    flat = [label for labels in per_product for label in labels]
    codes, names = pd.factorize(pd.Series(flat, dtype=object)) if flat else (np.zeros(0, np.int64), [])
    return Labels(np.asarray(codes, dtype=np.int32), np.concatenate([[0], np.cumsum(lengths)]),
                  np.asarray(names, dtype=object))


@dataclass(frozen=True)
class ProductArrays:
    """Product columns in category order; every field has one entry per product."""

    ids: np.ndarray
    review_count: np.ndarray  # float64, the product table's count (NaN where missing)
    avg_rating: np.ndarray  # float64
    min_price: np.ndarray  # float64
    price_6m: np.ndarray  # float64, price_trend's 6개월 price
    brand: np.ndarray  # int32 code into brand_names, -1 for unbranded
    brand_names: np.ndarray  # object, shared by all slices
    rating_dist: np.ndarray  # float64 (n, 5); NaN rows where the product has no distribution
    tags: Labels  # the product's review_tags
    segments: Labels  # "연령: 3세이상" labels from specifications

    def take(self, index: np.ndarray | slice) -> ProductArrays:
        """The same arrays restricted to ``index`` (a slice gives views, an index array copies)."""
        return ProductArrays(
            ids=self.ids[index],
            review_count=self.review_count[index],
            avg_rating=self.avg_rating[index],
            min_price=self.min_price[index],
            price_6m=self.price_6m[index],
            brand=self.brand[index],
            brand_names=self.brand_names,
            rating_dist=self.rating_dist[index],
            tags=self.tags.take(index),
            segments=self.segments.take(index),
        )

    def __len__(self) -> int:
        return len(self.ids)


def unique_keys(uniques: Any) -> np.ndarray:
    """``category_key`` of distinct values; text ids (the loader's case) in one vectorised strip."""
    if isinstance(getattr(uniques, "dtype", None), pd.StringDtype) or pd.api.types.infer_dtype(uniques) == "string":
        return pd.Series(uniques).str.strip().to_numpy(dtype=object)
    return np.array([category_key(u) for u in uniques], dtype=object)


def text_keys(values: pd.Series) -> np.ndarray:
    """``category_key`` of every value (None where missing or blank), once per distinct value.

    Ids compare as text everywhere (``harness.ids``): 4, "4" and 4.0 are the same product.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.append(unique_keys(uniques), None)[codes]  # code -1 picks the trailing None
    return np.where(out == "", None, out)


def _float_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _object_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return frame[name].to_numpy(dtype=object, na_value=None)


def _numbers(values: list[Any]) -> np.ndarray:
    """Floats from a list of loosely typed numbers (None, numeric strings); NaN where not a number."""
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    return np.array(numbers.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)  # writable copy


_STARS = ("1", "2", "3", "4", "5")


def _rating_dist(values: np.ndarray) -> np.ndarray:
    """(n, 5) star counts; rows of NaN where the product has no distribution.

    The per-row work is five dict lookups into a flat list (300,000 products take well under a
    second); conversion to numbers happens once for the whole column.
    """
    flat: list[Any] = []
    missing = np.zeros(len(values), dtype=bool)
    for row, value in enumerate(values):
        if type(value) is dict:
            get = value.get
            if "1" in value or not value:
                flat.extend((get("1") or 0, get("2") or 0, get("3") or 0, get("4") or 0, get("5") or 0))
            else:  # integer keys
                flat.extend(get(k, get(str(k))) or 0 for k in range(1, 6))
        else:
            flat.extend((None,) * 5)
            missing[row] = True
    out = _numbers(flat).reshape(len(values), 5)
    out[~missing] = np.nan_to_num(out[~missing], nan=0.0)
    return out


def _price_6m(values: np.ndarray) -> np.ndarray:
    prices: list[Any] = []
    for value in values:
        found = None
        if type(value) is list or type(value) is tuple:
            for point in reversed(value):  # the last 6개월 point wins
                if type(point) is not dict:
                    continue
                period = point.get("period")
                if period == PRICE_CHANGE_PERIOD or str(period).strip() == PRICE_CHANGE_PERIOD:
                    found = point.get("price")
                    break
        prices.append(found)
    return _numbers(prices)


def _segments(values: np.ndarray) -> Labels:
    out: list[list[str]] = []
    names: dict[Any, str | None] = {}  # raw spec key -> segment name (keys repeat across products)
    made: dict[tuple[str, Any], str] = {}  # (segment, raw value) -> label (values repeat too)
    for value in values:
        labels: list[str] = []
        if type(value) is dict and value:
            for key, text in value.items():
                name = names.get(key, "")
                if name == "":
                    name = names[key] = SEGMENT_KEYS.get(str(key).strip())
                if name is None or text is None:
                    continue
                label = made.get((name, text))
                if label is None:
                    cleaned = str(text).strip()
                    label = made[(name, text)] = f"{name}: {cleaned}" if cleaned else ""
                if label and label not in labels:
                    labels.append(label)
        out.append(labels)
    return _labels(out)


def _tags(values: np.ndarray) -> Labels:
    out: list[list[str]] = []
    for value in values:
        if isinstance(value, (list, tuple, np.ndarray)) and len(value):
            tags = [t.strip() if type(t) is str else str(t).strip() for t in value if t is not None]
            out.append(list(dict.fromkeys(t for t in tags if t)) if len(tags) > 1 else [t for t in tags if t])
        else:
            out.append([])
    return _labels(out)


def product_arrays(products: pd.DataFrame) -> ProductArrays:
    """Parses every product column the facts need, in the frame's row order."""
    brands = products["manufacturer"] if "manufacturer" in products.columns else pd.Series([None] * len(products))
    brands = brands.astype("object").where(brands.notna(), None)
    cleaned = pd.Series([str(b).strip() if b is not None else "" for b in brands], dtype=object)
    cleaned = cleaned.where(cleaned != "", None)
    codes, names = pd.factorize(cleaned, use_na_sentinel=True)
    return ProductArrays(
        ids=text_keys(products["id"]),
        review_count=_float_column(products, "review_count"),
        avg_rating=_float_column(products, "average_rating"),
        min_price=_float_column(products, "min_price"),
        price_6m=_price_6m(_object_column(products, "price_trend")),
        brand=codes.astype(np.int32),
        brand_names=np.asarray(names, dtype=object),
        rating_dist=_rating_dist(_object_column(products, "review_rating_distribution")),
        tags=_tags(_object_column(products, "review_tags")),
        segments=_segments(_object_column(products, "specifications")),
    )
