"""Paired bootstrap intervals: is one variant better than another on the same golden categories?

Categories differ far more from each other than two variants differ on one category, so the
comparison is paired: resample categories, not outputs, and look at the mean difference. The
generator is seeded from the rules file, so the same runs always give the same interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from harness.ids import category_sort_key


@dataclass(frozen=True)
class Interval:
    """A mean with its bootstrap percentile interval over ``n`` paired categories."""

    mean: float
    low: float
    high: float
    n: int

    def above_zero(self) -> bool:
        """The whole interval lies above zero: the difference is not noise."""
        return self.n > 0 and self.low > 0.0

    def below_zero(self) -> bool:
        return self.n > 0 and self.high < 0.0

    def covers_zero(self) -> bool:
        return not (self.above_zero() or self.below_zero())

    def to_dict(self) -> dict[str, float | int]:
        return {"mean": self.mean, "low": self.low, "high": self.high, "n": self.n}


def bootstrap_mean(values: Sequence[float], resamples: int, seed: int, confidence: float = 0.95) -> Interval:
    """Percentile bootstrap interval of the mean of ``values``.

    Args:
        values: one number per category (already averaged over that category's rows).
        resamples: number of bootstrap resamples.
        seed: seed of the generator (the same seed gives the same interval).
        confidence: two-sided coverage, e.g. 0.95.

    Returns:
        The mean and its interval; with no values, ``nan`` everywhere and ``n == 0``.
    """
    data = np.asarray(values, dtype=float)
    n = int(data.size)
    if n == 0:
        nan = float("nan")
        return Interval(nan, nan, nan, 0)
    mean = float(data.mean())
    if n == 1 or resamples <= 0:
        return Interval(mean, mean, mean, n)
    rng = np.random.Generator(np.random.PCG64(seed))
    idx = rng.integers(0, n, size=(resamples, n))
    means = data[idx].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return Interval(mean, _clean(float(low)), _clean(float(high)), n)


def _clean(value: float) -> float:
    """Rounds away float noise so a difference of exactly zero reads as zero, not 1e-17."""
    return round(value, 12)


@dataclass(frozen=True)
class PairedComparison:
    """``a - b`` per shared category, signed so that positive always means ``a`` is better."""

    interval: Interval
    diffs: dict[str, float]
    wins: int
    losses: int
    ties: int
    only_a: int
    only_b: int

    @property
    def no_difference(self) -> bool:
        """Every shared category ties exactly: a report says so rather than 'mean +0 [+0, +0]'."""
        return self.wins == self.losses == 0 and self.interval.mean == 0

    def to_dict(self) -> dict[str, object]:
        return {
            **self.interval.to_dict(),
            "wins": self.wins,
            "losses": self.losses,
            "ties": self.ties,
            "only_a": self.only_a,
            "only_b": self.only_b,
            "diffs": dict(self.diffs),
        }


def paired_bootstrap(
    a: Mapping[str, float],
    b: Mapping[str, float],
    *,
    higher_is_better: bool,
    resamples: int,
    seed: int,
    confidence: float = 0.95,
    tie_tolerance: float = 0.0,
) -> PairedComparison:
    """Compares two variants category by category.

    Args:
        a: category key -> value of variant ``a`` (nulls already removed).
        b: category key -> value of variant ``b``.
        higher_is_better: the metric's direction; the difference is flipped when lower is better,
            so a positive difference and a win always favour ``a``.
        resamples: bootstrap resamples.
        seed: generator seed.
        confidence: interval coverage.
        tie_tolerance: absolute differences up to this count as ties, not wins or losses.

    Returns:
        The interval of the mean difference, per-category differences, and win/loss/tie counts;
        categories present on one side only are counted, never silently dropped.
    """
    shared = sorted(set(a) & set(b), key=category_sort_key)
    sign = 1.0 if higher_is_better else -1.0
    diffs = {key: _clean(sign * (float(a[key]) - float(b[key]))) for key in shared}
    values = [diffs[key] for key in shared]
    wins = sum(1 for d in values if d > tie_tolerance)
    losses = sum(1 for d in values if d < -tie_tolerance)
    return PairedComparison(
        interval=bootstrap_mean(values, resamples, seed, confidence),
        diffs=diffs,
        wins=wins,
        losses=losses,
        ties=len(values) - wins - losses,
        only_a=len(set(a) - set(b)),
        only_b=len(set(b) - set(a)),
    )

