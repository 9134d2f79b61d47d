"""Numeric fidelity: is every number a summary states supported by the facts at the precision shown?

Each stated number is first attributed to what it claims (``harness.evaluate.claims``: whose share,
which year, which ratio, which proportion), then has one of three outcomes:

- **supported**: a value derivable from the facts (``harness.evaluate.derive``), of a kind its unit
  allows and about what its sentence says it is about, falls inside the interval the writing claims;
- **contradicted**: the claim was identified and the facts hold it, but its value is outside that
  interval (a wrong share, a true rate bound to the wrong year, a multiple in the wrong direction);
- **unverifiable**: nothing in the facts to check it against (재구매율, 시장 규모, a figure whose
  sentence names nothing the facts hold and whose value matches nothing).

The interval: ``47.1%`` claims [47.05, 47.15], ``6만 4천 건`` [63,500, 65,000] because Korean
writers truncate as often as they round; an approximation word (약, 가량, 수준, 안팎) widens it by 3%
of the value and lets trailing zeros set the precision (``약 1,300``); ``10~20%`` and ``30%대 후반``
claim their range, ``40% 이상`` a lower bound; a multiple in whole numbers (``두 배``, ``3배``) claims
the value within 12% (``세 배`` is not 2.6x), and so does a fraction (``3분의 1``, ``절반``);
``조금 넘는`` / ``약간 못 미치는`` claims a value within 12% past the bound. A word-carried sign (감소, 하락, 낮다) must agree with a
signed fact such as a growth rate or a gap.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from typing import Any

from harness.evaluate.claims import NO_CLAIM, Claim, attribute
from harness.evaluate.derive import (
    COUNT,
    HHI,
    ITEMS,
    MENTIONS,
    MONTH,
    MONTHS,
    MULTIPLE,
    ORDINAL,
    OTHER,
    PERCENT,
    POINTS,
    PRICE,
    RATING,
    REVIEWS,
    SPAN,
    TEXT,
    YEAR,
    Candidate,
    derive_all,
)
from harness.evaluate.numbers import StatedNumber, parse_numbers
from harness.evaluate.subject import Subject

APPROX_RELATIVE = 0.03
WORD_RELATIVE = 0.12
ROUND_WORD_SLACK = 0.02
SLIGHT_RELATIVE = 0.12
SUPPORTED, CONTRADICTED, UNVERIFIABLE = "supported", "contradicted", "unverifiable"
_DATED_MEASURES = frozenset({"reviews", "growth", "ratio", "diff", "cagr", "rate_gap", "units"})
_COUNTS = frozenset({COUNT, REVIEWS, MENTIONS, OTHER})
_BARE_KINDS = frozenset({COUNT, REVIEWS, ITEMS, MENTIONS, HHI, RATING, YEAR, ORDINAL, OTHER, PERCENT, MULTIPLE, SPAN})
_UNIT_KINDS: dict[str, frozenset[str]] = {
    "%": frozenset({PERCENT}),
    "%p": frozenset({POINTS}),
    "점": frozenset({RATING, HHI}),
    "건": _COUNTS,
    "회": _COUNTS,
    "명": _COUNTS,
    "개": frozenset({COUNT, ITEMS, ORDINAL, OTHER, MENTIONS}),  # a tag's count is of products: "28개 상품"
    "곳": frozenset({COUNT, ITEMS, ORDINAL}),
    "종": frozenset({COUNT, ITEMS, ORDINAL}),
    "배": frozenset({MULTIPLE}),
    "개년": frozenset({SPAN}),
    "위": frozenset({ORDINAL}),
    "강": frozenset({ORDINAL}),  # 1강 체제, 3강 구도: how many brands lead
    "개월": frozenset({MONTHS}),
    "월": frozenset({MONTH}),
    "원": frozenset({PRICE}),
}
_REVIEW_NEAR = re.compile(r"리뷰|후기")
_CONTEXT_KINDS = {"hhi": frozenset({HHI}), "ordinal": frozenset({ORDINAL}), "rating": frozenset({RATING})}


def allowed_kinds(stated: StatedNumber) -> frozenset[str]:
    """The fact kinds a stated number may be matched against (text-quoted numbers are always allowed)."""
    if stated.context in _CONTEXT_KINDS:
        return _CONTEXT_KINDS[stated.context]
    if stated.unit == "년":
        return frozenset({YEAR}) if stated.value >= 1000 else frozenset({SPAN})
    if not stated.unit:
        return _BARE_KINDS
    return _UNIT_KINDS.get(stated.unit, frozenset())


def claimed_interval(stated: StatedNumber) -> tuple[float, float]:
    """The closed interval of true values the writing is consistent with."""
    s, u = stated.value, stated.step
    eps = 1e-9 * max(1.0, s)
    spread = SLIGHT_RELATIVE if stated.slight else 0.5  # "조금 넘는" is just past the bound
    whole_multiple = stated.unit == "배" and u >= 1.0 and s.is_integer()
    if stated.high is not None:
        lo, hi = s - u / 2, stated.high + u / 2
    elif stated.bound == "lower":  # "세 배를 넘는" is past three times, not 2.5x rounded up
        lo = s * (1 - ROUND_WORD_SLACK) if whole_multiple or stated.form != "digits" else s - u / 2
        lo, hi = lo, max(s * (1 + spread), s + (0 if stated.slight else u))
    elif stated.bound == "upper":
        hi = s * (1 + ROUND_WORD_SLACK) if whole_multiple or stated.form != "digits" else s + u / 2
        lo, hi = min(s / (1 + spread), s - (0 if stated.slight else u)), hi
    elif whole_multiple or stated.form in ("fraction", "half"):
        # 두 배, 3배, 3분의 1, 절반: round figures a reader takes as "about", not to the unit
        spread = WORD_RELATIVE + (APPROX_RELATIVE if stated.approx else 0.0)
        lo, hi = s * (1 - spread), s * (1 + spread)
    else:
        if stated.approx and u == 1.0 and s >= 10 and s.is_integer():
            text = str(int(s))
            u = 10.0 ** (len(text) - len(text.rstrip("0")))
        lo, hi = s - u / 2, s + (u if stated.magnitude else u / 2)
        if stated.approx:
            lo, hi = lo - APPROX_RELATIVE * s, hi + APPROX_RELATIVE * s
    return lo - eps, hi + eps


@dataclass(frozen=True)
class NumberCheck:
    """One stated number, what it was attributed to, and its outcome.

    Attributes:
        stated: the number as written (text, span, value, unit, precision).
        labels: the facts that support it (``metrics.topBrands[0].share``, ``growth:2024/2023``);
            empty unless supported.
        outcome: ``"supported"``, ``"contradicted"`` or ``"unverifiable"``.
        claim: what it was attributed to (``"share 레고"``, ``"growth 2022 vs earlier"``); "" when
            its sentence named nothing checkable.
    """

    stated: StatedNumber
    labels: tuple[str, ...]
    outcome: str = ""
    claim: str = ""

    def __post_init__(self) -> None:
        if not self.outcome:
            object.__setattr__(self, "outcome", SUPPORTED if self.labels else UNVERIFIABLE)

    @property
    def supported(self) -> bool:
        return self.outcome == SUPPORTED

    @property
    def contradicted(self) -> bool:
        return self.outcome == CONTRADICTED

    @property
    def fact(self) -> str | None:
        """The fact it was matched to (the first supporting label), None unless supported."""
        return self.labels[0] if self.labels else None


@dataclass
class FactIndex:
    """Candidates of one category, sorted per kind so each stated number costs a few bisections."""

    by_kind: dict[str, tuple[list[float], list[Candidate]]] = field(default_factory=dict)
    text_by_unit: dict[str, tuple[list[float], list[Candidate]]] = field(default_factory=dict)
    failed_derivations: tuple[str, ...] = ()
    subject: Subject = field(default_factory=Subject)
    levels: dict[tuple[str, tuple[int, ...]], float] = field(default_factory=dict)

    @classmethod
    def from_facts(cls, facts: dict[str, Any]) -> FactIndex:
        candidates, failed = derive_all(facts)
        groups: dict[str, list[Candidate]] = {}
        texts: dict[str, list[Candidate]] = {}
        for cand in candidates:
            if cand.kind == TEXT:
                texts.setdefault(cand.unit, []).append(cand)
            else:
                groups.setdefault(cand.kind, []).append(cand)
        levels = {(c.measure, c.years): c.value for c in candidates
                  if c.label.startswith("growthData[") and c.measure in ("growth", "reviews")}
        return cls(_sorted(groups), _sorted(texts), tuple(failed), Subject.from_facts(facts), levels)

    @property
    def brand_names(self) -> tuple[str, ...]:
        return self.subject.names

    def check(self, stated: StatedNumber, claim: Claim = NO_CLAIM, reviews_nearby: bool = False) -> NumberCheck:
        """The outcome of ``stated`` under ``claim`` (a year range needs both of its years).

        ``reviews_nearby`` lets ``N개`` match a review count when 리뷰 is written right beside it.
        """
        if claim.absent:
            return NumberCheck(stated, (), UNVERIFIABLE, claim.what)
        if stated.unit == "년" and stated.high is not None and stated.value >= 1000 and not claim.identified:
            ends = [self.check(_single(stated, v)) for v in (stated.value, stated.high)]
            labels = ends[0].labels + ends[1].labels if all(e.supported for e in ends) else ()
            return NumberCheck(stated, labels)
        found = self.matches(stated, claim, reviews_nearby)
        if not found and claim.alternative is not None:
            found = self.matches(stated, claim.alternative, reviews_nearby)
        if found:
            return NumberCheck(stated, tuple(dict.fromkeys(c.label for c in found)), SUPPORTED, claim.what)
        held = claim.identified and (bool(claim.extra) or self._holds(claim, self._kinds(claim.restated or stated, reviews_nearby)))
        return NumberCheck(stated, (), CONTRADICTED if held else UNVERIFIABLE, claim.what)

    def matches(self, stated: StatedNumber, claim: Claim = NO_CLAIM, reviews_nearby: bool = False) -> list[Candidate]:
        """The candidates about what ``claim`` is about whose value the writing of ``stated`` allows."""
        number = claim.restated or stated
        kinds = self._kinds(number, reviews_nearby)
        lo, hi = claimed_interval(number)
        found = [c for c in self._in_interval(number, kinds, lo, hi) if claim.accepts(c)]
        found += [c for c in claim.extra if c.kind in kinds and lo <= abs(c.value) <= hi and _sign_ok(c, number.direction)]
        if claim.of_reference and number.unit == "%":  # "2024년의 약 68%", "전년의 3분의 1": a ratio
            ratios = _candidates_in(self.by_kind.get(MULTIPLE), lo / 100, hi / 100, 0)
            as_ratio = replace(claim, measures=None)  # "3년 만에 절반에 못 미치는": a ratio, whatever changed
            found += [c for c in ratios if c.measure in ("ratio", "star_ratio") and as_ratio.accepts(c)]
        if number.trend:
            since = claim.year_pair[1] if claim.year_pair is not None else None
            found = [c for c in found if self._trend_ok(c, number.trend, since)]
        return found

    def _trend_ok(self, cand: Candidate, trend: int, since: int | None) -> bool:
        """``9.3%로 높아졌다``: the level must be above (or below) the same measure in the year the
        sentence compares with (``2020년 4,837건에서 ... 14,293건으로 늘어``), else a year earlier."""
        if cand.measure not in ("growth", "cagr", "reviews") or not cand.years:
            return True
        year = since if since is not None and since < cand.years[0] else cand.years[0] - 1
        measure = "reviews" if cand.measure == "reviews" else "growth"
        earlier = (year,) if measure == "reviews" else (year, year - 1)
        before = self.levels.get((measure, earlier))
        return before is None or (cand.value - before) * trend > 0

    @staticmethod
    def _kinds(number: StatedNumber, reviews_nearby: bool) -> frozenset[str] | set[str]:
        return allowed_kinds(number) | ({REVIEWS, MENTIONS} if reviews_nearby and number.unit == "개" else set())

    def _in_interval(self, number: StatedNumber, kinds: frozenset[str] | set[str], lo: float, hi: float) -> list[Candidate]:
        found: list[Candidate] = []
        for kind in kinds:
            found.extend(_candidates_in(self.by_kind.get(kind), lo, hi, number.direction))
        units = {number.unit} if number.unit else set(self.text_by_unit)
        for unit in units:
            found.extend(_candidates_in(self.text_by_unit.get(unit), lo, hi, 0))
        return found

    def _holds(self, claim: Claim, kinds: frozenset[str] | set[str]) -> bool:
        """Whether the facts hold a value for ``claim`` at all (else a miss is unverifiable)."""
        return any(claim.accepts(c) for kind in kinds for c in self.by_kind.get(kind, ((), []))[1])

    def check_text(self, text: str) -> list[NumberCheck]:
        """Attributes and checks every number of ``text``, in order of appearance."""
        numbers = parse_numbers(text)
        claims = attribute(text, numbers, self.subject)
        checks: list[NumberCheck] = []
        for stated, claim in zip(numbers, claims, strict=True):
            checks.append(self.check(stated, claim, _reviews_near(text, stated)))
        if contradicted(checks):
            self._rank_beside_wrong_name(text, numbers, claims, checks)
            self._blame_binders(text, numbers, claims, checks)
        return checks

    def _blame_binders(
        self, text: str, numbers: list[StatedNumber], claims: list[Claim], checks: list[NumberCheck]
    ) -> None:
        """A true value bound to the wrong year: the year is the wrong number.

        ``2021년의 38.1% 성장`` where 38.1% is 2022's rate: the writer had the right figure and the
        wrong year, so ``2021년`` is contradicted, not the rate, unless the same year also binds a
        figure that is right for it (``2021년 5,686건으로 38.1% 증가``: then the rate is wrong). The
        figure must be true of the same measure in another year; a value merely equal to an
        unrelated fact stays the wrong one.
        """
        by_end = {n.end: k for k, n in enumerate(numbers)}
        blamed: set[int] = set()
        right = [check.supported for check in checks]
        for i, claim in enumerate(claims):
            if not checks[i].contradicted or not _exact(numbers[i]):
                continue
            for binder in claim.bound_by:
                k = by_end.get(binder[0])
                if k is None or k == i or (checks[k].contradicted and k not in blamed):
                    continue
                near = _reviews_near(text, numbers[i])
                if self.matches(replace(numbers[i], direction=0), claim, near):
                    break  # true of its own year with the other sign: the direction is what is wrong
                alt = [c for c in self.matches(numbers[i], claim.relaxed(), near) if _another_year(c, claim, binder[1])]
                confirmed = any(right[j] and binder in claims[j].bound_by and self._dated(numbers[j], claims[j], text)
                                for j in range(len(claims)) if j != i)
                if alt and not confirmed:
                    labels = tuple(dict.fromkeys(c.label for c in alt))
                    checks[i] = NumberCheck(numbers[i], labels, SUPPORTED, f"{claim.what}; true of another year")
                    if k not in blamed:
                        checks[k] = NumberCheck(numbers[k], (), CONTRADICTED, f"year of {numbers[i].text}")
                        blamed.add(k)
                    break

    def _dated(self, stated: StatedNumber, claim: Claim, text: str) -> bool:
        """Supported by a figure of a particular year (``전체 리뷰 40건`` is no year's: it confirms none)."""
        return any(c.years for c in self.matches(stated, claim, _reviews_near(text, stated)))

    def _rank_beside_wrong_name(self, text: str, numbers: list[StatedNumber], claims: list[Claim],
                                checks: list[NumberCheck]) -> None:
        """``3위 베베락의 기여는 2.6%`` where 2.6% is the third brand's: rank and figure agree and the
        name is the odd one, so the figure (bound to the name) carries the error, not the rank."""
        for k, claim in enumerate(claims):
            if not checks[k].contradicted or not claim.extra or claim.extra[0].measure != "brand_rank":
                continue
            named, rank = claim.extra[0].brands[0], int(numbers[k].value)
            for i in range(k + 1, len(numbers)):
                if not checks[i].contradicted or claims[i].brand_sets != frozenset({frozenset({named})}):
                    continue
                as_ranked = replace(claims[i], brand_sets=frozenset({frozenset({rank - 1})}), extra=())
                if self.matches(numbers[i], as_ranked, _reviews_near(text, numbers[i])):
                    checks[k] = NumberCheck(numbers[k], (f"rank:{rank}",), SUPPORTED, f"rank {rank}")
                break


def _exact(stated: StatedNumber) -> bool:
    """Written to its last digit (not 약, 두 배, 3분의 1): precise enough to tell which year it is from."""
    whole_multiple = stated.unit == "배" and stated.value.is_integer()
    return stated.form == "digits" and not stated.approx and stated.bound is None and not whole_multiple


def _another_year(cand: Candidate, claim: Claim, role: str = "year") -> bool:
    """``cand`` is the claimed measure in a year other than the one the sentence names (for the
    ``reference`` year of a change: of the same year over another reference)."""
    if cand.measure not in _DATED_MEASURES or not cand.years:
        return False
    owner = claim.year_pair[0] if claim.year_pair else None
    if role == "reference":
        ref = claim.year_pair[1] if claim.year_pair else None
        return len(cand.years) == 2 and cand.years[0] == owner and cand.years[1] != ref
    return owner is None or cand.years[0] != owner


def _reviews_near(text: str, stated: StatedNumber) -> bool:
    """``N개`` may be a review count when 리뷰 is written right beside it."""
    return stated.unit == "개" and bool(_REVIEW_NEAR.search(text, max(0, stated.start - 8), stated.end + 6))


def _single(stated: StatedNumber, value: float) -> StatedNumber:
    return StatedNumber(
        stated.text, value, None, stated.unit, stated.step, False, None, False, 0, stated.context,
        stated.start, stated.end,
    )


def _sorted(groups: dict[str, list[Candidate]]) -> dict[str, tuple[list[float], list[Candidate]]]:
    out: dict[str, tuple[list[float], list[Candidate]]] = {}
    for key, cands in groups.items():
        cands = sorted(cands, key=lambda c: abs(c.value))
        out[key] = ([abs(c.value) for c in cands], cands)
    return out


def _sign_ok(cand: Candidate, direction: int) -> bool:
    return not (direction and cand.signed and cand.value != 0 and (cand.value > 0) != (direction > 0))


def _candidates_in(
    group: tuple[list[float], list[Candidate]] | None, lo: float, hi: float, direction: int
) -> list[Candidate]:
    if group is None:
        return []
    values, cands = group
    return [c for c in cands[bisect_left(values, lo) : bisect_right(values, hi)] if _sign_ok(c, direction)]


def numeric_fidelity(checks: list[NumberCheck]) -> float | None:
    """Supported over stated; None when the text states no number at all."""
    if not checks:
        return None
    return sum(check.supported for check in checks) / len(checks)


def contradicted(checks: list[NumberCheck]) -> bool:
    """Whether any stated number is contradicted by the facts."""
    return any(check.contradicted for check in checks)
