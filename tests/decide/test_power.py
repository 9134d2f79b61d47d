"""Power figures: the minimum detectable difference and the categories an effect needs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from harness.decide.bootstrap import paired_bootstrap
from harness.decide.power import categories_needed, estimate, minimum_detectable_difference, z_sum


def test_z_sum__95_percent_and_80_percent_power() -> None:
    assert z_sum(0.95, 0.8) == pytest.approx(1.95996 + 0.84162, abs=1e-4)


def test_mdd__shrinks_with_the_square_root_of_n() -> None:
    at_16 = minimum_detectable_difference(1.0, 16, 0.95)
    at_64 = minimum_detectable_difference(1.0, 64, 0.95)
    assert at_16 == pytest.approx(2 * at_64)
    assert at_16 == pytest.approx(z_sum(0.95) / 4)


def test_categories_needed__inverts_the_mdd() -> None:
    sd, n = 1.3, 16
    mdd = minimum_detectable_difference(sd, n, 0.95)
    assert categories_needed(sd, mdd, 0.95) == n
    assert categories_needed(sd, mdd / 2, 0.95) == 4 * n  # half the effect, four times the categories


def test_categories_needed__edges() -> None:
    assert categories_needed(1.0, 0.0, 0.95) is None
    assert categories_needed(0.0, 0.5, 0.95) == 2


def test_estimate__from_paired_differences() -> None:
    diffs = [0, 3, 0, 2, 0, 2, 1, 1, 1, -2, 1, 0, -1, 0]
    est = estimate(diffs, 0.95, effects=[0.5, 1.0])
    assert est.n == 14 and est.mean == pytest.approx(8 / 14)
    assert est.sd == pytest.approx(float(np.std(diffs, ddof=1)))
    assert est.mdd == pytest.approx(z_sum(0.95) * est.sd / math.sqrt(14))
    assert est.needed[1.0] < est.needed[0.5]


def test_estimate__too_few_categories_has_no_sd() -> None:
    est = estimate([0.4], 0.95, effects=[0.2])
    assert est.sd is None and est.mdd is None and est.needed == {0.2: None}


def test_mdd__agrees_with_the_rules_bootstrap_in_simulation() -> None:
    """A true difference of the MDD is detected (interval above zero) about `power` of the time."""
    rng = np.random.default_rng(7)
    sd, n = 1.0, 16
    effect = minimum_detectable_difference(sd, n, 0.95, 0.8)
    hits = 0
    trials = 200
    for _ in range(trials):
        diffs = rng.normal(effect, sd, n)
        a = {str(i): float(d) for i, d in enumerate(diffs)}
        b = {str(i): 0.0 for i in range(n)}
        cmp = paired_bootstrap(a, b, higher_is_better=True, resamples=500, seed=1, confidence=0.95)
        hits += cmp.interval.above_zero()
    assert 0.7 <= hits / trials <= 0.95  # the percentile bootstrap is a little liberal at n=16
