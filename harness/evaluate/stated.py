"""One number as a summary states it: its value, the precision and hedges it was written with, its span."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class StatedNumber:
    """One number as a summary states it.

    Attributes:
        text: the number as written, with its unit and hedge words (``"약 1,279"``).
        value: the value (the low end of a range); signs carried by words are not applied.
        high: the high end of a range (``10~20%``, ``20%대``), else None.
        unit: canonical unit (``"%"``, ``"%p"``, ``"점"``, ``"건"``, ``"개"``, ``""`` for none, ...).
        step: the precision shown: 0.1 for ``47.1``, 1,000 for ``6만 4천``.
        approx: an approximation word (약, 가량, 수준, ...) widens the tolerance.
        bound: ``"lower"`` for 이상/넘는, ``"upper"`` for 이하/미만, else None.
        magnitude: written with 만/억/천, which Korean writers also use to truncate.
        direction: +1 (증가, 상승), -1 (감소, 하락) or 0 when no word carries a sign.
        context: ``"hhi"``, ``"ordinal"``, ``"rating"`` when the words before it say what it is.
        start: where the number starts in the text (a 약 before it is not included).
        end: where its unit and hedges end.
        form: how it is written: ``"digits"``, ``"word"`` (두 배, 세 곳), ``"fraction"`` (3분의 1),
            ``"half"`` (절반), ``"majority"`` (과반), ``"digits-count"`` (두 자릿수).
        slight: the bound is passed only slightly (``조금 넘는``, ``약간 못 미치는``).
        trend: +1/-1 when the number is a level something rose or fell *to* (``9.3%로 높아졌다``).
    """

    text: str
    value: float
    high: float | None
    unit: str
    step: float
    approx: bool
    bound: str | None
    magnitude: bool
    direction: int
    context: str
    start: int
    end: int
    form: str = "digits"
    slight: bool = False
    trend: int = 0

    def with_bound(self, bound: str | None) -> StatedNumber:
        return replace(self, bound=bound)
