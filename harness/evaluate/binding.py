"""Which brands and which years a number is bound to, read from its sentence (see ``claims``).

Years: the *owner* of a figure is the year it belongs to: the nearest year before it that no
comparison word marks as a direct reference, or the year of the phrase an aside follows
(``2020년 연간 리뷰(149건)``), or the year a relative clause makes it modify (``33.6%를 기록한
2021년``), or the i-th year of a ``각각`` list. A change (rate, multiple, difference) is between the
owner and the reference year named for it (``2020년 4,837건에서``, ``전년 대비``, ``2023년의 2.8배``);
a reference is used up by the first change stated after it. A period (``2020년부터 2024년까지``)
lets the figures in it be about any year or change inside it, unless they list its years one by one.

Brands: the names in the window (one, or a sum with 합계/합치면; ``X까지 더하면`` adds X to the
brands named earlier in the sentence), the top-k of ``상위 3개``, the i-th name with ``각각``; a
comparison word marks the reference brand of a gap or multiple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.evaluate.mentions import BrandMention, YearMention, is_year
from harness.evaluate.paragraph import REST_BEFORE, Paragraph
from harness.evaluate.stated import StatedNumber

Pair = tuple[int | None, int | None]
_SUM = re.compile(r"합계|합산|합쳐|합치|합하|더하|더해|함께|포함|까지\s?합|[2-9]개\s?(?:브랜드|업체|사)|[두세네]\s?(?:브랜드|업체|곳)|이들|이\s?브랜드들")
_PRONOUN = re.compile(r"이들|이\s?브랜드들|이들\s?브랜드|세\s?곳|두\s?곳|네\s?곳|양사|양\s?브랜드|두\s?브랜드|두\s?회사")
_FROM_TO = re.compile(r"부터[^,.]{0,20}까지")
_UP_TO = re.compile(r"까지\s?(?:[가-힣]{0,3}\s)?(?:더하|합치|합하|포함|모두|함께)")
_TOPIC_UNITS = ("%", "%p", "배")
_REST_BRANDS = re.compile(r"(?:나머지|그\s?외|기타|이외)(?:의)?\s?(?:[\d가-힣]{0,4}\s?)?(?:브랜드|업체|곳)|나머지(?:는|가|도)\s")
_RANGE_END = re.compile(r"\s?(?:부터|까지|에서|사이)")
_EXCLUDED = re.compile(r"이를\s?(?:제외|빼|뺀|제하)|그\s?해를\s?(?:제외|빼)")
_FROM = re.compile(r"\s?에서(?!는|도)")
_ALL_BRANDS = re.compile(r"전체\s?브랜드|모든\s?브랜드|브랜드\s?전체")
ALL = frozenset({-1})  # every brand, not a listed top-k
_RELATIVE_AFTER = re.compile(r"\s?(?:를|을|의|로|으로)\s?(?:차지|기록|확보|점유)?[가-힣]{0,3}\s?")


@dataclass(frozen=True)
class YearBinding:
    """Years a single year's figure may be about, (owner, reference) of a change, or a period.

    ``binders`` holds the year number that alone decides the claim (it may be the wrong number);
    ``dated`` is True when one year owns the figure (a year's count is then that year's, not a total).
    """

    years: frozenset[int] | None = None
    pair: Pair | None = None
    span: tuple[int, int] | None = None
    binders: tuple[tuple[int, str], ...] = ()
    dated: bool = False
    pinned: bool = False  # "599건이 2024년에만": the year is said of the figure itself


@dataclass(frozen=True)
class BrandBinding:
    sets: frozenset[frozenset[int]] | None = None
    pair: Pair | None = None
    names: tuple[int, ...] = ()
    group: int | None = None
    rest_of: frozenset[int] | None = None  # "나머지 브랜드": every brand but these


def _compares(stated: StatedNumber) -> bool:
    """A change a reference year is used up by."""
    return stated.unit in ("%", "배", "%p") or stated.form in ("fraction", "half") or (
        stated.unit == "건" and stated.direction != 0)


def bind_years(para: Paragraph, i: int) -> YearBinding:
    stated = para.numbers[i]
    before = para.years_before(i)
    modified = para.year_modified(i)
    owner = para.each_year(i) or modified or para.paren_year(i)
    span = para.span(i)
    if owner is None and span is not None and (before[-1].closes or before[-1].first != before[-1].year):
        listed = para.listed_in_span(i, span)
        if listed is not None:
            return YearBinding(frozenset({listed}), (listed, None), dated=True)
        return YearBinding(frozenset(range(span[0], span[1] + 1)), None, span)
    if owner is None and (within := _within_year(para, i)) is not None:
        # "2023년에 97건에서 82건으로 15건 줄어": the end of the change and the change are the year's
        return YearBinding(frozenset({within.year}), (within.year, None), None, (), True)
    if owner is None:
        # a year marked as a reference after its own figure ("2024년 증가율 17.9%보다") owns only that figure
        owners = [y for y in before if not y.direct and (not y.reference or _own_figure(para, y) is stated)
                  and not _EXCLUDED.search(para.text, y.end, stated.start)]  # "2022년의 급증은 ..., 이를 제외하면"
        owner = owners[-1] if owners else para.year_after(i)
    if owner is None and not before:
        return YearBinding()
    ref = _reference(para, i, before, owner)
    if owner is not None and _FROM.match(para.text, stated.end) and (
            _own_figure(para, owner) is not stated or _changes_within(para, i)):
        # "리뷰 수는 174건에서 186건으로": a change's starting figure is the reference year's, or the year before
        frm = ref.year if ref is not None else owner.year - 1
        return YearBinding(frozenset({frm}), (frm, None), None, (), True)
    single = frozenset(range(owner.first, owner.year + 1)) if owner is not None else None
    if owner is not None and owner.first != owner.year:  # a range token: 2020~2025년
        return YearBinding(single, None, (owner.first, owner.year))
    pair = (owner.year if owner else None, ref.year if ref else None)
    binders: tuple[tuple[int, str], ...] = ((owner.end, "year"),) if owner is not None and para.names_year(owner) else ()
    if binders and ref is not None and para.names_year(ref) and _compares(stated):
        binders += ((ref.end, "reference"),)  # "2020년 대비 2024년 감소율": the reference year binds it too
    return YearBinding(single, pair if pair != (None, None) else None, None, binders, owner is not None,
                       modified is not None)


def _changes_within(para: Paragraph, i: int) -> bool:
    """``2023년에는 97건에서 82건으로``: both ends of the change follow one year, so the first is the year before's."""
    stated = para.numbers[i]
    nxt = next((n for n in para.numbers[i + 1 :] if not para.paren_of(n.start)), None)
    return nxt is not None and nxt.unit == stated.unit and not any(
        stated.end <= y.start < nxt.start for y in para.years) and bool(re.match(r"\s?(?:으)?로", para.text[nxt.end :]))


