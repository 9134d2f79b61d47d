"""Numbers written in Korean words: 두 배, 세 곳, 열 건 중 여덟 건, 절반, 반토막, 3분의 1, 두 자릿수.

A fluent writer spells small counts and multiples in native numerals bound to a counter, and
proportions as fractions or 절반. Each is read as a number with the precision words carry: a
native numeral is an integer (``두 배`` is about 2, judged like ``2배``), ``3분의 1`` and ``절반`` are
shares of about 33.3% and 50%, and ``두 자릿수 성장`` is a rate from 10% to under 100%.

A numeral is read only when a counter follows it (``한 브랜드`` is "a brand", not a count), and
``한 건도 없는`` ("not a single one") is an idiom for zero, not a count of one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from harness.evaluate.hedges import read_hedges
from harness.evaluate.stated import StatedNumber

NATIVE = {
    "한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "석": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6,
    "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "열한": 11, "열두": 12, "열세": 13, "열네": 14, "열다섯": 15,
    "스무": 20, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50,
}
SINO = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9, "십": 10, "백": 100}
_NUMERAL = "|".join(sorted(NATIVE, key=len, reverse=True))
_COUNTER = r"배|곳|군데|개|건|명|가지|번|차례|해|종|업체|기업|브랜드|권"
_COUNTER_UNIT = {"군데": "곳", "업체": "곳", "기업": "곳", "브랜드": "개", "차례": "회", "번": "회", "해": "년",
                 "가지": "개", "권": "개"}
_WORD = re.compile(
    rf"(?<![가-힣])(?P<a>{_NUMERAL})(?P<b>{_NUMERAL})?\s?(?P<counter>{_COUNTER})(?![가-힣]*도\s?없)"
)
_RANGE_PAIRS = {(1, 2), (2, 3), (3, 4), (4, 5), (5, 6)}  # 한두, 두세, 서너 are ranges
_FRACTION_PART = r"\d+|" + "|".join(sorted({**NATIVE, **SINO}, key=len, reverse=True))
_FRACTION = re.compile(rf"(?<![가-힣\d])(?P<den>{_FRACTION_PART})\s?분의\s?(?P<num>{_FRACTION_PART})(?![\d]|부|정|상|반)")
_ORDINAL_WORD = re.compile(rf"(?<![가-힣])(?P<n>첫|{_NUMERAL})\s?번째")
_HALF = re.compile(r"(?<![가-힣])(?:절반|과반|반토막|반절)")
_DIGIT_COUNT = re.compile(rf"(?<![가-힣])(?P<n>{_NUMERAL})\s?자릿수")


def _value(token: str) -> float | None:
    if token.isdigit():
        return float(token)
    return float(NATIVE.get(token) or SINO.get(token) or 0) or None


def _stated(text: str, start: int, end: int, value: float, unit: str, form: str, step: float = 1.0,
            high: float | None = None) -> StatedNumber:
    hedges = read_hedges(text, start, end)
    return StatedNumber(
        text=(hedges.prefix + text[start : hedges.end]).strip(), value=value, high=high, unit=unit, step=step,
        approx=hedges.approx, bound=hedges.bound, magnitude=False, direction=0, context="", start=start,
        end=hedges.end, form=form, slight=hedges.slight,
    )


def _words(text: str) -> Iterator[StatedNumber]:
    ordinal_starts = {m.start() for m in _ORDINAL_WORD.finditer(text)}
    for match in _WORD.finditer(text):
        if match.start() in ordinal_starts:
            continue
        a = NATIVE[match.group("a")]
        b = NATIVE[match.group("b")] if match.group("b") else None
        if b is not None and (a, b) not in _RANGE_PAIRS:
            continue
        counter = match.group("counter")
        unit = _COUNTER_UNIT.get(counter, counter)
        yield _stated(text, match.start(), match.end(), float(a), unit, "word", high=float(b) if b else None)


def _ordinals(text: str) -> Iterator[StatedNumber]:
    for match in _ORDINAL_WORD.finditer(text):
        n = 1 if match.group("n") == "첫" else NATIVE[match.group("n")]
        yield _stated(text, match.start(), match.end(), float(n), "위", "word")


def _fractions(text: str) -> Iterator[StatedNumber]:
    for match in _FRACTION.finditer(text):
        den, part = _value(match.group("den")), _value(match.group("num"))
        if den and part and part < den:
            yield _stated(text, match.start(), match.end(), part / den * 100, "%", "fraction")
    for match in _HALF.finditer(text):
        form = "majority" if match.group(0) == "과반" else "half"
        stated = _stated(text, match.start(), match.end(), 50.0, "%", form)
        if form == "majority":  # 과반 is "more than half"
            stated = stated.with_bound("lower")
        yield stated
    for match in _DIGIT_COUNT.finditer(text):
        digits = NATIVE[match.group("n")]
        if 1 <= digits <= 4:
            low = 10.0 ** (digits - 1)
            yield _stated(text, match.start(), match.end(), low, "%", "digits-count", high=low * 10 - 1e-9)


def word_numbers(text: str) -> list[StatedNumber]:
    """Every number written in words in ``text`` (order of appearance is the caller's to restore)."""
    if not text:
        return []
    return [*_words(text), *_ordinals(text), *_fractions(text)]
