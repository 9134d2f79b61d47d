"""Finds every number a Korean summary states, with the precision and hedging it was written with.

Numeric fidelity can only be fair if it reads numbers the way a Korean reader does: ``6만 4천 건``
is 64,000 written to the thousand, ``약 1,279`` is a hedged integer, ``47.1%`` claims one decimal,
``19.2% 감소`` carries its sign in a word, and ``10~20%`` is one claim about a range. Each stated
number keeps the text it was written as, so unsupported ones can be listed verbatim.
"""

from __future__ import annotations

import re
from dataclasses import replace

from harness.evaluate.hedges import read_hedges
from harness.evaluate.numwords import word_numbers
from harness.evaluate.stated import StatedNumber

__all__ = ["WON", "StatedNumber", "parse_numbers"]

_NUM = re.compile(r"(?<![A-Za-z0-9.,])(?P<sign>[-+−])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?")
_SMALL = {"천": 1_000, "백": 100}
_BIG = {"조": 1_000_000_000_000, "억": 100_000_000, "만": 10_000}
_MAG = re.compile(r"\s?(?P<small>[천백](?!화|분|년|지|원[가-힣]))?\s?(?P<big>[조억만](?!큼|에|일|약|족|든|나|점))?")
_NEXT_CHUNK = re.compile(r"\s?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?")
_YEO = re.compile(r"\s?여(?![러름성자행전유부기])(?=\s?[가-힣%])")
# 원 after a number is currency unless it starts a word (원목, 원래, 원인이, 원료, ...); "3만 원인 반면" is 원 + 인.
WON = r"원(?!목|래|인(?:[은이을과가]|으로)|료|단|산|형|하|활|작|천|리|칙|피|본|두|룸|서|액|아|숭|정|근|적|석|가(?!량)|[A-Za-z])"
# Longest first; units are glued to the number, as Korean writes them (a space only after a magnitude).
_UNIT = re.compile(
    r"(?P<unit>%\s?[pP](?![A-Za-z])|%\s?포인트|퍼센트\s?포인트|퍼센트|%|프로(?![가-힣])|개월|개년|"
    r"점(?!유|검|차|포|심|수)|건|개(?!선|발|인|별|념|최|성|편)|명(?!확|시|칭)|배(?!송|너|치|달|경|려|출|포|분)|"
    r"년|위(?!주|해|한|기|험|축|상)|세(?!그|대|트|계|금|일|요|분|밀)|살|월|" + WON + r"|"
    r"회(?!사|복|의|원)|곳|종(?!류|합|료)|강(?!조|화|세|점|력|하|한|도|의)|초(?![가-힣])|시간|kg|g|ml|mL|L|cm|mm)"
)
_UNIT_CANON = {"퍼센트": "%", "프로": "%", "%포인트": "%p", "퍼센트포인트": "%p", "%P": "%p", "살": "세"}
_RANGE_SEP = re.compile(r"\s?[~∼〜～]\s?")
_DECADE = re.compile(r"대(?=\s|$|[의로에를은는가이도,.])")
# 30%대 초반 / 중반 / 후반: the part of the decade, as fractions of its width (overlapping at the edges).
_DECADE_PART = re.compile(r"\s?(초중반|중후반|초반|중반|후반)")
_PARTS = {"초반": (0.0, 0.4), "초중반": (0.0, 0.7), "중반": (0.3, 0.7), "중후반": (0.3, 1.0), "후반": (0.6, 1.0)}
_HHI_CONTEXT = re.compile(r"(?:HHI|허핀달|허쉬만|집중도\s?지수)[^.\d]{0,10}$", re.IGNORECASE)
_ORDINAL_CONTEXT = re.compile(r"(?:상위|하위|[Tt]op|TOP|톱)\s?$")
_RANK_LIST = re.compile(r"\s?[·,]\s?\d+\s?위")
_RATING_CONTEXT = re.compile(r"(?:평점|별점|평균\s?점수)[^.\d]{0,8}$")
_DOWN = re.compile(r"감소|하락|줄|축소|떨어|역성장|위축|후퇴|마이너스|급감|둔화|낮아|작아지|작아졌")
# A level reached: "9.3%로 높아졌다" says the rate rose to 9.3%, not that something rose by 9.3%.
_TO_LEVEL = re.compile(r"\s?(?:으)?로\s?(?:[가-힣]{1,6}\s)?(?:다시\s)?(높아|올라|상승|반등|늘어|늘었|낮아|떨어|하락|둔화|줄어|줄었)")
_SIZE = re.compile(r"폭")
_LEVEL_UP = frozenset({"높아", "올라", "상승", "반등", "늘어", "늘었"})
_UP = re.compile(r"증가|상승|늘|느는|느나|느니|성장|확대|반등|회복|급증|뛰어|뛰었|오른|올라|올랐|오르|플러스|높아|커지|커졌")
# After an explicit comparison (A가 B보다 4.3%p 높다), comparative adjectives carry the sign too;
# 앞서다 / 뒤처지다 compare by themselves (A가 B를 17.7%p 앞선다).
_COMPARED = re.compile(r"보다|대비|비해|비하면")
_MORE = re.compile(r"높|많|크다|컸|큰")
_LESS = re.compile(r"낮|적(?:다|었|은|게|어|고|지|으며|으나|습)|작(?:다|았|은|고)")
_AHEAD = re.compile(r"앞서|앞선|앞질|웃돌|상회")
_BEHIND = re.compile(r"뒤처|뒤지|뒤진|밑돌|하회")
_CLAUSE_END = re.compile(r"[\d.,;:!?()]")
_TOPIC = re.compile(r"(?:은|는)\s")
_OTHER_TOPIC = re.compile(r"(?:으)?로\s[가-힣]{1,4}(?:은|는)\s")
_VERB_END = re.compile(r"(?:불과|그쳐|그치|달해|달하며|이며|이고|였고|였으며|으로\s?나타|을\s?기록|를\s?기록)")
_CLAUSE_SPLIT = re.compile(r"[.,;:!?]")


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
    """+1/-1 from the first sign-carrying word in the same clause after the number (else before it).

    Comparative adjectives (높다, 적은) count only after an explicit comparison in the sentence
    (``B보다``, ``대비``): ``A가 B보다 4.3%p 높다`` is a signed gap, ``높은 38.6%`` is not.
    """
    after = text[end : end + 16]
    cut = _CLAUSE_END.search(after)
    after = after[: cut.start()] if cut else after
    verb = _VERB_END.search(after)  # "68%에 불과해 감소가 이어질": the sign word is another clause's
    after = after[: verb.start()] if verb else after
    if _TOPIC.match(after):  # "36.7%는 둔화 흐름이 반전될": the number is the topic, not the change
        after = ""
    elif (topic := _OTHER_TOPIC.search(after)) is not None:  # "20.7%로 속도는 다소 낮아졌으나": the speed fell
        after = after[: topic.start()]
    before = _CLAUSE_SPLIT.split(text[max(0, start - 10) : start])[-1]
    compared = bool(_COMPARED.search(text, max(0, start - 40), start))
    for window in (after, before):
        down, up = _DOWN.search(window), _UP.search(window)
        if window is after:
            down = down or _BEHIND.search(window) or (_LESS.search(window) if compared else None)
            up = up or _AHEAD.search(window) or (_MORE.search(window) if compared else None)
        if down and (not up or down.start() < up.start()):
            return -1
        if up:
            return 1
    return 0


