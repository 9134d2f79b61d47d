"""Whole-column typing (``harness.data.columns``) against the loader's previous pandas code.

The ``_old_*`` functions are the per-column pandas implementations the loader used before the
columns were typed in Arrow (git history of ``harness/data/values.py``), kept here as the
reference: every generated column must type to the same values and the same failure count, as
plain text and dictionary-encoded (how the loader reads repeating review columns).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.data import columns

_NUMBER_JUNK = r"[,\s원점개건%]"
_PLAIN_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def _old_to_number(values: pd.Series) -> tuple[np.ndarray, int]:
    text = pc.fill_null(pc.utf8_trim_whitespace(pa.array(values.astype("str").array)), "")
    plain = pc.match_substring_regex(text, _PLAIN_NUMBER)
    parsed = pc.cast(pc.if_else(plain, text, pa.scalar(None, pa.string())), pa.float64())
    numbers = pd.Series(parsed.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")
    present = pd.Series(pc.not_equal(text, "").to_numpy(zero_copy_only=False), index=values.index)
    retry = present & numbers.isna()
    if retry.any():
        odd = pd.Series(text.to_numpy(zero_copy_only=False), index=values.index, dtype=object)[retry]
        cleaned = odd.str.replace(_NUMBER_JUNK, "", regex=True)
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return numbers.to_numpy(), int((present & numbers.isna()).sum())


def _old_to_dates(values: pd.Series) -> tuple[np.ndarray, int]:
    text = values.astype("str").str.strip()
    present = text != ""
    dates = pd.to_datetime(text.where(present, None), errors="coerce", format="ISO8601")
    retry = present & dates.isna()
    if retry.any():
        dashed = text[retry].str.replace(r"[./]", "-", regex=True).str.replace(r"-\s+", "-", regex=True)
        dashed = dashed.str.rstrip("-")
        again = pd.to_datetime(dashed, errors="coerce", format="mixed")
        dates = dates.astype("datetime64[ns]")
        dates[retry] = again.astype("datetime64[ns]")
    dates = dates.astype("datetime64[ns]")
    return dates.to_numpy(), int((present & dates.isna()).sum())


def _old_normalize_ids(values: pd.Series) -> list:
    text = values.astype("str").str.strip()
    text = text.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    return text.mask(text == "", pd.NA).astype("str").tolist()


def _spellings(cells: list[str]) -> list[pa.Array]:
    plain = pa.array(cells, pa.string())
    return [plain, pc.dictionary_encode(plain), pa.array(cells, pa.large_string()), plain.slice(0)]


blank = st.sampled_from(["", " ", "\t", "\u3000", "\x1c"])
number_cells = st.lists(st.one_of(
    st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["12,900", "12,900원", " 4.5 ", "4.", ".5", "+3", "1e5", "1E+05", "inf", "-Infinity", "nan",
                     "NaN", "abc", "1_000", "0x10", "٣", "4점", "3개", "50%", "1.5.2", "--1", "007"]),
    blank), min_size=1, max_size=30)
day = st.dates(min_value=pd.Timestamp("1850-01-01").date(), max_value=pd.Timestamp("2262-04-10").date())
date_cells = st.lists(st.one_of(
    day.map(lambda d: d.isoformat()), day.map(lambda d: d.strftime("%Y.%m.%d")), day.map(lambda d: f"{d:%Y/%m/%d} 10:00"),
    day.map(lambda d: f" {d.isoformat()} "), day.map(lambda d: f"{d.year}-{d.month}-{d.day}"),
    st.sampled_from(["2023-02-29", "2024-02-29", "2100-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0000-00-00",
                     "알수없음", "2024-02-18T09:30:00", "2024-02-18 09:30:00", "2024.3.5", "2024. 3. 5.", "1999-12-31"]),
    blank), min_size=1, max_size=30)
id_cells = st.lists(st.one_of(st.integers(-50, 10**7).map(str), st.integers(0, 10**7).map(lambda i: f"{i}.0"),
                              st.sampled_from(["A-7", " 12 ", "12.00", "12.5", "", " ", "-3.0", "1e3"])),
                    min_size=1, max_size=30)


@settings(max_examples=80, deadline=None)
@given(number_cells)
def test_numbers__same_values_and_failures_as_before(cells):
    expected, expected_failed = _old_to_number(pd.Series(cells, dtype="str"))
    for array in _spellings(cells):
        values, _, failed = columns.numbers(array)
        np.testing.assert_array_equal(values, expected)
        assert failed == expected_failed


@settings(max_examples=60, deadline=None)
@given(date_cells)
def test_dates__same_values_and_failures_as_before(cells):
    expected, expected_failed = _old_to_dates(pd.Series(cells, dtype="str"))
    for array in _spellings(cells):
        values, _, failed = columns.dates(array)
        np.testing.assert_array_equal(values, expected)
        assert failed == expected_failed


@settings(max_examples=60, deadline=None)
@given(id_cells)
def test_ids__same_as_before_as_text_and_as_categories(cells):
    expected = _old_normalize_ids(pd.Series(cells, dtype="str"))
    assert columns.as_str(columns.ids(pa.array(cells))).tolist() == expected
    categorical = columns.categorical(pc.dictionary_encode(pa.array(cells)), columns.ids)
    assert [None if pd.isna(v) else v for v in categorical] == [None if pd.isna(v) else v for v in expected]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(blank, st.text(max_size=4), st.sampled_from([" 좋아요 ", "\n", "\xa0\xa0", "a\u3000"])),
                min_size=1, max_size=30))
def test_present_text__blank_is_what_strip_empties(cells):
    expected = (pd.Series(cells, dtype="str").str.strip() != "").tolist()
    assert columns.present_text(pa.array(cells)).tolist() == expected
    as_bytes = pa.array([c.encode() for c in cells], pa.binary())  # presence-only reads are bytes
    assert columns.present_text(as_bytes).tolist() == expected
    chunked = pa.chunked_array([pa.array(cells[:3], pa.string()), pa.array(cells[3:], pa.string())])
    assert columns.present_text(chunked).tolist() == expected


def test_filter_blocks__keeps_rows_in_order_across_blocks():
    blocks = [pa.array(["a", "b"]), pa.array(["c"]), pa.array(["d", "e", "f"])]
    keep = np.array([True, False, True, True, False, True])
    assert columns.filter_blocks(blocks, keep).to_pylist() == ["a", "c", "d", "f"]
    assert blocks == []  # consumed: the caller's copy is gone
