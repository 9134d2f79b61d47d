"""Finds every number a Korean summary states, with the precision and hedging it was written with.

Numeric fidelity can only be fair if it reads numbers the way a Korean reader does: ``6만 4천 건``
is 64,000 written to the thousand, ``약 1,279`` is a hedged integer, ``47.1%`` claims one decimal,
``19.2% 감소`` carries its sign in a word, and ``10~20%`` is one claim about a range. Each stated
number keeps the text it was written as, so unsupported ones can be listed verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = re.compile(r"(?<![A-Za-z0-9.,])(?P<sign>[-+−])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?")
_SMALL = {"천": 1_000, "백": 100}
_BIG = {"조": 1_000_000_000_000, "억": 100_000_000, "만": 10_000}
_MAG = re.compile(r"\s?(?P<small>[천백](?!화|분|년|지|원[가-힣]))?\s?(?P<big>[조억만](?!큼|에|일|약|족|든|나|점))?")
_NEXT_CHUNK = re.compile(r"\s?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?")
_YEO = re.compile(r"\s?여(?![러름성자행전유부기])(?=\s?[가-힣%])")
# 원 after a number is currency unless it starts a word (원목, 원래, 원인, 원료, ...).
WON = r"원(?!목|래|인|료|단|산|형|하|활|작|천|리|칙|피|본|두|룸|서|액|아|숭|정|근|적|석|가(?!량)|[A-Za-z])"
# Longest first; units are glued to the number, as Korean writes them (a space only after a magnitude).
_UNIT = re.compile(
    r"(?P<unit>%\s?[pP](?![A-Za-z])|%\s?포인트|퍼센트\s?포인트|퍼센트|%|프로(?![가-힣])|개월|개년|"
    r"점(?!유|검|차|포|심|수)|건|개(?!선|발|인|별|념|최|성|편)|명(?!확|시|칭)|배(?!송|너|치|달|경|려|출|포|분)|"
    r"년|위(?!주|해|한|기|험|축|상)|세(?!그|대|트|계|금|일|요|분|밀)|살|월|" + WON + r"|"
    r"회(?!사|복|의|원)|곳|종(?!류|합|료)|강(?!조|화|세|점|력|하|한|도|의)|kg|g|ml|mL|L|cm|mm)"
)
_UNIT_CANON = {"퍼센트": "%", "프로": "%", "%포인트": "%p", "퍼센트포인트": "%p", "%P": "%p", "살": "세"}
_RANGE_SEP = re.compile(r"\s?[~∼〜～]\s?")
_PRE_APPROX = re.compile(r"(?:약|대략|대략적으로|거의|얼추|어림잡아)\s?$")
_POST_APPROX = re.compile(r"\s?(?:가량|수준|내외|정도|남짓|안팎|전후|가까이|육박)")
_POST_LOWER = re.compile(r"\s?(?:이상|초과|넘(?:는|게|어|은|으며|었)|웃돌|을\s?넘|를\s?넘|을\s?웃|를\s?웃)")
_POST_UPPER = re.compile(r"\s?(?:이하|미만|이내|밑돌|에\s?못\s?미치)")
_DECADE = re.compile(r"대(?=\s|$|[의로에를은는가이도,.])")
_HHI_CONTEXT = re.compile(r"(?:HHI|허핀달|허쉬만|집중도\s?지수)[^.\d]{0,10}$", re.IGNORECASE)
_ORDINAL_CONTEXT = re.compile(r"(?:상위|하위|[Tt]op|TOP|톱)\s?$")
_RATING_CONTEXT = re.compile(r"(?:평점|별점|평균\s?점수)[^.\d]{0,8}$")
_DOWN = re.compile(r"감소|하락|줄|축소|떨어|역성장|위축|후퇴|마이너스|급감|둔화")
_UP = re.compile(r"증가|상승|늘|성장|확대|반등|회복|급증|뛰어|뛰었|오른|올라|플러스")
_CLAUSE_END = re.compile(r"[\d.,;:!?()]")
_CLAUSE_SPLIT = re.compile(r"[.,;:!?]")


@dataclass(frozen=True)
class StatedNumber:
    """One number as a summary states it.

    Attributes:
        text: the number as written, with its unit and hedge words (``"약 1,279"``).
        value: the value (the low end of a range); signs carried by words are not applied.
        high: the high end of a range (``10~20%``, ``20%대``), else None.
        unit: canonical unit (``"%"``, ``"%p"``, ``"점"``, ``"건"``, ``"개"``, ``""`` for none, ...).
        step: the precision shown: 0.1 for ``47.1``, 1,000 for ``6만 4천``.
        approx: an approximation word (약, 가량, 수준, ...) widens the tolerance.
        bound: ``"lower"`` for 이상/넘는, ``"upper"`` for 이하/미만, else None.
        magnitude: written with 만/억/천, which Korean writers also use to truncate.
        direction: +1 (증가, 상승), -1 (감소, 하락) or 0 when no word carries a sign.
        context: ``"hhi"``, ``"ordinal"``, ``"rating"`` when the words before it say what it is.
    """

    text: str
    value: float
    high: float | None
    unit: str
    step: float
    approx: bool
    bound: str | None
    magnitude: bool
    direction: int
    context: str
    start: int
    end: int


def _chunk_value(int_part: str, frac: str | None) -> tuple[float, float]:
    digits = int_part.replace(",", "")
    if frac:
        return float(f"{digits}.{frac}"), 10.0 ** -len(frac)
    return float(digits), 1.0


def _read_magnitude(text: str, pos: int) -> tuple[int, int]:
    """Multiplier of a 천/백 and 만/억/조 suffix at ``pos`` (1 when none) and where it ends."""
    match = _MAG.match(text, pos)
    if not match or not (match.group("small") or match.group("big")):
        return 1, pos
    mult = _SMALL.get(match.group("small") or "", 1) * _BIG.get(match.group("big") or "", 1)
    return mult, match.end()


def _read_amount(text: str, pos: int, int_part: str, frac: str | None) -> tuple[float, float, bool, int]:
    """A number with its Korean magnitudes (``6만 4천``, ``1억 2,000만``, ``1.2만``): value, step, magnitude?, end."""
    value, step = _chunk_value(int_part, frac)
    mult, end = _read_magnitude(text, pos)
    if mult == 1:
        return value, step, False, pos
    total, step = value * mult, step * mult
    while True:
        nxt = _NEXT_CHUNK.match(text, end)
        if not nxt:
            break
        chunk, chunk_step = _chunk_value(nxt.group("int"), nxt.group("frac"))
        chunk_mult, chunk_end = _read_magnitude(text, nxt.end())
        if chunk_mult >= mult or (chunk_mult == 1 and chunk * chunk_mult >= mult):
            break
        total += chunk * chunk_mult
        step, mult, end = chunk_step * chunk_mult, chunk_mult, chunk_end
        if chunk_mult == 1:
            break
    return total, step, True, end


def _read_unit(text: str, pos: int, magnitude: bool) -> tuple[str, int]:
    match = _UNIT.match(text, pos)
    if match is None and magnitude and text.startswith(" ", pos):
        match = _UNIT.match(text, pos + 1)
    if match is None:
        return "", pos
    unit = "".join(match.group("unit").split())
    return _UNIT_CANON.get(unit, "%p" if unit.lower() == "%p" else unit), match.end()


def _direction(text: str, start: int, end: int) -> int:
    """+1/-1 from the first sign-carrying word in the same clause after the number (else before it)."""
    after = text[end : end + 16]
    cut = _CLAUSE_END.search(after)
    after = after[: cut.start()] if cut else after
    before = _CLAUSE_SPLIT.split(text[max(0, start - 10) : start])[-1]
    for window in (after, before):
        down, up = _DOWN.search(window), _UP.search(window)
        if down and (not up or down.start() < up.start()):
            return -1
        if up:
            return 1
    return 0


def parse_numbers(text: str) -> list[StatedNumber]:
    """Every number stated in ``text``, in order of appearance; never raises on any string."""
    found: list[StatedNumber] = []
    pos = 0
    while (match := _NUM.search(text, pos)) is not None:
        value, step, magnitude, end = _read_amount(text, match.end(), match.group("int"), match.group("frac"))
        yeo = _YEO.match(text, end)
        approx = bool(yeo)
        end = yeo.end() if yeo else end
        unit, end = _read_unit(text, end, magnitude or approx)
        high: float | None = None
        sep = _RANGE_SEP.match(text, end)
        second = _NUM.match(text, sep.end()) if sep else None
        if sep and second:
            high, high_step, high_mag, high_end = _read_amount(
                text, second.end(), second.group("int"), second.group("frac")
            )
            high_unit, high_end = _read_unit(text, high_end, high_mag)
            if not unit or unit == high_unit:
                if high_mag and not magnitude:
                    value *= _read_magnitude(text, second.end())[0]
                    step = high_step
                unit, step, magnitude, end = high_unit, min(step, high_step), magnitude or high_mag, high_end
            else:
                high = None
        start = match.start()
        before = text[max(0, start - 16) : start]
        approx = approx or bool(_PRE_APPROX.search(before))
        if (post := _POST_APPROX.match(text, end)) is not None:
            approx, end = True, post.end()
        bound = None
        if _POST_LOWER.match(text, end):
            bound = "lower"
        elif _POST_UPPER.match(text, end):
            bound = "upper"
        if high is None and unit in ("%", "점", "%p") and (decade := _DECADE.match(text, end)) is not None:
            high = value + (10.0 if value >= 10 else 1.0)
            end = decade.end()
        context = ""
        if _HHI_CONTEXT.search(before):
            context = "hhi"
        elif _ORDINAL_CONTEXT.search(before) or unit == "위":
            context = "ordinal"
        elif not unit and _RATING_CONTEXT.search(before):
            context = "rating"
        elif not unit and high is None and _DECADE.match(text, end) and value < 10 and step == 1:
            context = "ordinal"
        prefix = before[_PRE_APPROX.search(before).start() :] if _PRE_APPROX.search(before) else ""
        found.append(
            StatedNumber(
                text=(prefix + text[start:end]).strip(),
                value=abs(value),
                high=abs(high) if high is not None else None,
                unit=unit,
                step=step,
                approx=approx,
                bound=bound,
                magnitude=magnitude,
                direction=-1 if match.group("sign") in ("-", "−") else _direction(text, start, end),
                context=context,
                start=start,
                end=end,
            )
        )
        pos = max(end, match.end())
    return found
