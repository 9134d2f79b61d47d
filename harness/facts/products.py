"""Per-product columns as flat arrays, parsed once for every category at the same time.

The export's literal columns (rating distribution, price trend, specifications) are dicts and
lists; turning them into numeric arrays and segment labels in one pass over all products lets the
per-category work be array slicing instead of Python loops per category.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from harness.facts.labels import (
    DENSE_CODES,
    Labels,
    code_counts,
    distinct_labels,
    label_codes,
    labels_from_lists,
    sorted_unique,
)
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
__all__ = ["DENSE_CODES", "Labels", "ProductArrays", "code_counts", "product_arrays", "sorted_unique", "text_keys",
           "unique_keys"]


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
    out = np.append(unique_keys(uniques), np.array([None], dtype=object))[codes]  # code -1 picks the trailing None
    out[out == ""] = None  # a fresh array (fancy indexing copies)
    return out


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


def _rating_dist_rows(values: np.ndarray) -> np.ndarray:
    """(n, 5) star counts; rows of NaN where the product has no distribution (any cell shape).

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


def _segments_rows(values: np.ndarray) -> Labels:
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
    return labels_from_lists(out)


def _tags_rows(values: np.ndarray) -> Labels:
    out: list[list[str]] = []
    for value in values:
        if isinstance(value, (list, tuple, np.ndarray)) and len(value):
            tags = [t.strip() if type(t) is str else str(t).strip() for t in value if t is not None]
            out.append(list(dict.fromkeys(t for t in tags if t)) if len(tags) > 1 else [t for t in tags if t])
        else:
            out.append([])
    return labels_from_lists(out)


# Vectorised parsers. The loader hands over the literal columns in one canonical shape (dicts
# with "1".."5", lists of str, dicts of str, lists of {"period", "price"} dicts); for that shape
# the work is a few flat list comprehensions over all products plus numpy, with string work done
# once per distinct value. Any other cell shape (a frame built by hand, a legacy pickle) takes the
# per-row parsers above, which define the semantics: each fast path gives the same result or
# declines (``None``) before producing anything. (The price trend needs no fallback: its fast
# path handles the usual case inline and hands every other cell to the full per-row rule.)

_NUMBER_TYPES = frozenset({int, float, type(None)})
_STAR_GETTER = operator.itemgetter(*_STARS)
_EXACT = 2.0**53  # larger integers may round differently on the two conversion paths


def _types(values: Any) -> set[type]:
    return set(map(type, values))


def _rating_dist_fast(values: np.ndarray) -> np.ndarray | None:
    if _types(values) == {dict}:
        is_dict: np.ndarray | slice = slice(None)
        dicts = values.tolist()
    else:
        is_dict = np.fromiter((type(v) is dict for v in values), dtype=bool, count=len(values))
        dicts = values[is_dict].tolist()
    try:
        rows = list(map(_STAR_GETTER, dicts))  # KeyError: a distribution without all five stars
    except KeyError:
        return None
    flat = list(chain.from_iterable(rows))
    if not _types(flat) <= _NUMBER_TYPES:
        return None
    counts = np.array(flat, dtype=np.float64).reshape(len(dicts), 5)
    if counts.size and np.nanmax(np.abs(counts), initial=0.0) >= _EXACT:
        return None
    out = np.full((len(values), 5), np.nan)
    out[is_dict] = np.nan_to_num(counts, nan=0.0) + 0.0  # None is 0 (and -0.0 is 0) as in the row parser
    return out


def _rating_dist(values: np.ndarray) -> np.ndarray:
    """(n, 5) star counts; rows of NaN where the product has no distribution."""
    fast = _rating_dist_fast(values)
    return _rating_dist_rows(values) if fast is None else fast


def _price_6m_of(value: Any) -> Any:
    """One product's 6개월 price: the last point of its trend whose period is 6개월 (None if none)."""
    if type(value) is list or type(value) is tuple:
        for point in reversed(value):  # the last 6개월 point wins
            if type(point) is not dict:
                continue
            period = point.get("period")
            if period == PRICE_CHANGE_PERIOD or str(period).strip() == PRICE_CHANGE_PERIOD:
                return point.get("price")
    return None


def _float_numbers(values: list[Any]) -> np.ndarray:
    """:func:`_numbers`, converted directly when every value is already an int, float or None."""
    if _types(values) <= _NUMBER_TYPES:
        numbers = np.array(values, dtype=np.float64)
        if not numbers.size or np.nanmax(np.abs(numbers), initial=0.0) < _EXACT:
            return numbers
    return _numbers(values)


def _price_6m(values: np.ndarray) -> np.ndarray:
    """price_trend's 6개월 price per product (the last such point), NaN where there is none.

    A trend whose last point is the 6개월 point (the export's usual order) is answered in the
    comprehension; any other trend goes through :func:`_price_6m_of`, the full rule.
    """
    prices = [
        last.get("price")
        if type(value) is list and value and type(last := value[-1]) is dict and last.get("period") == PRICE_CHANGE_PERIOD
        else _price_6m_of(value)
        for value in values.tolist()
    ]
    return _float_numbers(prices)


def _text_codes(items: list[Any]) -> tuple[np.ndarray, list[str]] | None:
    """Code per item into its distinct values when every item is a str (None otherwise)."""
    if _types(items) - {str}:
        return None
    codes, distinct = pd.factorize(np.array(items, dtype=object))
    return np.asarray(codes, dtype=np.int64), list(distinct)


def _tags_fast(values: np.ndarray) -> Labels | None:
    if not _types(values) <= {list, type(None)}:
        return None
    lists = [v if v is not None else [] for v in values.tolist()]
    flat = [tag for tags in lists for tag in tags]
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    coded = _text_codes(flat)
    if coded is None:  # None/NaN or non-text tags: the row parser
        return None
    codes, uniques = coded
    return tag_labels(codes, uniques, np.repeat(np.arange(len(lists)), lengths), len(lists))


