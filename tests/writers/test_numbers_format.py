"""One format per kind of number, rounded half-up so a fidelity check can mirror it."""

from __future__ import annotations

import pytest

from harness.writers import numbers_format as nf


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: nf.count(64518, "건"), "64,518건"),
    (lambda: nf.count(9190, "개") + " 제품", "9,190개 제품"),
    (lambda: nf.ratio_pct(0.4712), "47.1%"),
    (lambda: nf.ratio_pct(0.125), "12.5%"),
    (lambda: nf.ratio_pct(0.4715), "47.2%"),  # half-up, not banker's rounding
    (lambda: nf.pct(17.552201777961546), "17.6%"),
    (lambda: nf.growth(17.552201777961546), "17.6% 증가"),
    (lambda: nf.growth(-18.362409270342546), "18.4% 감소"),
    (lambda: nf.growth(176.0411792232101), "176.0% 증가"),
    (lambda: nf.rating(4.749635760562944), "4.7점"),
    (lambda: nf.rating(4.75), "4.8점"),
    (lambda: nf.hhi(1279.4), "HHI 약 1,279"),
    (lambda: nf.hhi(10000.0), "HHI 약 10,000"),
    (lambda: nf.points(0.14216543796076472 - 0.09930651005872798), "4.3%p"),
    (lambda: nf.points(-0.0429), "4.3%p"),
    (lambda: nf.year(2024), "2024년"),
    (lambda: nf.months(9.0), "9개월"),
    (lambda: nf.months(6.53), "6.5개월"),
    (lambda: nf.top_n(3), "상위 3개"),
    (lambda: nf.one_decimal(1234.56), "1,234.6"),
])
def test_numbers_format__one_way_each(call, expected):
    assert call() == expected


def test_numbers_format__flat_growth_detected():
    assert nf.is_flat(0.04) and nf.is_flat(-0.049)
    assert not nf.is_flat(0.05) and not nf.is_flat(-3.2)
