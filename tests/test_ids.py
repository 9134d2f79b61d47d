"""Category ids: one canonical text form and one report order, used by facts, SFT and the decision."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from harness.ids import category_key, category_sort_key

_IDS = st.one_of(st.integers(0, 10**30), st.text(max_size=5), st.sampled_from(["²", "٣", "38~2", " 4 ", "07", "-1"]))


@given(st.lists(_IDS, max_size=20))
def test_category_sort_key__total_numbers_first_by_value_then_text(ids: list[object]) -> None:
    ordered = sorted(ids, key=category_sort_key)  # never raises, whatever the id
    keys = [category_key(i) for i in ordered]
    numeric = [k for k in keys if k.isascii() and k.isdigit()]
    assert keys[: len(numeric)] == numeric
    assert [int(k) for k in numeric] == sorted(int(k) for k in numeric)
    assert keys[len(numeric) :] == sorted(keys[len(numeric) :])


def test_category_sort_key__forms_of_one_id_are_equal() -> None:
    assert category_sort_key(4) == category_sort_key("4") == category_sort_key(4.0) == category_sort_key(" 4 ")
    assert category_sort_key("9") < category_sort_key("10") < category_sort_key("10~2")