def _within_year(para: Paragraph, i: int) -> YearMention | None:
    """The year of ``Y년에 A에서 B로 (C 줄어)`` when number ``i`` is B or C (A is the year before's)."""
    start = para.sentence_start(para.numbers[i].start)
    previous = [k for k in range(i) if para.numbers[k].start >= start and not para.paren_of(para.numbers[k].start)
                and not is_year(para.numbers[k])][-2:]
    for k in reversed(previous):
        if not (_FROM.match(para.text, para.numbers[k].end) and _changes_within(para, k)):
            continue
        years = [y for y in para.years_before(k) if _own_figure(para, y) is para.numbers[k]]
        return years[-1] if years else None
    return None


def _own_figure(para: Paragraph, year: YearMention) -> StatedNumber | None:
    return next((n for n in para.numbers if n.start >= year.end and not is_year(n)), None)


def _reference(para: Paragraph, i: int, before: list[YearMention], owner: YearMention | None) -> YearMention | None:
    """The reference year of a change: the last one named before the number and not used up by an
    earlier change (``2020년 396건에서 2021년 ... 7.6% 늘었다가 2022년 ... 11.7% 감소``: 2020 is 7.6%'s)."""
    stated = para.numbers[i]
    for year in reversed(before):
        if not year.reference or year is owner or (owner is not None and year.year >= owner.year):
            continue
        if year.opens and any(y.closes and y.start > year.start for y in before):
            continue  # "2020년부터 2022년까지 ...": the period's start, not a reference
        used = [n for n in para.numbers if year.end <= n.start < stated.start and _compares(n)]
        # "2020년 334건에서 2021년 360건으로 ... 2022년 259건으로 28.1% 줄었다": 2020 was 2021's reference
        taken = owner is not None and any(
            year.end <= y.start < owner.start and not y.reference and y.year != owner.year for y in before)
        return None if used or taken else year
    return None


