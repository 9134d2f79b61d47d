"""What a percentage is about, read from the words around it, so it is matched against those facts only.

Ten brand shares, their running sums, star shares and growth rates pack the 0-50% range densely:
checked without context, a wrong ``저평점 비중 1.5%`` changed to 4.4% would pass because the ninth
brand happens to hold 4.4%. A cue in the same clause (a rank, a brand name, 저평점, 리뷰가 없는,
5점, a growth word) narrows the facts a percentage may match to that family; with several cues
any of their families is accepted, and without a cue every fact of the right unit still is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from harness.evaluate.numbers import StatedNumber

LabelTest = Callable[[str], bool]

CLAUSE_REACH = 40
_PAREN = re.compile(r"\([^()]*\)")
_BREAK = re.compile(r"[.,;!?\n]")
_SENTENCE_END = re.compile(r"[.!?\n](?:\s|$)")
_LOW_RATING = re.compile(r"저평점|낮은\s?평점|[12]\s?점(?:대|짜리)?\s?리뷰|1~2점|불만")
_ZERO_REVIEW = re.compile(r"리뷰가\s?(?:전혀\s?|하나도\s?|한\s?건도\s?)?없|리뷰\s?없는|무리뷰|미검증")
_HIGH_RATING = re.compile(r"(?<![\d.])[345]\s?점|고평점|만점")
_GROWTH = re.compile(r"성장률|증가율|감소율|증감률|전년\s?대비|연평균|성장|증가|감소|하락|상승")


def clause_before(text: str, start: int, floor: int) -> str:
    """The words before a number in its clause: back to a clause break, ``floor`` or 40 characters."""
    lo = max(floor, start - CLAUSE_REACH)
    window = _PAREN.sub(lambda m: " " * len(m.group(0)), text[lo:start])  # an aside is not a cue
    breaks = list(_BREAK.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


def _rank_test(rank: StatedNumber) -> LabelTest:
    if not math.isfinite(rank.value):  # a looping model's 309-digit "rank": no brand has it
        return lambda label: False
    n = int(rank.value)
    if rank.unit == "위":
        allowed = {f"metrics.topBrands[{n - 1}].share"} | ({"top1_share"} if n == 1 else set())
    else:
        allowed = {f"top{n}_share", f"rest_after_top{n}"} | ({"metrics.top3BrandShare"} if n == 3 else set())
    return allowed.__contains__


def _brand_test(index: int) -> LabelTest:
    allowed = {f"metrics.topBrands[{index}].share"} | ({"top1_share"} if index == 0 else set())
    return allowed.__contains__


def _is_low(label: str) -> bool:
    return label in ("metrics.lowRatingRatio", "ratingShare:1-2", "ratingShare:1", "ratingShare:2")


def _is_zero(label: str) -> bool:
    return label in ("metrics.zeroReviewRatio", "reviewedProductRatio")


def _is_star(label: str) -> bool:
    return label.startswith("ratingShare:")


def _is_change(label: str) -> bool:
    return label.endswith("growthRate") or label.startswith("growth:") or "priceChange" in label


def percent_cues(
    text: str, stated: StatedNumber, floor: int, rank: StatedNumber | None, brands: Sequence[str]
) -> list[LabelTest]:
    """Label tests for the families a ``%`` number's clause points at (empty: no cue, no restriction).

    Args:
        text: the paragraph.
        stated: the percentage.
        floor: where the clause may start at the earliest (the end of the previous percentage).
        rank: an ordinal (``상위 3개``, ``1위``) earlier in the same clause, if any.
        brands: the category's brand names in rank order.
    """
    clause = clause_before(text, stated.start, floor)
    tests: list[LabelTest] = []
    if rank is not None and rank.end >= stated.start - len(clause):
        tests.append(_rank_test(rank))
    tests.extend(_brand_test(i) for i, name in enumerate(brands) if name and name in clause)
    for pattern, test in ((_LOW_RATING, _is_low), (_ZERO_REVIEW, _is_zero), (_HIGH_RATING, _is_star)):
        if pattern.search(clause):
            tests.append(test)
    if stated.direction or _GROWTH.search(clause):
        tests.append(_is_change)
    return tests


_YEAR_PAIR = re.compile(r"^(?:growth|diff|ratio|rateGap):(\d{4})[-/](\d{4})$")
_YEAR_ONE = re.compile(r"^(?:multiple|month):(\d{4})$")
_GROWTH_ROW = re.compile(r"^growthData\[(\d+)\]\.(?!year$)")


def label_years(label: str, growth_years: Sequence[int | None]) -> frozenset[int]:
    """The years a fact belongs to (``growthData[3].reviewCount`` -> {2023}); empty when none."""
    if match := _YEAR_PAIR.match(label):
        return frozenset({int(match.group(1)), int(match.group(2))})
    if match := _YEAR_ONE.match(label):
        return frozenset({int(match.group(1))})
    if match := _GROWTH_ROW.match(label):
        index = int(match.group(1))
        year = growth_years[index] if index < len(growth_years) else None
        return frozenset({year}) if year is not None else frozenset()
    return frozenset()


class YearScope:
    """The years named so far in the current clause: ``2021년 335건`` is 2021's count, not 2023's.

    A count or rate stated after a year may only match facts of a year named in its clause (or
    facts tied to no year at all), so a wrong count that equals another year's count is caught.
    """

    def __init__(self, text: str, growth_years: Sequence[int | None]) -> None:
        self.text = text
        self.growth_years = growth_years
        self.years: set[int] = set()
        self.position = 0
        self.stale = False

    def see(self, stated: StatedNumber) -> bool:
        """Updates the scope for ``stated``; True when ``stated`` is itself a year (never filtered).

        A sentence end forgets the years; a comma only marks them stale, so ``2025년은 상반기
        66건, 연환산 133건`` keeps 2025 until the next year is named.
        """
        if _SENTENCE_END.search(self.text, self.position, stated.start):
            self.years, self.stale = set(), False
        elif _BREAK.search(self.text, self.position, stated.start):
            self.stale = True
        self.position = stated.end
        if stated.unit == "년" and 1000 <= stated.value < 10_000:  # a year; 10^309 (inf) is not one
            if self.stale:
                self.years, self.stale = set(), False
            high = int(stated.high) if stated.high is not None and math.isfinite(stated.high) else int(stated.value)
            self.years.update(range(int(stated.value), min(high, int(stated.value) + 50) + 1))
            return True
        return False

    def allows(self, label: str) -> bool:
        if not self.years:
            return True
        years = label_years(label, self.growth_years)
        return not years or bool(years & self.years)
