"""Cell typing: literals (JSON or Python repr), numbers with separators, ids, dates."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.data.values import normalize_ids, parse_literal, parse_literal_column, to_dates, to_number

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(texts, texts, max_size=5))
def test_parse_literal__repr_and_json_agree(value):
    assert parse_literal(repr(value)) == value
    assert parse_literal(json.dumps(value, ensure_ascii=False)) == value


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, max_size=5))
def test_parse_literal__lists_with_quotes_and_backslashes(value):
    assert parse_literal(repr(value)) == value


def test_parse_literal__python_only_values():
    assert parse_literal("{'a': None, 'b': True}") == {"a": None, "b": True}


def test_parse_literal__garbage_raises_value_error():
    with pytest.raises(ValueError, match="not a JSON or Python literal"):
        parse_literal("{'연령': '3세")


def test_parse_literal_column__bad_cells_counted_and_emptied():
    column = pd.Series(["['a', 'b']", "", "not a list", "{'k': 'v'}", '["c"]'])
    parsed, failed = parse_literal_column(column, "review_tags")
    assert parsed.tolist() == [["a", "b"], [], [], [], ["c"]]
    assert failed == 2


def test_parse_literal_column__distribution_keys_normalised():
    parsed, failed = parse_literal_column(pd.Series(["{1: 2, 5: 3}", "{'7': 1}"]), "review_rating_distribution")
    assert parsed[0] == {"1": 2, "2": 0, "3": 0, "4": 0, "5": 3}
    assert parsed[1] is None and failed == 1


def test_to_number__separators_units_and_failures():
    values, failed = to_number(pd.Series(["12,900", "12,900원", " 4.5 ", "", "abc", "1.5"]), "Int64")
    assert values.tolist()[:2] == [12900, 12900]
    assert values[2:].isna().all()
    assert failed == 3  # 4.5 and 1.5 are not whole, abc is not a number; "" is just missing
    floats, failed = to_number(pd.Series(["12,900", "4.5", "", "abc"]), "Float64")
    assert floats.tolist()[:2] == [12900.0, 4.5] and failed == 1


def test_normalize_ids__float_written_ids():
    assert normalize_ids(pd.Series(["123.0", " 45 ", "", "A-7"])).tolist()[:2] == ["123", "45"]
    assert pd.isna(normalize_ids(pd.Series([""]))[0])


def test_to_dates__formats_and_failures():
    dates, failed = to_dates(pd.Series(["2024-03-05", "2024.3.5", "2024/03/05 10:00", "", "알수없음", "0000-00-00"]))
    assert dates[:3].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-05"] * 3
    assert dates[3:].isna().all()
    assert failed == 2
