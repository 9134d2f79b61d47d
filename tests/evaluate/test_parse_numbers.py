"""Korean number parsing: separators, decimals, units, magnitudes, hedges, ranges and signs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.evaluate.numbers import parse_numbers


def _one(text: str):
    found = parse_numbers(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "step"),
    [
        ("리뷰 64,518건", 64518, "건", 1),
        ("점유율 47.1%", 47.1, "%", 0.1),
        ("격차 4.3%p", 4.3, "%p", 0.1),
        ("격차 4.3%포인트", 4.3, "%p", 0.1),
        ("평점 4.7점", 4.7, "점", 0.1),
        ("9,190개 제품", 9190, "개", 1),
        ("1,200명", 1200, "명", 1),
        ("2.8배", 2.8, "배", 0.1),
        ("2024년", 2024, "년", 1),
        ("18개월 아기", 18, "개월", 1),
        ("1위 레고", 1, "위", 1),
        ("30퍼센트", 30, "%", 1),
    ],
)
def test_parse__units_and_precision(text: str, value: float, unit: str, step: float) -> None:
    stated = _one(text)
    assert stated.value == pytest.approx(value) and stated.unit == unit and stated.step == pytest.approx(step)


@pytest.mark.parametrize(
    ("text", "value", "step"),
    [("6만 4천 건", 64_000, 1_000), ("1.2만 건", 12_000, 1_000), ("3억 원", 300_000_000, 100_000_000),
     ("1억 2,000만 원", 120_000_000, 10_000), ("6만 4,518건", 64_518, 1), ("1천만 원", 10_000_000, 10_000_000)],
)
def test_parse__korean_magnitudes(text: str, value: float, step: float) -> None:
    stated = _one(text)
    assert stated.value == value and stated.step == step and stated.magnitude


@pytest.mark.parametrize("text", ["약 1,279", "HHI 1,279 가량", "47% 수준", "30% 내외", "대략 6만 건", "5천 건 정도", "1,200여 건"])
def test_parse__approximation_words(text: str) -> None:
    assert _one(text).approx


def test_parse__no_approximation_without_hedge() -> None:
    assert not _one("HHI 1,279로 나타났습니다").approx


def test_parse__range_is_one_claim() -> None:
    stated = _one("점유율은 10~20% 수준")
    assert (stated.value, stated.high, stated.unit) == (10, 20, "%")
    stated = _one("6~7만 건")
    assert (stated.value, stated.high) == (60_000, 70_000)


def test_parse__sign_from_words() -> None:
    down, up = parse_numbers("2025년에는 19.2% 감소했고 2024년에는 176.0% 증가했습니다")[1::2]
    assert (down.direction, up.direction) == (-1, 1)
    assert _one("-18.4%").direction == -1
    assert _one("하락률 5.0%").direction == -1


def test_parse__context_hhi_and_ordinal() -> None:
    assert _one("HHI 약 1,279").context == "hhi"
    assert _one("상위 3개 브랜드").context == "ordinal"
    assert parse_numbers("3대 브랜드")[0].context == "ordinal"


def test_parse__bounds() -> None:
    assert _one("40% 이상").bound == "lower"
    assert _one("5% 미만").bound == "upper"


def test_parse__text_kept_as_written() -> None:
    assert [s.text for s in parse_numbers("HHI 약 1,279 수준이며 약 6만 4천 건입니다")] == ["약 1,279 수준", "약 6만 4천 건"]


def test_parse__words_that_look_like_units_are_not() -> None:
    assert _one("29.6% 점유율").unit == "%"
    assert _one("3 세그먼트").unit == ""
    assert _one("2배송").unit == ""


def test_parse__digits_glued_to_latin_are_not_numbers() -> None:
    assert parse_numbers("Qwen2.5 모델과 B2B") == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_parse__never_raises(text: str) -> None:
    for stated in parse_numbers(text):
        assert stated.value >= 0 and stated.step > 0