def bind_brands(para: Paragraph, i: int) -> BrandBinding:
    stated = para.numbers[i]
    if (each := para.each_brand(i)) is not None:
        return BrandBinding(frozenset({frozenset({each.index})}), None, (each.index,))
    mentions, groups = para.brands_in_window(i)
    if stated.unit != "%p":  # "3위 베베락의 2.6%": the figure is the named brand's
        named = [m for m in mentions if not m.by_rank]
        mentions = [m for m in mentions if not m.by_rank or not any(0 <= n.start - m.end <= 2 for n in named)]
    if not mentions and not groups and (rel := _RELATIVE_AFTER.match(para.text, stated.end)) is not None:
        after = para.brand_after(rel.end(), 0)  # "14.2%를 차지한 레고"
        mentions = [after] if after is not None else []
    aside = para.paren_of(stated.start) is not None
    if not mentions and not groups and not aside and stated.unit in _TOPIC_UNITS:
        # "하기스의 리뷰는 671건으로 ..., 점유율로는 5.2%p 앞섭니다": the sentence's brands carry on
        mentions = para.brands_earlier(i)
    names = list(dict.fromkeys(m.index for m in mentions))
    sets: set[frozenset[int]] = {frozenset(range(g.size)) for g in groups[-1:]}
    window = para.window(i)
    ranked = [m.index for m in para.brands_in_window(i)[0] if m.by_rank] + [m.index for m in mentions]
    if ranked and _FROM_TO.search(window):  # "3위 남양유업부터 5위 쿨키즈까지"
        sets.add(frozenset(range(min(ranked), max(ranked) + 1)))
    if names and _UP_TO.search(window):  # "3위 순둥이까지 더하면": the top-3
        sets.add(frozenset(range(max(names) + 1)))
    if not groups and _ALL_BRANDS.search(window):
        sets.add(ALL)  # "전체 브랜드 기준 HHI": not the top-10 figure
    rest_named = _REST_BRANDS.search(window) is not None
    if not groups and not aside and not rest_named and (_PRONOUN.search(window) or (_SUM.search(window) and len(names) < 2)):
        earlier = list(dict.fromkeys(b.index for b in para.brands_earlier(i)))
        if not earlier and (carried := para.anaphor_brand(i)) is not None:  # "이는 ..., 코코맘과 합치면"
            earlier = [carried.index]
        if earlier:  # "잉글레시나와 함께 약 49%", "꿈비까지 더하면", "네 브랜드의 합계", "이들과 4위 사이"
            sets.add(frozenset(names) | frozenset(earlier))
            sets |= {frozenset({earlier[-1], n}) for n in names} | {frozenset(names) | {earlier[-1]}}
            if not names and len(earlier) == 2:  # "양사의 격차"
                sets.add(frozenset(earlier))
        counted = para.brand_count_before(i)  # "5개 브랜드가 10%를 넘고, 이들의 합계는": the top 5
        if counted:
            sets.add(frozenset(range(counted)))
    if len(names) >= 2 and _SUM.search(window) and not aside:
        sets.add(frozenset(names))
        if _FROM_TO.search(para.masked[para.sentence_start(stated.start) : para.window_start(i)]):
            sets.add(frozenset(range(min(names), max(names) + 1)))  # "5위 A부터 C까지 ..., 합쳐도 24.0%": A to C
    elif names:
        sets |= {frozenset({n}) for n in names}
        if len(names) >= 2:
            sets.add(frozenset(names))
    if (counted := _counted_list(para, i, mentions, len(names))) is not None:
        sets = {frozenset(range(counted))}  # "피셔프라이스와 오볼 세 브랜드가 38.3%": three brands, the top 3
    if _RANGE_END.match(para.text, stated.end) and sets:  # "31.5%부터 19.2%까지": one member at each end
        sets = {frozenset({n}) for members in sets for n in members}
    rest_of = None
    if rest_named and not aside:  # "나머지 브랜드는 모두 5% 미만", "상위 5개 ..., 나머지 3개 브랜드의 몫"
        earlier_groups = [g for g in para.groups if para.sentence_start(stated.start) <= g.start and g.end <= stated.start]
        top = max([g.size for g in earlier_groups], default=0)
        taken = {b.index for b in para.brands_earlier(i)} | set(names) | set(range(top))
        if taken:
            rest_of = frozenset(taken)
            sets.add(rest_of)
        counted_rest = _rest_count(para, i)  # "나머지 80개 브랜드" of 90: the rest after the top 10
        if counted_rest is not None:
            sets.add(frozenset(range(counted_rest)))
    pair = None
    if (stated.unit in ("배", "%p", "건") or stated.form in ("fraction", "half")) and names:
        refs = [m.index for m in mentions if para.is_reference(m, i)]
        if refs:
            others = [n for n in names if n != refs[-1]]
            if not others:  # "코니스의 리뷰는 ..., 타이니러브(3,084건)보다 1,003건 적고": the sentence's subject
                others = [b.index for b in para.brands_earlier(i) if b.index != refs[-1]][:1]
            if others and not names[:-1] and _compared_before(para, others[-1], i):
                # "2위 유피스(304건)보다 99건 많고, 코니스(89건)와 비교하면 4.5배": 유피스 was the last
                # comparison's reference; the subject both share is the one the sentence before named
                carried = para.subject_before(i)
                others = [carried.index] if carried is not None and carried.index != refs[-1] else others
            pair = (others[-1] if others else None, refs[-1])
    return BrandBinding(frozenset(sets) if sets else None, pair, tuple(names), groups[-1].size if groups else None,
                        rest_of)