def _sign(sign: str | None, trend: int, text: str, start: int, end: int) -> int:
    """The number's sign: a minus sign, else a sign word, unless the word is the ``trend`` of a level."""
    if sign in ("-", "−"):
        return -1
    if sign == "+":
        return 1
    return 0 if trend else _direction(text, start, end)


def _trend(text: str, start: int, end: int) -> int:
    """+1/-1 when a change word follows ``(으)로``: the number is the level reached, the word its trend.

    Not for a change's size (``감소 폭이 4.5%로 줄었다``): the word says the size shrank, and the
    sign is the change's own (a fall), read as a direction.
    """
    match = _TO_LEVEL.match(text, end)
    if match is None or _SIZE.search(_CLAUSE_SPLIT.split(text[max(0, start - 16) : start])[-1]):
        return 0
    return 1 if match.group(1) in _LEVEL_UP else -1


def _decade(text: str, value: float, end: int) -> tuple[float, float, int]:
    """``30%대`` is [30, 40); ``30%대 후반`` its upper part; ``4점대`` is [4, 5)."""
    width = 10.0 if value >= 10 else 1.0
    low, high = 0.0, 1.0
    if (part := _DECADE_PART.match(text, end)) is not None:
        low, high = _PARTS[part.group(1)]
        end = part.end()
    return value + low * width, value + high * width, end


def parse_numbers(text: str) -> list[StatedNumber]:
    """Every number stated in ``text`` in digits or in words, in order of appearance; never raises."""
    words = word_numbers(text)
    digits = _digit_numbers(text)
    if not words:
        return digits
    taken = [(w.start, w.end) for w in words]
    kept = [d for d in digits if not any(lo <= d.start < hi for lo, hi in taken)]
    spans = [(d.start, d.end) for d in kept]
    words = [
        replace(w, direction=_direction(text, w.start, w.end))
        for w in words
        if not any(lo <= w.start < hi or w.start <= lo < w.end for lo, hi in spans)
    ]
    return sorted(kept + words, key=lambda n: n.start)


def _digit_numbers(text: str) -> list[StatedNumber]:
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
        hedges = read_hedges(text, start, end)
        approx, bound, end = approx or hedges.approx, hedges.bound, hedges.end
        if high is None and unit in ("%", "점", "%p") and (decade := _DECADE.match(text, end)) is not None:
            value, high, end = _decade(text, value, decade.end())
        context = ""
        if _HHI_CONTEXT.search(before):
            context = "hhi"
        elif _ORDINAL_CONTEXT.search(before) or unit == "위":
            context = "ordinal"
        elif not unit and _RATING_CONTEXT.search(before):
            context = "rating"
        elif (not unit and high is None and _DECADE.match(text, end) and value < 10 and step == 1) or (not unit and _RANK_LIST.match(text, end)):
            context = "ordinal"
        trend = _trend(text, start, end)
        found.append(
            StatedNumber(
                text=(hedges.prefix + text[start:end]).strip(),
                value=abs(value),
                high=abs(high) if high is not None else None,
                unit=unit,
                step=step,
                approx=approx,
                bound=bound,
                magnitude=magnitude,
                direction=_sign(match.group("sign"), trend, text, start, end),
                context=context,
                start=start,
                end=end,
                slight=hedges.slight,
                trend=trend,
            )
        )
        pos = max(end, match.end())
    return found
