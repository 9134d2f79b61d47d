"""Product arrays from Arrow-typed literal columns (the loader's) against the object-column parsers.

The same generated cells go into one frame as Python objects (dicts and lists: the per-row and
fast object parsers of ``harness.facts.products``) and into one as Arrow arrays of the loader's
types; every parsed array must be the same. Cells include what the Arrow types can hold but the
loader never writes (missing tags, map values and star counts, unstripped periods).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.data.literals import LITERAL_TYPES
from harness.facts.products import product_arrays

text = st.text(alphabet=st.sampled_from(list("ab 연령3세구성") + ["\u3000"]), max_size=5)
spec_key = st.sampled_from(["연령", "사용 연령", "구성", " 용량 ", "타입", "종류", "색상", ""])
distribution = st.one_of(st.none(), st.fixed_dictionaries({s: st.one_of(st.integers(0, 500), st.none()) for s in "12345"}))
tags = st.one_of(st.none(), st.lists(st.one_of(text, st.none()), max_size=4))
specs = st.one_of(st.none(), st.dictionaries(spec_key, st.one_of(text, st.none()), max_size=4))
point = st.one_of(st.none(), st.fixed_dictionaries({
    "period": st.one_of(st.sampled_from(["1개월", "3개월", "6개월", " 6개월", "6개월 ", "16개월"]), st.none()),
    "price": st.one_of(st.floats(0, 1e6, allow_nan=False), st.none())}))
trend = st.one_of(st.none(), st.lists(point, max_size=4))
product = st.fixed_dictionaries({"review_rating_distribution": distribution, "review_tags": tags,
                                 "specifications": specs, "price_trend": trend})


def _frames(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(rows)
    base = {"id": [f"p{i}" for i in range(n)], "manufacturer": ["A"] * n, "review_count": [1] * n,
            "average_rating": [4.0] * n, "min_price": [100.0] * n}
    objects, typed = pd.DataFrame(base), pd.DataFrame(base)
    for column, kind in LITERAL_TYPES.items():
        values = [row[column] for row in rows]
        objects[column] = pd.Series(values, dtype=object)
        cells = [list(v.items()) if column == "specifications" and v is not None else v for v in values]
        typed[column] = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(cells, type=kind)))
    return objects, typed


def _labels(labels) -> list[set[str]]:
    return [set(labels.names[labels.codes[a:b]].tolist()) for a, b in pairwise(labels.offsets)]


@settings(max_examples=120, deadline=None)
@given(st.lists(product, min_size=1, max_size=12))
def test_product_arrays__arrow_columns_parse_as_the_object_columns(rows):
    objects, typed = _frames(rows)
    assert all(isinstance(typed[column].dtype, pd.ArrowDtype) for column in LITERAL_TYPES)
    expected, got = product_arrays(objects), product_arrays(typed)
    np.testing.assert_array_equal(got.rating_dist, expected.rating_dist)
    np.testing.assert_array_equal(got.price_6m, expected.price_6m)
    assert _labels(got.tags) == _labels(expected.tags)
    assert _labels(got.segments) == _labels(expected.segments)
    assert got.tags.top(50) == expected.tags.top(50) and got.segments.top(50) == expected.segments.top(50)


def test_product_arrays__sliced_arrow_columns():
    rows = [{"review_rating_distribution": dict.fromkeys("12345", 1), "review_tags": ["a", "b"],
             "specifications": {"연령": f"{i}세"}, "price_trend": [{"period": "6개월", "price": float(i)}]}
            for i in range(6)]
    objects, typed = _frames(rows)
    objects, typed = objects.iloc[2:5].reset_index(drop=True), typed.iloc[2:5].reset_index(drop=True)
    assert _labels(product_arrays(typed).segments) == _labels(product_arrays(objects).segments)
    np.testing.assert_array_equal(product_arrays(typed).price_6m, [2.0, 3.0, 4.0])
