"""What a paragraph names besides its numbers: years and the role each plays, brands, top-k groups.

Attribution binds a number to the things its sentence names, the way a Korean reader does:

- A year is the *subject* of what follows it (``2022년 리뷰는 7,853건``) unless a comparison word
  marks it as the *reference* (``2021년보다``, ``2021년 대비``, ``2021년 5,686건에서``, ``2023년의
  2.8배``). A reference right after the year (``2021년보다 2,167건 많은 7,853건``) keeps the year
  from owning the numbers after it; one after the year's own figure (``2021년 5,686건에서``) does not.
- A period (``2020년부터 2024년까지``, ``2020~2024년``) is a span: figures in it may be about any
  year or any change inside it (``이 기간 연 단위 증감률은 -11.7%에서 +17.3% 사이``).
- Roles are read with parenthesised asides blanked: in ``2023년(334건)의 세 배``, 334건 is the
  year's own figure and ``의 세 배`` makes 2023 the reference.
- Relative years (전년, 이듬해, 같은 해) resolve against the last year named.
- Brand names are found verbatim (and by a distinctive part of a multi-word name); ``1위``,
  ``선두`` name the leader, ``상위 3개 브랜드`` and ``Top 3`` the top-3 group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.evaluate.stated import StatedNumber

SENTENCE_END = re.compile(r"[.!?\n](?:\s|$)")
# A clause ends at punctuation, not at a decimal point or a thousands separator (9.9%, 64,518).
CLAUSE_BREAK = re.compile(r"[.,](?!\d)|[;!?\n]")
# Words between a year and the next number that make the year the reference of a comparison.
_BETWEEN_REFERENCE = re.compile(
    r"보다|대비|비해|비하면|[과와]\s?비교|부터|[을를]\s?기준|과의|와의|앞서|에서(?!는|도)|제외|빼면|빼고"
)
_OF_MULTIPLE = re.compile(r"의\s?(?:약\s?|거의\s?|무려\s?)?$")
# After the year's own figure: "2020년 4,837건에서", "2020년 4,837건이던", "2020년 303건의 51.5%".
_AFTER_FIGURE = re.compile(r"\)?\s?(?:에서|보다|대비|부터|에\s?비해|과\s?비교|와\s?비교|이던|였던|이었던)")
# "of" after a figure or a name: ``A(12%)의``, ``B의 약``; the second is what the first is compared with.
OF_BEFORE = re.compile(r"\)?\s?의\s?(?:약\s?|거의\s?)?$")
# "among" a whole: ``리뷰 가운데``, ``상품 중에서``.
AMONG = re.compile(r"\s?(?:[가-힣]{1,4}\s?)?(?:가운데|중(?:에서|에)?)(?![가-힣])")
# Words that make a count one of mentions, keywords or tags, not of reviews or products.
MENTION_WORDS = re.compile(r"언급|키워드|태그|사용\s?(?:장면|상황|맥락)|맥락|장면|['‘’\"“”]")
# "2024년의 약 68%에 불과", "303건의 51.5%에 해당": a percentage *of* the year is a ratio; "2024년의
# 9.3%가 가장 낮았다" is the year's own rate.
_OF_RATIO = re.compile(r"\s?(?:수준|에\s?(?:해당|불과|그치|그쳐|달|이르|머물)|정도|밖에|로\s?(?:줄|감소|축소|떨어|쪼그라))")
_OPENS = re.compile(r"\s?(?:부터|에서부터)")
_CLOSES = re.compile(r"\s?(?:까지|사이)")
_RELATIVE = re.compile(r"(?<![가-힣])(전년도?|작년|지난해|직전\s?연도|이듬해|다음\s?해|같은\s?해|그해|해당\s?연도)")
_RELATIVE_SHIFT = {"이듬해": 1, "다음 해": 1, "다음해": 1, "같은 해": 0, "같은해": 0, "그해": 0, "해당 연도": 0,
                   "해당연도": 0}
_LEADER = re.compile(r"(?<![가-힣])(?:선두|1위\s?(?:브랜드|업체)|최대\s?브랜드|선두\s?브랜드)")
_GROUP_AFTER = re.compile(r"^\s?(?:개\s?(?:브랜드|업체|사)?|대\s?브랜드|위\s?(?:까지|권|안)|강|개사)")
_GROUP_BEFORE = re.compile(r"(?:상위|톱|[Tt]op|TOP|빅|[Bb]ig)\s?$")


@dataclass(frozen=True)
class YearMention:
    """A year the paragraph names, and how.

    Attributes:
        year: the year (the last year of a range such as ``2020~2025년``).
        first: the first year of a range (``year`` when it is not one).
        reference: a comparison word marks it as what something is compared with.
        direct: that word follows the year at once, so the year owns no figure after it.
        opens: it opens a period (``2020년부터``); closes: it closes one (``2024년까지``).
    """

    start: int
    end: int
    year: int
    first: int
    reference: bool
    direct: bool
    opens: bool = False
    closes: bool = False


@dataclass(frozen=True)
class BrandMention:
    """A brand named by its name (or 선두), or by its rank (``2위``) when ``by_rank``."""

    start: int
    end: int
    index: int
    by_rank: bool = False


@dataclass(frozen=True)
class GroupMention:
    """``상위 3개 브랜드``, ``Top 3``, ``3위까지``: the top-``size`` brands."""

    start: int
    end: int
    size: int


def is_year(stated: StatedNumber) -> bool:
    return stated.unit == "년" and stated.form == "digits" and 1900 <= stated.value <= 2100


def _role(masked: str, end: int, numbers: Sequence[StatedNumber], stop: int) -> tuple[bool, bool]:
    """(reference, direct) for a year ending at ``end`` in the aside-masked text.

    A comparison word before the next figure (``2021년보다``, ``2023년의 2.8배``) makes the year a
    direct reference, which owns no figure after it; one after its own figure (``2021년 5,686건에서``,
    ``2020년 303건의 51.5%``) makes it a reference that still owns that figure. ``stop`` is where
    the next year is named. Figures in an aside right after the year are its own.
    """
    after = [n for n in numbers if n.start >= end and masked[n.start] != " "]
    nxt = after[0] if after else None
    stop = min(nxt.start if nxt is not None else len(masked), stop, end + 30)
    between = masked[end:stop]
    cut = CLAUSE_BREAK.search(between)
    between = between[: cut.start()] if cut else between
    direct = bool(_BETWEEN_REFERENCE.search(between))
    if nxt is not None and not cut and _compares(nxt, masked):
        direct = direct or bool(_OF_MULTIPLE.search(between))
    follows = nxt is not None and not cut and nxt.start == stop and not is_year(nxt)
    reference = direct
    if follows and nxt is not None:
        reference = reference or bool(_AFTER_FIGURE.match(masked, nxt.end))
        later = after[1] if len(after) > 1 else None
        if later is not None and _compares(later, masked):
            reference = reference or bool(OF_BEFORE.search(masked[nxt.end : later.start]))
    return reference, direct


def _compares(stated: StatedNumber, masked: str) -> bool:
    """A multiple, a fraction or a percentage of something (``X의 2.8배``, ``X의 51.5%에 해당``); not
    a change (``2024년의 176.0% 증가``) or the year's own rate (``2024년의 9.3%가 가장 낮았다``)."""
    if stated.unit == "%" and stated.form == "digits":
        as_ratio = "수준" in stated.text or _OF_RATIO.match(masked, stated.end) is not None
        return stated.direction == 0 and stated.trend == 0 and as_ratio
    return stated.unit in ("배", "%") or stated.form in ("fraction", "half")


