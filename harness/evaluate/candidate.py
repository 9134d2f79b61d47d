"""A value derivable from the facts, and what it is about: what stated numbers are checked against.

``kind`` says which stated units may state a value (a ``%`` never matches a review count);
``measure``, ``brands`` and ``years`` say what the value is a fact about, so a number whose
sentence names its subject ("2022년 리뷰", "레고의 점유율", "상위 3개 브랜드") is compared only with
the values of that subject (``harness.evaluate.claims``).
"""

from __future__ import annotations

from dataclasses import dataclass

PERCENT, POINTS, RATING, COUNT, MULTIPLE = "percent", "pp", "rating", "count", "multiple"
YEAR, ORDINAL, HHI, MONTHS, MONTH, PRICE, SPAN, OTHER, TEXT = (
    "year", "ordinal", "hhi", "months", "month", "price", "span", "other", "text"
)
# Counts of different things are stated with different counters: reviews in 건, products and
# brands in 개, mentions either way; keeping them apart stops "70개 제품" matching 70 reviews.
REVIEWS, ITEMS, MENTIONS = "reviews", "items", "mentions"

# Measures whose ``brands``/``years`` are an ordered pair (subject, reference): "A는 B의 1.4배".
PAIR_MEASURES = frozenset({"gap", "ratio", "diff", "growth", "cagr", "rate_gap"})


@dataclass(frozen=True)
class Candidate:
    """A value derivable from the facts.

    Attributes:
        value: the value in the unit a writer states it in (shares already times 100).
        kind: what it is (``percent``, ``pp``, ``count``, ...); decides which stated units may match.
        label: the fact it comes from (``metrics.top3BrandShare``, ``growth:2024/2023``).
        signed: True when the sign matters (growth rates, gaps), so 증가/감소 must agree with it.
        unit: for numbers quoted inside facts text (``18개월`` in an age mention), the unit written there.
        measure: what the value measures (``share``, ``reviews``, ``growth``, ``low``, ``zero``, ...).
        brands: the brands (0-based rank indices) it is about: a share's brand, the top-k of a sum,
            or (subject, reference) of a gap or a multiple; empty when it is about no brand.
        years: the years it is about: a year's count ``(2022,)`` or (subject, reference) of a change
            between two years ``(2024, 2023)``; empty when it is about no year.
        stars: the star band of a rating-histogram share or count (``"5"``, ``"4-5"``, ``"1-2"``).
    """

    value: float
    kind: str
    label: str
    signed: bool = False
    unit: str = ""
    measure: str = ""
    brands: tuple[int, ...] = ()
    years: tuple[int, ...] = ()
    stars: str = ""
