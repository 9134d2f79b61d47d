"""The hedge words around a stated number: 약 before it, 가량/수준/안팎 after it, and bounds (이상, 미만).

Shared by the digit reader (``harness.evaluate.numbers``) and the number-word reader
(``harness.evaluate.numwords``), so ``약 두 배`` and ``약 2배`` are hedged alike.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PRE_APPROX = re.compile(r"(?:약|대략|대략적으로|거의|얼추|어림잡아)\s?$")
POST_APPROX = re.compile(r"\s?(?:가량|수준|내외|정도|남짓|안팎|전후|가까이|가까운|육박|에\s?육박|에\s?가까운|께)")
_PARTICLE = r"(?:에도|에는|[을를이가에은는도])?"
# "조금 넘는", "약간 못 미치는": just past the bound, not anywhere past it.
_SLIGHT = r"(?:조금|약간|살짝|다소|소폭|겨우|간신히|근소하게)"
POST_UPPER = re.compile(
    rf"\s?(?:이하|미만|이내|{_PARTICLE}\s?(?:{_SLIGHT}\s?)?"
    r"(?:못\s?미|미치지\s?못|미달|채\s?못|넘지는?\s?(?:못|않)|밑돌|하회|아래|밑으로|밑))"
)
POST_LOWER = re.compile(
    rf"\s?(?:이상|초과|{_PARTICLE}\s?(?:{_SLIGHT}\s?)?(?:넘|웃돌|상회|훌쩍|위로|돌파))"
)
_SLIGHTLY = re.compile(rf"\s?{_PARTICLE}\s?{_SLIGHT}")


class Hedges(NamedTuple):
    """What the words around a number say about its precision, and where its text starts and ends."""

    approx: bool
    bound: str | None
    prefix: str
    end: int
    slight: bool = False


def read_hedges(text: str, start: int, end: int) -> Hedges:
    """The hedges of the number at ``text[start:end]``: an approximation word, then a bound."""
    pre = PRE_APPROX.search(text, max(0, start - 16), start)
    approx = pre is not None
    if (post := POST_APPROX.match(text, end)) is not None:
        approx, end = True, post.end()
    bound = None
    if POST_UPPER.match(text, end):  # before the lower bound: "넘지 못" is not "넘"
        bound = "upper"
    elif POST_LOWER.match(text, end):
        bound = "lower"
    slight = bound is not None and _SLIGHTLY.match(text, end) is not None
    return Hedges(approx, bound, text[pre.start() : start] if pre else "", end, slight)
