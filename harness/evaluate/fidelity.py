"""Numeric fidelity: is every number a summary states supported by the facts at the precision shown?

A stated number is supported when some derivable value (``harness.evaluate.derive``) of a kind its
unit allows falls inside the interval the writing claims: ``47.1%`` claims [47.05, 47.15],
``6만 4천 건`` claims [63,500, 65,000] because Korean writers truncate as often as they round,
an approximation word (약, 가량, 수준) widens either by 3% of the value (``약 1,279``) and lets
trailing zeros set the precision (``약 1,300``), ``10~20%`` claims its range and ``40% 이상`` a lower
bound. A word-carried sign (감소, 하락) must agree with a signed fact such as a growth rate.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from harness.evaluate.claims import YearScope, percent_cues
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
    brands_of,
    derive_all,
    num,
)
from harness.evaluate.numbers import StatedNumber, parse_numbers

APPROX_RELATIVE = 0.03
_COUNTS = frozenset({COUNT, REVIEWS, MENTIONS, OTHER})
_BARE_KINDS = frozenset({COUNT, REVIEWS, ITEMS, MENTIONS, HHI, RATING, YEAR, ORDINAL, OTHER, PERCENT, MULTIPLE, SPAN})
_UNIT_KINDS: dict[str, frozenset[str]] = {
    "%": frozenset({PERCENT}),
    "%p": frozenset({POINTS}),
    "점": frozenset({RATING, HHI}),
    "건": _COUNTS,
    "회": _COUNTS,
    "명": _COUNTS,
    "개": frozenset({COUNT, ITEMS, ORDINAL, OTHER}),
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
    if stated.high is not None:
        lo, hi = s - u / 2, stated.high + u / 2
    elif stated.bound == "lower":
        lo, hi = s - u / 2, max(s * 1.5, s + u)
    elif stated.bound == "upper":
        lo, hi = min(s / 1.5, s - u), s + u / 2
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
    """A stated number and the labels of the facts that support it (empty: unsupported)."""

    stated: StatedNumber
    labels: tuple[str, ...]

    @property
    def supported(self) -> bool:
        return bool(self.labels)


@dataclass
class FactIndex:
    """Candidates of one category, sorted per kind so each stated number costs a few bisections."""

    by_kind: dict[str, tuple[list[float], list[Candidate]]] = field(default_factory=dict)
    text_by_unit: dict[str, tuple[list[float], list[Candidate]]] = field(default_factory=dict)
    failed_derivations: tuple[str, ...] = ()
    brand_names: tuple[str, ...] = ()
    growth_years: tuple[int | None, ...] = ()

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
        names = tuple(str(b.get("name") or "") for b in brands_of(facts))
        rows = facts.get("growthData") if isinstance(facts.get("growthData"), list) else []
        years = tuple(
            int(y) if (y := num(row.get("year") if isinstance(row, dict) else None)) is not None else None
            for row in rows
        )
        return cls(_sorted(groups), _sorted(texts), tuple(failed), names, years)

    def check(self, stated: StatedNumber, reviews_nearby: bool = False) -> NumberCheck:
        """Which facts support ``stated`` (a year range needs both of its years).

        ``reviews_nearby`` lets ``N개`` match a review count when 리뷰 is written right beside it.
        """
        if stated.unit == "년" and stated.high is not None and stated.value >= 1000:
            ends = [self.check(_single(stated, v)) for v in (stated.value, stated.high)]
            labels = ends[0].labels + ends[1].labels if all(e.supported for e in ends) else ()
            return NumberCheck(stated, labels)
        lo, hi = claimed_interval(stated)
        labels: list[str] = []
        kinds = allowed_kinds(stated) | ({REVIEWS, MENTIONS} if reviews_nearby and stated.unit == "개" else set())
        for kind in kinds:
            labels.extend(_labels_in(self.by_kind.get(kind), lo, hi, stated.direction))
        units = {stated.unit} if stated.unit else set(self.text_by_unit)
        for unit in units:
            labels.extend(_labels_in(self.text_by_unit.get(unit), lo, hi, 0))
        return NumberCheck(stated, tuple(dict.fromkeys(labels)))

    def check_text(self, text: str) -> list[NumberCheck]:
        """Checks every number of ``text``; a percentage must match a fact its clause points at.

        ``상위 3개 브랜드 ... 29.6%`` claims the top-3 share, ``저평점 비중 1.5%`` the low-rating
        ratio (see ``harness.evaluate.claims``), so a wrong value is not excused by an unrelated
        fact that happens to have it.
        """
        checks: list[NumberCheck] = []
        rank: StatedNumber | None = None
        floor = 0
        scope = YearScope(text, self.growth_years)
        for stated in parse_numbers(text):
            near = stated.unit == "개" and bool(_REVIEW_NEAR.search(text, max(0, stated.start - 8), stated.end + 6))
            check = self.check(stated, near)
            if not scope.see(stated) and scope.years:
                check = NumberCheck(stated, tuple(lb for lb in check.labels if scope.allows(lb)))
            if stated.context == "ordinal":
                rank = stated
            elif stated.unit == "%":
                tests = percent_cues(text, stated, floor, rank, self.brand_names)
                if tests:
                    check = NumberCheck(stated, tuple(lb for lb in check.labels if any(t(lb) for t in tests)))
                rank, floor = None, stated.end
            checks.append(check)
        return checks


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


def _labels_in(
    group: tuple[list[float], list[Candidate]] | None, lo: float, hi: float, direction: int
) -> list[str]:
    if group is None:
        return []
    values, cands = group
    out: list[str] = []
    for cand in cands[bisect_left(values, lo) : bisect_right(values, hi)]:
        if direction and cand.signed and cand.value != 0 and (cand.value > 0) != (direction > 0):
            continue
        out.append(cand.label)
    return out


def numeric_fidelity(checks: list[NumberCheck]) -> float | None:
    """Supported over stated; None when the text states no number at all."""
    if not checks:
        return None
    return sum(check.supported for check in checks) / len(checks)
