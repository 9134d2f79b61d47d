"""The vectorised literal parser against the per-cell reference (``parse_literal_column``).

Cells are generated in the export's usual spellings (Python repr, JSON) and in the odd ones the
fast path must hand to the reference: padding, other separators, escapes, control characters,
blank-edged strings, repeated keys, numbers as text, None, garbage.
"""

from __future__ import annotations

import json
import sys

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.data.literals import LITERAL_TYPES, PY_BLANKS, parse_literals
from harness.data.values import parse_literal_column

COLUMNS = tuple(LITERAL_TYPES)
# Text that exercises the edges: quotes, backslashes, control characters, Python-only blanks.
tricky = st.text(alphabet=st.sampled_from(list("ab 연령6개월'\"\\,:{}[]") + ["\t", "\n", "\x1c", "\u3000", "\xa0"]),
                 max_size=6)
plain = st.text(alphabet=st.sampled_from(list("ab연령구성용량타입 3세")), max_size=6)
texts = st.one_of(plain, tricky)
numbers = st.one_of(st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.integers(2**53, 2**70))


def _spell(value, style: str) -> str:
    if style == "repr":
        return repr(value)
    if style == "json":
        return json.dumps(value, ensure_ascii=False)
    if style == "compact":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return f"  {value!r} "


def values_for(column: str):
    if column == "review_rating_distribution":
        star = st.sampled_from(["1", "2", "3", "4", "5", 1, 5, "7"])
        return st.one_of(
            st.fixed_dictionaries({s: st.integers(0, 10**4) for s in "12345"}),
            st.dictionaries(star, st.one_of(st.integers(-3, 10**16), st.floats(0, 9), st.none()), max_size=5),
        )
    if column == "review_tags":
        return st.lists(st.one_of(texts, st.integers(0, 9), st.none()), max_size=4)
    if column == "specifications":
        key = st.one_of(st.sampled_from(["연령", "사용 연령", "구성", " 용량", "타입"]), texts)
        return st.dictionaries(key, st.one_of(texts, st.integers(0, 99), st.none()), max_size=4)
    point = st.fixed_dictionaries({"period": st.one_of(st.sampled_from(["1개월", "6개월", "6개월 "]), texts),
                                   "price": st.one_of(numbers, st.none())})
    return st.lists(st.one_of(point, st.fixed_dictionaries({"price": numbers})), max_size=4)


def cells_for(column: str):
    styles = st.sampled_from(["repr", "json", "compact", "padded"])
    spelled = st.builds(_spell, values_for(column), styles)
    odd = st.sampled_from(["", " ", "nan", "None", "null", "{'1': 3", "[1, 2", "garbage", "{}", "[]"])
    return st.lists(st.one_of(spelled, odd, tricky), min_size=1, max_size=25)


def _reference(cells: list[str], column: str) -> tuple[list, int]:
    values, failed = parse_literal_column(pd.Series(cells, dtype=object), column)
    return values.tolist(), failed


def _fast(cells: list[str], column: str) -> tuple[list, int]:
    parsed, failed = parse_literals(pa.array(cells, pa.string()), column)
    values = parsed.to_pylist()
    if column == "specifications":
        values = [dict(v) for v in values]
    return values, failed


@pytest.mark.parametrize("column", COLUMNS)
def test_parse_literals__matches_the_per_cell_reference(column):
    @settings(max_examples=60, deadline=None)
    @given(cells_for(column))
    def check(cells):
        fast, failed = _fast(cells, column)
        reference, reference_failed = _reference(cells, column)
        assert failed == reference_failed
        if column == "review_rating_distribution":  # star counts beyond int64 are counted as bad
            reference = [None if v and any(abs(x) >= 2**63 for x in v.values()) else v for v in reference]
        assert fast == reference

    check()


def test_parse_literals__usual_spellings_take_the_fast_path(monkeypatch):
    import harness.data.literals as literals

    def no_reference(*args):
        raise AssertionError("the usual spelling must not need the per-cell parser")

    monkeypatch.setattr(literals, "_reference", no_reference)
    dist, _ = parse_literals(pa.array(["{'1': 0, '2': 1, '3': 2, '4': 3, '5': 14}"]), "review_rating_distribution")
    tags, _ = parse_literals(pa.array(['["구성이 알차요", "가성비"]', "['a']"]), "review_tags")
    specs, _ = parse_literals(pa.array(["{'연령': '5세이상', '구성': '1권'}"]), "specifications")
    trend, _ = parse_literals(pa.array(["[{'period': '1개월', 'price': 13030}, {'period': '6개월', 'price': 12.5}]"]),
                              "price_trend")
    assert dist.to_pylist() == [{"1": 0, "2": 1, "3": 2, "4": 3, "5": 14}]
    assert tags.to_pylist() == [["구성이 알차요", "가성비"], ["a"]]
    assert specs.to_pylist() == [[("연령", "5세이상"), ("구성", "1권")]]
    assert trend.to_pylist() == [[{"period": "1개월", "price": 13030.0}, {"period": "6개월", "price": 12.5}]]


def test_py_blanks__is_pythons_whitespace():
    import re

    listed: set[int] = set()
    for match in re.finditer(r"\\x\{([0-9a-f]+)\}(?:-\\x\{([0-9a-f]+)\})?", PY_BLANKS):
        first = int(match.group(1), 16)
        listed.update(range(first, int(match.group(2) or match.group(1), 16) + 1))
    assert listed == {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}
