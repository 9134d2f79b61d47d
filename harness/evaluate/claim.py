"""What a stated number claims: the restrictions attribution puts on the facts it may match.

A ``Claim`` is built per number by ``harness.evaluate.claims.attribute``; ``FactIndex`` matches a
number only against the candidates the claim accepts. Every restriction left None is unknown and
does not filter; a claim with any restriction is *identified*, so a wrong value is a contradiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from harness.evaluate.candidate import COUNT, MENTIONS, OTHER, PAIR_MEASURES, REVIEWS, Candidate
from harness.evaluate.stated import StatedNumber

Pair = tuple[int | None, int | None]
_RANGE_MEASURES = frozenset({"sum", "mean", "span", "streak", "streak_part"})
_COUNT_KINDS = frozenset({REVIEWS, COUNT, MENTIONS, OTHER})


@dataclass(frozen=True)
class Claim:
    """What a stated number claims; every restriction left None is unknown and does not filter.

    Attributes:
        what: a short description for reports (``"share 레고"``, ``"growth 2022 vs earlier"``).
        measures: the measures it may be (``Candidate.measure``).
        brand_sets: for a share or a brand's review count, the brand sets it may be about.
        brand_pair: for a gap or multiple between brands, (subject, reference), either may be None.
        years: for a single year's figure, the years it may be about.
        year_pair: for a change between years, (owner, reference), either may be None.
        year_span: a period: any year or change inside it.
        stars: for a star share or count, the star bands it may be about (``"5"``, ``"4-5"``).
        extra: values derived for this claim only (a sum over named brands, a threshold count).
        absent: it names a measure the facts do not carry: unverifiable whatever its value.
        restated: the number as the value it claims (``10건 중 8건`` -> 80%), else None.
        bound_by: (where it ends, ``"year"``) of a year number that alone binds this claim, which
            may itself be the wrong number.
        of_reference: ``X의 68%`` / ``X의 3분의 1``: a percentage of something, so a ratio.
        dated: a year owns the figure: a count is that year's, not an undated total.
        alternative: another reading the number may be supported under (a proportion's part read
            as a count: ``100건 중 17건에서 언급``).
        excluded: measures it cannot be (a count stated without any comparison is no difference).
        branded: a count said of a brand is that brand's (or a difference between brands), not a total.
    """

    what: str = ""
    measures: frozenset[str] | None = None
    brand_sets: frozenset[frozenset[int]] | None = None
    brand_pair: Pair | None = None
    years: frozenset[int] | None = None
    year_pair: Pair | None = None
    year_span: tuple[int, int] | None = None
    stars: frozenset[str] | None = None
    extra: tuple[Candidate, ...] = field(default=())
    absent: bool = False
    restated: StatedNumber | None = None
    bound_by: tuple[tuple[int, str], ...] = ()
    of_reference: bool = False
    dated: bool = False
    alternative: Claim | None = None
    excluded: frozenset[str] = frozenset()
    branded: bool = False

    @property
    def identified(self) -> bool:
        """Something checkable was identified, so a wrong value is a contradiction."""
        restrictions = (self.measures, self.brand_sets, self.brand_pair, self.years, self.year_pair, self.stars,
                        self.year_span)
        return self.absent or bool(self.extra) or any(r is not None for r in restrictions)

    def relaxed(self) -> Claim:
        """The same claim with its year left open (to ask whether the figure is another year's)."""
        return replace(self, years=None, year_pair=None, year_span=None, bound_by=(), dated=False)

    def accepts(self, cand: Candidate) -> bool:
        """Whether ``cand`` is about what this claim is about (its value is checked elsewhere)."""
        if self.measures is not None and cand.measure not in self.measures:
            return False
        if cand.measure in self.excluded or (self.branded and not cand.brands):
            return False
        if cand.measure in PAIR_MEASURES and not self._compares_like(cand):
            return False
        if cand.brands and not self._brands_ok(cand):
            return False
        if cand.stars and self.stars is not None and cand.stars not in self.stars:
            return False
        if self.dated and not cand.years and cand.kind in _COUNT_KINDS:
            return False
        return not cand.years or self._years_ok(cand)

    def _compares_like(self, cand: Candidate) -> bool:
        """A change between years is not a gap between brands: the claim must compare what ``cand`` does."""
        about_brands = self.brand_sets is not None or self.brand_pair is not None
        about_years = self.years is not None or self.year_pair is not None or self.year_span is not None
        if cand.brands and about_years and not about_brands:
            return False
        return not (cand.years and about_brands and not about_years)

    def _brands_ok(self, cand: Candidate) -> bool:
        if cand.measure in PAIR_MEASURES and len(cand.brands) == 2:
            if self.brand_pair is not None:
                return _pair_ok(self.brand_pair, cand.brands)
            return self.brand_sets is None or any(s <= set(cand.brands) for s in self.brand_sets)
        return self.brand_sets is None or frozenset(cand.brands) in self.brand_sets

    def _years_ok(self, cand: Candidate) -> bool:
        if self.year_span is not None:
            lo, hi = self.year_span
            if cand.measure == "span":
                return cand.years == (hi, lo)
            if cand.measure.startswith("streak"):  # "2022년부터 2025년까지 4년 연속": the run is the period
                starts = (lo, lo + 1) if cand.measure == "streak" else (lo,)
                return cand.years[0] == hi and cand.years[1] in starts
            if cand.measure in _RANGE_MEASURES:  # a total over years is of the period named, not of a part
                return cand.years == (hi, lo)
            if len(cand.years) == 2 and lo <= cand.years[0] <= hi and cand.years[1] == cand.years[0] - 1:
                return True  # "2021~2024년 ... 증가율은 47.6%에서": 2021's rate (over 2020) is a figure of 2021
            return all(lo <= y <= hi for y in cand.years)
        if cand.measure == "span" and self.year_pair is not None:  # "2021년 ...에서 2024년 ... 2년 만에"
            return _pair_ok(self.year_pair, cand.years)
        if cand.measure in _RANGE_MEASURES:  # a total over years needs its period named
            return self.years is None and self.year_pair is None
        if len(cand.years) == 1:
            return self.years is None or cand.years[0] in self.years
        if self.year_pair is not None and self.year_pair[1] is None and self.year_pair[0] is not None:
            return cand.years[0] == self.year_pair[0] and cand.years[1] < cand.years[0]  # unnamed: an earlier year
        return self.year_pair is None or _pair_ok(self.year_pair, cand.years)


def _pair_ok(pattern: Pair, pair: tuple[int, ...]) -> bool:
    subject, ref = pattern
    return (subject is None or pair[0] == subject) and (ref is None or pair[1] == ref)


NO_CLAIM = Claim()
