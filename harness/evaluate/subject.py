"""What attribution needs to know about one category: its brands (names, shares, counts) and years.

Built once per category next to its ``FactIndex``; it also derives the values only a particular
claim asks for, which are too many to enumerate up front: the sum over any set of named brands
(``A, C의 합계``) and how many brands lie on one side of a threshold (``17개 브랜드가 5% 미만``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.evaluate.candidate import ITEMS, MENTIONS, MULTIPLE, OTHER, PERCENT, PRICE, REVIEWS, Candidate
from harness.evaluate.fact_fields import (
    as_dict,
    as_records,
    branded_reviews,
    brands_of,
    growth_of,
    metrics_of,
    num,
    years_of,
)
from harness.evaluate.mentions import brand_aliases

_CLASSIFIER = r"(?:\s?(?:태그|키워드|해시태그|상황|장면|맥락|타입|유형|세그먼트))?"
_TERM_TAIL = re.compile(r"(?:['‘’\"“”]?" + _CLASSIFIER + r"\s?(?:[이가은는도의과와]|으로|로|에서|에)?\s?(?:사용\s?(?:장면|상황|맥락)으?로\s?)?(?:각각\s?)?\(?\s?)$")


_QUOTED = re.compile(r"['‘\"“]([^'’\"”]{2,20})['’\"”]")
_MARKED = re.compile(r"['‘’\"“”]" + _CLASSIFIER + r"\s?(?:[이가은는도의과와]|으로|로|에서|에)?\s?(?:사용\s?(?:장면|상황|맥락)으?로\s?)?(?:각각\s?)?\(?\s?$|\(\s?$")


@dataclass(frozen=True)
class Subject:
    """One category's brands in rank order and its growth years."""

    names: tuple[str, ...] = ()
    aliases: tuple[tuple[str, int], ...] = ()
    shares: tuple[float | None, ...] = ()
    counts: tuple[float | None, ...] = ()
    brand_count: float | None = None
    years: tuple[int, ...] = ()
    terms: tuple[str, ...] = ()
    term_counts: dict[str, tuple[float, ...]] = field(default_factory=dict)
    rates: dict[int, float] = field(default_factory=dict)
    totals: tuple[Candidate, ...] = ()
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    revenues: tuple[Candidate, ...] = ()
    labels: str = ""
    partial_years: tuple[int, ...] = ()
    monthly: tuple[Candidate, ...] = ()
    peak: int | None = None  # the year with the most reviews ("정점"), when one year has them

    @classmethod
    def from_facts(cls, facts: dict[str, Any]) -> Subject:
        brands = brands_of(facts)
        names = tuple(str(b.get("name") or "") for b in brands)
        return cls(
            names,
            tuple(brand_aliases(names)),
            tuple(num(b.get("share")) for b in brands),
            tuple(num(b.get("reviewCount")) for b in brands),
            num(metrics_of(facts).get("brandCount")),
            tuple(years_of(growth_of(facts))),
            *_terms(facts, str(facts.get("categoryName") or "")),
            {int(float(r["year"])): rate for r in growth_of(facts) if (rate := num(r.get("growthRate"))) is not None},
            _totals(facts),
            _tags(facts),
            tuple(Candidate(v, PRICE, f"estimatedRevenue:{int(float(r['year']))}", measure="revenue")
                  for r in growth_of(facts) if (v := num(r.get("estimatedRevenue"))) is not None),
            " | ".join(str(r.get("segment") or "") for r in as_records(metrics_of(facts).get("topSegments"))),
            tuple(int(float(r["year"])) for r in growth_of(facts) if num(r.get("annualizedReviewCount")) is not None),
            _monthly(facts),
            _peak(facts),
        )

    def quotes_term(self, window: str) -> bool:
        """Whether ``window`` quotes a term the facts count (``'모빌' 타입이 전체 상품의``)."""
        return any(q in self.terms for q in _QUOTED.findall(window))

    def names_term(self, window: str, marked: bool = False) -> str | None:
        """The tag, keyword, scenario, age or segment the facts count mentions of that ``window`` ends
        with (``'외출'이``, ``차량(``, ``'버튼'과 '사운드'가 각각``); with ``marked``, only a quoted one or
        one right before an aside (a bare topic such as ``기저귀는`` is the market, not a keyword)."""
        if marked and not _MARKED.search(window):
            return None
        tail = _TERM_TAIL.sub("", window)
        return next((term for term in self.terms if tail.endswith(term)), None)

    def term_candidates(self, term: str) -> tuple[Candidate, ...]:
        """The counts the facts give for ``term`` (a tag's products, a keyword's or scenario's mentions)."""
        return tuple(Candidate(v, MENTIONS, f"term:{term}", measure="term") for v in self.term_counts.get(term, ()))

    def sums(self, brand_sets: Iterable[frozenset[int]]) -> tuple[Candidate, ...]:
        """Share and review sums over each named set of two or more brands."""
        out: list[Candidate] = []
        for members in brand_sets:
            if len(members) < 2 or max(members) >= len(self.names):
                continue
            ranks = tuple(sorted(members))
            label = "sum:" + "+".join(self.names[i] for i in ranks)
            shares = [self.shares[i] for i in ranks]
            counts = [self.counts[i] for i in ranks]
            if all(s is not None for s in shares):
                out.append(Candidate(sum(s for s in shares if s) * 100, PERCENT, label, measure="share", brands=ranks))
            if all(c is not None for c in counts):
                out.append(Candidate(sum(c for c in counts if c), REVIEWS, label, measure="reviews", brands=ranks))
        return tuple(out)

    def group_ratios(self, brand_sets: Iterable[frozenset[int]], reference: int) -> tuple[Candidate, ...]:
        """A group of brands over one brand (``2위부터 10위까지 합쳐도 선두의 6분의 1``), as a multiple and
        as a percentage of the reference, for each named set of two or more brands besides it (a set read
        with the reference in it, ``2위 A부터 10위 B까지 ... 선두의``, is compared without it)."""
        ref = self.shares[reference] if 0 <= reference < len(self.shares) else None
        out: list[Candidate] = []
        for named in brand_sets:
            members = named - {reference}
            shares = [self.shares[i] for i in members if 0 <= i < len(self.shares)]
            if not ref or len(members) < 2 or len(shares) != len(members) or None in shares:
                continue
            ratio = sum(s for s in shares if s) / ref
            label = "group/" + self.name(reference)
            out += [Candidate(ratio, MULTIPLE, label, measure="group_ratio"),
                    Candidate(ratio * 100, PERCENT, label, measure="group_ratio")]
        return tuple(out)

    def threshold_counts(self, threshold: float, bound: str | None) -> tuple[Candidate, ...]:
        """How many listed brands (and, where the list settles it, all brands) lie below or above ``threshold``%.

        Brands outside the list hold less than the last listed one, so when that one is already
        below the threshold every unlisted brand is too.
        """
        shares = [s * 100 for s in self.shares if s is not None]
        if not shares:
            return ()
        below = bound == "upper"
        listed = sum(1 for s in shares if (s < threshold if below else s >= threshold))
        out = [Candidate(listed, ITEMS, f"brands {'<' if below else '>='} {threshold:g}% (listed)", measure="threshold")]
        unlisted = (self.brand_count or 0) - len(shares)
        if below and unlisted > 0 and min(shares) < threshold:
            out.append(Candidate(listed + unlisted, ITEMS, f"brands < {threshold:g}%", measure="threshold"))
        return tuple(out)

    def name(self, index: int | None) -> str:
        return self.names[index] if index is not None and 0 <= index < len(self.names) else "?"

    def describe(self, brand_sets: Iterable[frozenset[int]] | None, pair: tuple[int | None, int | None] | None) -> str:
        if pair is not None:
            return f"{self.name(pair[0])} vs {self.name(pair[1])}"
        if not brand_sets:
            return ""
        return " | ".join("+".join(self.name(i) for i in sorted(s)) for s in sorted(brand_sets, key=sorted))