def _compared_before(para: Paragraph, brand: int, i: int) -> bool:
    """``brand`` is named earlier in the sentence as a reference (``유피스(304건)보다``)."""
    for b in para.brands_earlier(i):
        if b.index == brand:
            after = para.masked[b.end : b.end + 12].replace(" ", "")
            return bool(re.match(r"(?:\([^)]*\))?(?:보다|대비|에비해)", after))
    return False


def _counted_list(para: Paragraph, i: int, mentions: list[BrandMention], named: int) -> int | None:
    """A count of brands right after the listed names that disagrees with the list (``A와 B 세 브랜드``):
    the count is what the figure claims to be of, the top that many."""
    if not mentions or named < 2:
        return None
    last, stated = mentions[-1], para.numbers[i]
    for n in para.numbers[:i]:
        if n.start >= last.end and n.end <= stated.start and not para.masked[last.end : n.start].strip() and \
                n.unit in ("개", "곳") and n.value.is_integer() and (n.text.endswith(("브랜드", "곳")) or
                                                                    _BRAND_AFTER.match(para.text, n.end)):
            count = int(n.value)
            return count if count != named and 0 < count <= len(para.subject.shares) else None
    return None


_BRAND_AFTER = re.compile(r"\s?(?:브랜드|업체)")


def _rest_count(para: Paragraph, i: int) -> int | None:
    """How many brands lead when the rest are counted (``나머지 80개 브랜드`` of 90 brands: the top 10)."""
    stated, total = para.numbers[i], para.subject.brand_count
    lo = para.window_start(i)
    for n in para.numbers:
        if lo <= n.start < stated.start and n.unit in ("개", "곳") and REST_BEFORE.search(para.text, lo, n.start):
            top = int(total - n.value) if total is not None else 0
            return top if 0 < top <= len(para.subject.shares) else None
    return None




