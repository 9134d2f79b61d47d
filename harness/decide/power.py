"""What the golden set can detect: the smallest difference, and the categories an effect needs.

The rules call a model better when the paired bootstrap interval of (model - template) over the
golden categories lies above zero. Whether it can, for a real difference, depends on how much the
per-category differences scatter. With ``n`` categories whose paired differences have standard
deviation ``s``, the normal approximation (two-sided level from the rules' confidence, a target
power) gives the minimum detectable difference

    MDD = (z[1 - alpha/2] + z[power]) * s / sqrt(n)

and the categories an effect ``d`` needs, ``n = ceil(((z[1 - alpha/2] + z[power]) * s / d) ** 2)``.
The bootstrap percentile interval the rules use is close to this normal interval at these sizes;
the figures are for planning (how many golden categories to add), not a second test.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist, stdev

DEFAULT_POWER = 0.8


@dataclass(frozen=True)
class PowerEstimate:
    """One metric's paired differences and what they let the golden set detect.

    Attributes:
        n: categories with a paired difference.
        mean: their mean (the observed effect).
        sd: their sample standard deviation (None with fewer than two categories).
        mdd: the minimum detectable difference at the confidence and power given (None without
            an ``sd``; 0.0 when every difference is equal, which says the scatter was not measured).
        needed: for each effect asked about, the categories it would need (None: not computable).
    """

    n: int
    mean: float
    sd: float | None
    mdd: float | None
    needed: dict[float, int | None]


def z_sum(confidence: float, power: float = DEFAULT_POWER) -> float:
    """``z[1 - alpha/2] + z[power]`` for a two-sided level ``confidence`` (e.g. 1.96 + 0.84)."""
    if not 0.5 < confidence < 1.0 or not 0.0 < power < 1.0:
        raise ValueError(f"confidence must be in (0.5, 1) and power in (0, 1), got {confidence}, {power}")
    normal = NormalDist()
    return normal.inv_cdf(1.0 - (1.0 - confidence) / 2.0) + normal.inv_cdf(power)


def minimum_detectable_difference(sd: float, n: int, confidence: float, power: float = DEFAULT_POWER) -> float:
    """The smallest mean paired difference ``n`` categories detect with the given power."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return z_sum(confidence, power) * sd / math.sqrt(n)


def categories_needed(sd: float, effect: float, confidence: float, power: float = DEFAULT_POWER) -> int | None:
    """Categories a mean paired difference of ``effect`` needs to be detected (None for effect 0)."""
    if effect == 0:
        return None
    if sd == 0:
        return 2  # no scatter: any consistent difference shows at the smallest sample with a spread
    return max(2, math.ceil((z_sum(confidence, power) * sd / abs(effect)) ** 2))


def estimate(
    diffs: Sequence[float], confidence: float, power: float = DEFAULT_POWER, effects: Iterable[float] = ()
) -> PowerEstimate:
    """What paired differences ``diffs`` (one per category) say about the set's power.

    Args:
        diffs: per-category differences of one metric (model - template, oriented so + is better).
        confidence: the rules' bootstrap confidence.
        power: the probability of detecting a real difference of the MDD's size.
        effects: mean differences to size the golden set for (e.g. the observed one and half of it).
    """
    values = [float(d) for d in diffs]
    n = len(values)
    mean = sum(values) / n if n else float("nan")
    sd = stdev(values) if n >= 2 else None
    mdd = None if sd is None else minimum_detectable_difference(sd, n, confidence, power)
    needed = {float(e): (None if sd is None else categories_needed(sd, e, confidence, power)) for e in effects}
    return PowerEstimate(n=n, mean=mean, sd=sd, mdd=mdd, needed=needed)