def _terms(facts: dict[str, Any], category: str) -> tuple[tuple[str, ...], dict[str, tuple[float, ...]]]:
    """Words the facts count mentions of (``'외출'이 318건``), two characters or longer, and their counts."""
    metrics, insights = metrics_of(facts), as_dict(facts.get("reviewInsights"))
    counts: dict[str, list[float]] = {}
    for records, key in (
        (as_records(metrics.get("topTags")), "tag"),
        (as_records(metrics.get("topSegments")), "segment"),
        (as_records(insights.get("topKeywords")), "keyword"),
        (as_records(insights.get("distinctiveKeywords")), "keyword"),
        (as_records(insights.get("usageScenarios")), "scenario"),
        (as_records(insights.get("ageMentions")), "age"),
    ):
        for record in records:
            if record.get(key) is None:
                continue
            term = str(record.get(key)).split(":")[-1].strip()
            if len(term) >= 2 and term not in category:
                value = num(record.get("count"))
                counts.setdefault(term, []).extend([value] if value is not None else [])
    counted = {t: tuple(v) for t, v in counts.items() if v}  # a keyword with only a score is no count
    return tuple(sorted(counted, key=len, reverse=True)), counted  # longest first: names_term tries them in order


def _totals(facts: dict[str, Any]) -> tuple[Candidate, ...]:
    """The review totals a share is computed over: all reviews, the rated ones, the branded ones."""
    metrics = metrics_of(facts)
    rated = sum(v for v in (num(x) for x in as_dict(metrics.get("ratingHistogram")).values()) if v is not None)
    branded = branded_reviews(facts)
    values = (("metrics.totalReviewCount", num(metrics.get("totalReviewCount"))), ("ratingHistogram:total", rated or None),
              ("dataQuality.brandedReviewCount", branded))
    return tuple(Candidate(v, REVIEWS, label, measure="base_total") for label, v in values if v is not None)


def _tags(facts: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each product tag and the ways a writer names it: in full, or by its first word (``흡수력 태그``)."""
    out: dict[str, tuple[str, ...]] = {}
    for record in as_records(metrics_of(facts).get("topTags")):
        tag = str(record.get("tag") or "").strip()
        if len(tag) >= 2:
            first = tag.split()[0]
            out[tag] = (tag, first) if len(first) >= 2 and first != tag else (tag,)
    return out


def _monthly(facts: dict[str, Any]) -> tuple[Candidate, ...]:
    """A year's reviews per month covered (``월평균 8.4건``): only a sentence that says 월평균 claims one."""
    out: list[Candidate] = []
    for row in growth_of(facts):
        count, months = num(row.get("reviewCount")), num(row.get("monthsCovered"))
        if count is not None and months:
            year = int(float(row["year"]))
            out.append(Candidate(count / months, OTHER, f"monthlyReviews:{year}", measure="monthly", years=(year,)))
    return tuple(out)


def _peak(facts: dict[str, Any]) -> int | None:
    counts = {int(float(r["year"])): c for r in growth_of(facts) if (c := num(r.get("reviewCount"))) is not None}
    if len(counts) < 2:
        return None
    top = max(counts.values())
    peaks = [y for y, c in counts.items() if c == top]
    return peaks[0] if len(peaks) == 1 else None