def rank_brands(para: Paragraph, i: int) -> list[BrandMention]:
    """The brands a rank is said of: the name right after it (``2위 미미월드``, ``1위 브랜드인 레고``)
    or, when the rank is the predicate (``베베숲이 26.1%로 1위``, ``A와 B가 2위를 다툰다``), the names of
    its clause; none when the rank is compared with (``1위보다``) or a band (``2위권``)."""
    stated = para.numbers[i]
    if _NOT_A_RANK_CLAIM.match(para.text, stated.end):
        return []
    gap = _NAME_AFTER_RANK.match(para.text, stated.end)
    after = para.brand_after(gap.end(), 0, by_name=True) if gap else None
    if after is not None:
        return [after]
    return [b for b in para.brands_in_window(i)[0] if not b.by_rank]


# "1위보다", "2위권", "1위의 점유율" (whoever holds the rank): no claim of who holds it
_NOT_A_RANK_CLAIM = re.compile(r"\s?(?:권|까지|안|이내|보다|와|과|대비|에\s?비해|부터|의\s?(?:약\s?)?[\d두세네다절]|"
                               r"의\s?(?:점유율|리뷰|몫|비중|지분))")
_NAME_AFTER_RANK = re.compile(r"\s?(?:(?:브랜드|업체)(?:인|는|은)?\s?|인\s?)?")


_STAR_SCALE = re.compile(r"\s?(?:만점|척도|기준)")
_RATING_BEFORE = re.compile(r"평점|평균|별점\s?평균")


def bind_stars(para: Paragraph, i: int, reach_topic: bool) -> frozenset[str] | None:
    """Star bands named before the number: ``5점 리뷰`` -> 5, ``4점 이상`` -> 4-5, ``1~2점`` -> 1-2.

    With ``reach_topic`` a band named earlier in the sentence counts too (``1~2점 리뷰는 1,011건,
    비중 1.6%``)."""
    stated, lo = para.numbers[i], para.window_start(i)
    tokens = [n for n in para.numbers if lo <= n.start and n.end <= stated.start and _is_star(para.text, n)]
    if not tokens and reach_topic:
        lo = para.sentence_start(stated.start)
        tokens = [n for n in para.numbers if lo <= n.start and n.end <= stated.start and _is_star(para.text, n)]
    if not tokens:
        return None
    bands = {_band(n) for n in tokens[-2:]}
    plain = sorted(int(n.value) for n in tokens[-2:] if n.high is None and n.bound is None)
    if len(plain) == 2 and plain[1] - plain[0] == 1:
        bands.add(f"{plain[0]}-{plain[1]}")
    return frozenset(bands)


def _is_star(text: str, n: StatedNumber) -> bool:
    if n.unit != "점" or n.form != "digits" or not 1 <= n.value <= 5 or not n.value.is_integer():
        return False
    if n.high is not None and not (n.value < n.high <= 5 and n.high.is_integer()):
        return False
    return _STAR_SCALE.match(text, n.end) is None and _RATING_BEFORE.search(text, max(0, n.start - 8), n.start) is None


def _band(n: StatedNumber) -> str:
    v = int(n.value)
    if n.high is not None:
        return f"{v}-{int(n.high)}"
    if n.bound == "lower" and v < 5:
        return f"{v}-5"
    if n.bound == "upper" and v > 1:
        return f"1-{v}"
    return str(v)
