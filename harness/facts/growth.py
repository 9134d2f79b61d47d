"""Yearly review counts and growth rates, with the export's last year treated as partial.

An export that ends in June holds half a year of reviews for its last year; comparing that half
year with a full previous year reads as a 50% decline that never happened. A year the export
covers only partly is flagged (``partial``), carries ``monthsCovered`` and an
``annualizedReviewCount`` (count * 12 / monthsCovered, rounded for display), and its ``growthRate``
compares the unrounded annualised count with the previous year: for a small category the rounding
alone moves the rate by several points (12 reviews over 11.38 months: 58.2%, not 62.5% on 13). A year wholly after the export's end has
``monthsCovered`` 0 and no growth rate.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd


@lru_cache(maxsize=4096)
def months_covered(year: int, end: pd.Timestamp | None) -> float:
    """Months of ``year`` up to and including the export's end date (12.0 for complete years)."""
    if end is None or end.year > year:
        return 12.0
    if end.year < year:
        return 0.0
    start = pd.Timestamp(year=year, month=1, day=1)
    days_in_year = 366 if pd.Timestamp(year=year, month=12, day=31).dayofyear == 366 else 365
    elapsed = (end.normalize() - start).days + 1
    return round(elapsed / days_in_year * 12.0, 2)


def growth_rate(current: float, previous: float | None) -> float | None:
    """Growth in percent; None when there is no previous year or it had no reviews."""
    if previous is None or previous <= 0:
        return None
    return (current - previous) / previous * 100.0


def growth_data(counts: np.ndarray, years: tuple[int, ...], end: pd.Timestamp | None) -> list[dict[str, Any]]:
    """One entry per year; an empty list when the category has no dated review in those years."""
    if counts.size == 0 or int(counts.sum()) == 0:
        return []
    rows: list[dict[str, Any]] = []
    previous: float | None = None
    for year, count in zip(years, counts.tolist(), strict=True):
        months = months_covered(year, end)
        partial = months < 12.0
        exact = count * 12.0 / months if partial and months > 0 else None
        basis = exact if partial else float(count)
        rate = growth_rate(basis, previous) if basis is not None else None
        rows.append(
            {
                "year": int(year),
                "reviewCount": int(count),
                "growthRate": rate,
                "partial": partial,
                "monthsCovered": months,
                "annualizedReviewCount": round(exact) if exact is not None else None,
            }
        )
        previous = basis
    return rows