def find_years(text: str, numbers: Sequence[StatedNumber], masked: str | None = None) -> list[YearMention]:
    """Years written in digits (and ranges), then relative years resolved against the last year named.

    ``masked`` is ``text`` with parenthesised asides blanked (roles are read on it).
    """
    masked = text if masked is None else masked
    relative = list(_RELATIVE.finditer(text))
    found: list[YearMention] = []
    for stated in numbers:
        if not is_year(stated):
            continue
        stop = min((m.start() for m in relative if m.start() >= stated.end), default=len(text))
        stop = min([stop] + [n.start for n in numbers if n.start >= stated.end and is_year(n)])
        ref, direct = _role(masked, stated.end, numbers, stop)
        if stated.text.endswith("수준"):  # "2020년 수준에 닿을": the year is what something is compared with
            ref = direct = True
        last = int(stated.high) if stated.high is not None and 1900 <= stated.high <= 2100 else int(stated.value)
        opens, closes = bool(_OPENS.match(text, stated.end)), bool(_CLOSES.match(text, stated.end))
        found.append(YearMention(stated.start, stated.end, last, int(stated.value), ref, direct, opens, closes))
    for match in relative:
        # against the last year talked about: not one compared with (2021년보다), but one whose own figure
        # starts a change (2023년에 97건에서 82건으로 ... 이듬해) still is
        before = [y for y in found if y.end <= match.start() and not y.direct]
        if not before:
            continue
        word = match.group(1)
        year = before[-1].year + _RELATIVE_SHIFT.get(word, -1)
        ref, direct = _role(masked, match.end(), numbers, len(text))
        earlier = word.startswith(("전", "작", "지난", "직전"))
        found.append(YearMention(match.start(), match.end(), year, year, ref or earlier, direct))
    return sorted(found, key=lambda y: y.start)