def tag_labels(codes: np.ndarray, uniques: list[str], owner: np.ndarray, n: int) -> Labels:
    """Each product's distinct stripped, non-blank tags, from its tags' codes into ``uniques``.

    Args:
        codes: per tag occurrence, its index into ``uniques`` (the distinct raw tag texts).
        uniques: distinct raw tags in order of first appearance.
        owner: per tag occurrence, the product (0..n-1) it belongs to, in product order.
        n: number of products.
    """
    stripped, names = label_codes([u.strip() for u in uniques])
    return distinct_labels(owner, stripped[codes] if len(uniques) else codes, n, names)


def _tags(values: np.ndarray) -> Labels:
    """Each product's distinct non-blank review tags."""
    fast = _tags_fast(values)
    return _tags_rows(values) if fast is None else fast


_SEGMENT_NAMES = tuple(dict.fromkeys(SEGMENT_KEYS.values()))


def _segments_fast(values: np.ndarray) -> Labels | None:
    if not _types(values) <= {dict, type(None)}:
        return None
    dicts = [v if v is not None else {} for v in values.tolist()]
    keys = [key for spec in dicts for key in spec]
    texts = [text for spec in dicts for text in spec.values()]
    lengths = np.fromiter(map(len, dicts), dtype=np.int64, count=len(dicts))
    coded_keys, coded_texts = _text_codes(keys), _text_codes(texts)
    if coded_keys is None or coded_texts is None:
        return None
    owner = np.repeat(np.arange(len(dicts)), lengths)
    return segment_labels(*coded_keys, *coded_texts, owner, len(dicts))


def segment_labels(key_codes: np.ndarray, key_uniques: list[str], text_codes: np.ndarray, text_uniques: list[str],
                   owner: np.ndarray, n: int) -> Labels:
    """Each product's distinct "<segment>: <value>" labels from its specification entries.

    Args:
        key_codes / text_codes: per entry, the index of its key / value into ``key_uniques`` /
            ``text_uniques`` (distinct texts in order of first appearance).
        owner: per entry, the product (0..n-1) it belongs to, in product order.
        n: number of products.
    """
    segment_of_key = np.array(
        [_SEGMENT_NAMES.index(name) if (name := SEGMENT_KEYS.get(key.strip())) else -1 for key in key_uniques]
        + [-1],
        dtype=np.int64,
    )
    segment = segment_of_key[key_codes] if len(key_codes) else np.zeros(0, np.int64)
    hit = np.flatnonzero(segment >= 0)
    pair = segment[hit] * max(len(text_uniques), 1) + text_codes[hit]
    pair_codes, pair_uniques = pd.factorize(pair)
    width = max(len(text_uniques), 1)
    label_texts = []
    for value in pair_uniques.tolist():
        cleaned = text_uniques[value % width].strip()
        label_texts.append(f"{_SEGMENT_NAMES[value // width]}: {cleaned}" if cleaned else "")
    label_of_pair, names = label_codes(label_texts)
    label = label_of_pair[pair_codes] if len(pair_uniques) else np.zeros(0, np.int64)
    return distinct_labels(owner[hit], label, n, names)


def _segments(values: np.ndarray) -> Labels:
    """Each product's distinct "<segment>: <value>" labels from its specifications."""
    fast = _segments_fast(values)
    return _segments_rows(values) if fast is None else fast


def _brands(products: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Brand code per product (-1 unbranded: missing or blank) and the brand names.

    Text brands (the loader's case) are stripped once per distinct value; other values are
    stripped per row.
    """
    if "manufacturer" not in products.columns:
        return np.full(len(products), -1, dtype=np.int64), np.zeros(0, dtype=object)
    brands = products["manufacturer"]
    codes, uniques = pd.factorize(brands, use_na_sentinel=True)
    distinct = list(uniques)
    if not _types(distinct) - {str}:
        cleaned, names = label_codes([u.strip() for u in distinct])
        return np.where(codes >= 0, cleaned[np.maximum(codes, 0)] if len(distinct) else -1, -1), np.asarray(
            names, dtype=object)
    brands = brands.astype("object").where(brands.notna(), None)
    cleaned = pd.Series([str(b).strip() if b is not None else "" for b in brands], dtype=object)
    cleaned = cleaned.where(cleaned != "", None)
    codes, names = pd.factorize(cleaned, use_na_sentinel=True)
    return codes, np.asarray(names, dtype=object)


def _literal(products: pd.DataFrame, name: str, parse: Any, parse_arrow: Any) -> Any:
    """A literal column through its Arrow reader when the loader typed it, else the object parsers."""
    from harness.facts import arrow_products

    array = arrow_products.arrow_column(products, name)
    return parse(_object_column(products, name)) if array is None else getattr(arrow_products, parse_arrow)(array)


def product_arrays(products: pd.DataFrame) -> ProductArrays:
    """Parses every product column the facts need, in the frame's row order."""
    codes, names = _brands(products)
    return ProductArrays(
        ids=text_keys(products["id"]),
        review_count=_float_column(products, "review_count"),
        avg_rating=_float_column(products, "average_rating"),
        min_price=_float_column(products, "min_price"),
        price_6m=_literal(products, "price_trend", _price_6m, "price_6m"),
        brand=codes.astype(np.int32),
        brand_names=np.asarray(names, dtype=object),
        rating_dist=_literal(products, "review_rating_distribution", _rating_dist, "rating_dist"),
        tags=_literal(products, "review_tags", _tags, "tags"),
        segments=_literal(products, "specifications", _segments, "segments"),
    )
