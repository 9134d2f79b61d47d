"""Paired bootstrap: deterministic, signed by the metric's direction, counting what it cannot pair."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.decide.bootstrap import bootstrap_mean, paired_bootstrap


def test_bootstrap_mean__same_seed_same_interval() -> None:
    values = [0.1, 0.4, -0.2, 0.3, 0.0, 0.5]
    assert bootstrap_mean(values, 1000, 7) == bootstrap_mean(values, 1000, 7)
    assert bootstrap_mean(values, 1000, 7) != bootstrap_mean(values, 1000, 8)


def test_bootstrap_mean__interval_brackets_mean_and_narrows_with_agreement() -> None:
    wide = bootstrap_mean([-1.0, 2.0, -0.5, 1.5, 0.0, 1.0], 2000, 1)
    narrow = bootstrap_mean([0.9, 1.1, 1.0, 0.95, 1.05, 1.0], 2000, 1)
    assert wide.low <= wide.mean <= wide.high and wide.covers_zero()
    assert narrow.above_zero() and (narrow.high - narrow.low) < (wide.high - wide.low)


def test_bootstrap_mean__empty_and_single() -> None:
    empty = bootstrap_mean([], 100, 1)
    assert empty.n == 0 and not empty.above_zero() and empty.covers_zero()
    one = bootstrap_mean([0.3], 100, 1)
    assert (one.low, one.mean, one.high) == (0.3, 0.3, 0.3)


def test_paired_bootstrap__lower_is_better_flips_sign() -> None:
    latency_model = {"1": 1.0, "2": 1.0, "3": 1.0}
    latency_template = {"1": 2.0, "2": 2.5, "3": 3.0}
    cmp = paired_bootstrap(latency_model, latency_template, higher_is_better=False, resamples=500, seed=3)
    assert cmp.wins == 3 and cmp.interval.above_zero()
    assert cmp.diffs == {"1": 1.0, "2": 1.5, "3": 2.0}


def test_paired_bootstrap__unpaired_categories_are_counted_and_ties_tolerated() -> None:
    a = {"1": 0.5, "2": 0.52, "10": 0.9, "only_a": 1.0}
    b = {"1": 0.5, "2": 0.5, "10": 0.1, "3": 0.0}
    cmp = paired_bootstrap(a, b, higher_is_better=True, resamples=200, seed=1, tie_tolerance=0.05)
    assert list(cmp.diffs) == ["1", "2", "10"]
    assert (cmp.wins, cmp.losses, cmp.ties, cmp.only_a, cmp.only_b) == (1, 0, 2, 1, 1)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=1, max_size=12))
def test_paired_bootstrap__swapping_sides_mirrors_the_result(pairs: list[tuple[float, float]]) -> None:
    a = {str(i): x for i, (x, _) in enumerate(pairs)}
    b = {str(i): y for i, (_, y) in enumerate(pairs)}
    ab = paired_bootstrap(a, b, higher_is_better=True, resamples=200, seed=5)
    ba = paired_bootstrap(b, a, higher_is_better=True, resamples=200, seed=5)
    assert (ab.wins, ab.losses, ab.ties) == (ba.losses, ba.wins, ba.ties)
    assert abs(ab.interval.mean + ba.interval.mean) < 1e-9
    assert abs(ab.interval.low + ba.interval.high) < 1e-9
    assert ab.interval.low <= ab.interval.mean + 1e-12 and ab.interval.mean <= ab.interval.high + 1e-12