def brand_aliases(names: Sequence[str]) -> list[tuple[str, int]]:
    """(alias, brand index), longest first: each full name, and each distinctive word of a multi-word name."""
    aliases: list[tuple[str, int]] = []
    for index, name in enumerate(names):
        name = name.strip()
        if len(name) < 2:
            continue
        aliases.append((name, index))
        parts = name.split()
        aliases.extend(
            (part, index)
            for part in (parts if len(parts) > 1 else ())
            if len(part) >= 3 and not any(part in other for j, other in enumerate(names) if j != index)
        )
    return sorted(aliases, key=lambda a: len(a[0]), reverse=True)


def find_brands(text: str, aliases: Sequence[tuple[str, int]]) -> list[BrandMention]:
    """Every brand named in ``text`` (a longer name wins over a name inside it), and the leader words."""
    taken: list[tuple[int, int]] = []
    found: list[BrandMention] = []
    for alias, index in aliases:
        pos = text.find(alias)
        while pos >= 0:
            end = pos + len(alias)
            if not any(lo < end and pos < hi for lo, hi in taken):
                taken.append((pos, end))
                found.append(BrandMention(pos, end, index))
            pos = text.find(alias, end)
    if aliases:
        found += [BrandMention(m.start(), m.end(), 0) for m in _LEADER.finditer(text)]
    return sorted(found, key=lambda b: b.start)


def find_groups(text: str, numbers: Sequence[StatedNumber]) -> list[GroupMention]:
    """Top-k groups: a count or rank after 상위/Top (``상위 3개``, ``Top 3``), or ``3위까지``, ``3대 브랜드``."""
    found: list[GroupMention] = []
    for stated in numbers:
        if not 1 <= stated.value <= 50 or not stated.value.is_integer() or stated.unit not in ("개", "위", "", "강"):
            continue
        before = _GROUP_BEFORE.search(text, max(0, stated.start - 6), stated.start)
        after = _GROUP_AFTER.match(text, stated.start + len(str(int(stated.value))))
        ranked_up_to = stated.unit == "위" and re.match(r"\s?(?:까지|권|안)", text[stated.end : stated.end + 4])
        if before is not None or ranked_up_to or (after and "대" in after.group(0)):
            found.append(GroupMention(before.start() if before else stated.start, stated.end, int(stated.value)))
    return found


def find_ranked_brands(text: str, numbers: Sequence[StatedNumber], n_brands: int) -> list[BrandMention]:
    """``2위`` / ``2위 브랜드`` names the second brand, ``1·2위`` / ``1~2위`` the first two, unless the
    rank is of something else (키워드, 태그) or a cut-off (``3위까지``)."""
    found: list[BrandMention] = []
    for i, stated in enumerate(numbers):
        if stated.unit != "위" or not 1 <= stated.value <= n_brands or not stated.value.is_integer():
            continue
        after = text[stated.end : stated.end + 8]
        if re.match(r"\s?(?:까지|권|안|이내)", after) or re.search(r"키워드|태그|세그먼트|상황|연령|제품", after):
            continue
        last = int(stated.high) if stated.high is not None and stated.high <= n_brands else int(stated.value)
        ranks = list(range(int(stated.value), last + 1))
        if i > 0 and re.fullmatch(r"\s?[·,]\s?", text[numbers[i - 1].end : stated.start]):
            prev = numbers[i - 1]  # "1·2위": the bare 1 before the dot is a rank too
            if not prev.unit and prev.value.is_integer() and 1 <= prev.value < stated.value:
                ranks.insert(0, int(prev.value))
        found += [BrandMention(stated.start, stated.end, r - 1, by_rank=True) for r in ranks]
    return found
