"""Every number the template writer prints goes through this module, so there is one format each.

The numeric-fidelity metric (``harness.evaluate``) parses these shapes back and looks for a facts
value that rounds to them; mirror this table there when a format changes.

=====================  =======================  ==============================================
kind                   example                  rule
=====================  =======================  ==============================================
count + unit           ``64,518건``             integer, thousands separators, unit glued on
                       ``9,190개 제품``         (건 reviews, 개 products/brands/keywords)
ratio as percent       ``47.1%``                a 0..1 ratio times 100, one decimal
percent value          ``17.6%``                a value already in percent, one decimal
growth                 ``17.6% 증가``            absolute percent, one decimal, then 증가/감소
                       ``18.4% 감소``            (the sign is carried by the word, never ``-``)
rating                 ``4.7점``                one decimal, then 점
HHI                    ``HHI 약 1,279``          rounded to an integer, separators, after 약
percentage points      ``4.3%p``                difference of two ratios times 100, one
                                                decimal, computed from the raw facts values
year                   ``2024년``               four digits, no separator
months                 ``9개월`` ``9.5개월``    months of a partial year (one decimal unless whole)
top-N                  ``상위 3개``              N from the facts (3 for top-3 share, or the
                                                number of listed brands)
=====================  =======================  ==============================================

Rounding is half-up on the decimal value (``round`` on floats is banker's rounding and would
print 0.125 as 12.2%), so 0.4715 prints as 47.2% and a fidelity check that rounds half-up agrees.
Currency is never printed: prices and revenue estimates stay out of the text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache


def _round(value: float, places: int) -> Decimal:
    return _round_text(repr(float(value)), places)


@lru_cache(maxsize=1 << 16)
def _round_text(text: str, places: int) -> Decimal:
    """Half-up rounding of a float's repr; cached because counts and years repeat across the many
    summaries of one category (keyed by the repr, so 0.0 and -0.0 stay apart)."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(text).quantize(quantum, rounding=ROUND_HALF_UP)


def integer(value: float) -> str:
    """``64518`` -> ``64,518`` (half-up to an integer, thousands separators)."""
    return f"{int(_round(value, 0)):,}"


def count(value: float, unit: str, space: bool = False) -> str:
    """A count with its unit: ``count(64518, "건")`` -> ``64,518건``; ``space`` puts a space before a noun unit."""
    return f"{integer(value)}{' ' if space else ''}{unit}"


def one_decimal(value: float) -> str:
    """One decimal, half-up, with thousands separators in the integer part: ``1234.56`` -> ``1,234.6``."""
    rounded = _round(value, 1)
    return f"{rounded:,.1f}"


def ratio_pct(ratio: float) -> str:
    """A 0..1 ratio as a percent: ``0.4712`` -> ``47.1%``."""
    return f"{one_decimal(float(ratio) * 100)}%"


def pct(value: float) -> str:
    """A value already in percent: ``17.552`` -> ``17.6%``."""
    return f"{one_decimal(value)}%"


def growth(rate_pct: float) -> str:
    """A growth rate in percent with its direction word: ``-18.36`` -> ``18.4% 감소``.

    A rate that rounds to 0.0 reads ``0.0% 변동`` would be odd; callers say 보합 in words instead
    (see :func:`is_flat`).
    """
    word = "증가" if rate_pct > 0 else "감소"
    return f"{one_decimal(abs(rate_pct))}% {word}"


def is_flat(rate_pct: float) -> bool:
    """True when a growth rate prints as 0.0%, so the text should say 보합 rather than a direction."""
    return _round(abs(rate_pct), 1) == 0


def points(diff_ratio: float) -> str:
    """A difference of two ratios in percentage points: ``0.0429`` -> ``4.3%p`` (absolute value)."""
    return f"{one_decimal(abs(float(diff_ratio)) * 100)}%p"


def rating(value: float) -> str:
    """A star rating: ``4.7496`` -> ``4.7점``."""
    return f"{one_decimal(value)}점"


def hhi(value: float) -> str:
    """The Herfindahl-Hirschman index: ``1279.4`` -> ``HHI 약 1,279``."""
    return f"HHI 약 {integer(value)}"


def year(value: int) -> str:
    """``2024`` -> ``2024년``."""
    return f"{int(value)}년"


def months(value: float) -> str:
    """``9`` -> ``9개월``; a fractional coverage keeps one decimal: ``9.53`` -> ``9.5개월``."""
    if float(value).is_integer():
        return f"{int(value)}개월"
    return f"{one_decimal(value)}개월"


def top_n(n: int) -> str:
    """``3`` -> ``상위 3개``."""
    return f"상위 {int(n)}개"
