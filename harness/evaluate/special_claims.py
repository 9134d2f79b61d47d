"""Claims of a special shape: proportions, thresholds, ranks, years said to rise or fall, bounds
said of several brands, and multiples of the figures a sentence just stated (see ``claims``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from harness.evaluate.binding import ALL, BrandBinding, rank_brands
from harness.evaluate.candidate import ITEMS, MULTIPLE, ORDINAL, PERCENT, REVIEWS, Candidate
from harness.evaluate.claim import NO_CLAIM, Claim
from harness.evaluate.mentions import AMONG, CLAUSE_BREAK, MENTION_WORDS, OF_BEFORE
from harness.evaluate.paragraph import Paragraph, family
from harness.evaluate.stated import StatedNumber

Measured = Callable[[Paragraph, int, StatedNumber], Claim]
_PARTITIVE = re.compile(r"\s?(?:가운데|중(?:에서|에)?)\s?")
_ROUND_BASES = frozenset({20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0})
_BRAND_WORD = re.compile(r"브랜드|업체|곳|사(?![가-힣])")
_YEAR_TREND = re.compile(r"\s?(?:의|에는|에|은|는)?\s?(?:리뷰는?\s?)?(회복세|증가세|성장세|상승세|반등|감소세|하락세|역성장|위축)")
_FROM_FIGURE = re.compile(r"\s?(?:에서|부터)")
_GAP_WORD = re.compile(r"\s?(?:의\s?)?차이")  # "63,445건과는 1건 차이": the gap of the two figures
_RISING = frozenset({"회복세", "증가세", "성장세", "상승세", "반등"})
_BRAND_YEAR = re.compile(r"\s?(?:[의은는이가]\s?)?(?:리뷰|판매|매출|점유율|수요|성장)?(?:는|은|이|가|도)?\s?$")


def year_claim(para: Paragraph, i: int) -> Claim:
    """A year tied to one brand's figure (``마더스베이비의 리뷰는 2023년에``): the facts hold no yearly
    figures per brand, so the claim cannot be checked. A year (or years) said to be a rise or a fall
    (``2021~2022년의 회복세``) must have grown (or shrunk) in every year named."""
    stated = para.numbers[i]
    for brand in para.brands:
        gap = para.masked[brand.end : stated.start]
        if 0 <= len(gap) <= 12 and brand.end <= stated.start and not brand.by_rank and _BRAND_YEAR.fullmatch(gap):
            return Claim(f"a yearly figure of {para.subject.name(brand.index)}", absent=True)
    trend = _YEAR_TREND.match(para.text, stated.end)
    if trend is None:
        return NO_CLAIM
    sign = 1 if trend.group(1) in _RISING else -1
    years = range(int(stated.value), int(stated.high or stated.value) + 1)
    rates = [para.subject.rates.get(y) for y in years]
    if any(r is None for r in rates) or all(r is not None and r * sign > 0 for r in rates):
        return NO_CLAIM
    never = Candidate(-1.0, "never", "no such trend", measure="year_trend")
    return Claim(f"{'rise' if sign > 0 else 'fall'} in {stated.text}", frozenset({"year_trend"}), extra=(never,))


def rank_claim(para: Paragraph, i: int) -> Claim:
    """``2위 미미월드``: the rank must be that brand's (any of them when several compete for it)."""
    brands = rank_brands(para, i)
    if not brands:
        return NO_CLAIM
    names = [para.subject.name(b.index) for b in brands]
    ranks = tuple(Candidate(b.index + 1, ORDINAL, f"rank:{n}", measure="brand_rank", brands=(b.index,))
                  for b, n in zip(brands, names, strict=True))
    return Claim(f"rank of {' or '.join(dict.fromkeys(names))}", frozenset({"brand_rank"}), extra=ranks)


def bounded_brands(para: Paragraph, stated: StatedNumber, brands: BrandBinding) -> tuple[Candidate, ...]:
    """``A, B는 10%를 넘지 못해``, ``모든 브랜드의 점유율이 19%를 넘는다``: a bound holds when every
    brand named is on its side (all brands: only when the list holds every brand, or the bound is an
    upper one, which the brands after the list meet when the last listed one does)."""
    if stated.unit != "%" or stated.bound is None:
        return ()
    subject = para.subject
    below = stated.bound == "upper"
    names = list(brands.names)
    if brands.rest_of is not None:
        # "마미포코(12%대)와 킨도(8%대)가 중위권을, 나머지는 모두 7% 미만": below the listed middle, the
        # rest are the brands ranked after the first one listed
        after = min(brands.rest_of) if below else -1
        names = [n for n in range(len(subject.shares)) if n not in brands.rest_of and n > after]
        if not below:  # brands after the list are smaller still: a lower bound cannot hold for them all
            complete = subject.brand_count is not None and subject.brand_count <= len(subject.shares)
            if not complete:
                return ()
    elif brands.sets is not None and ALL in brands.sets:
        complete = subject.brand_count is not None and subject.brand_count <= len(subject.shares)
        if not (complete or below):
            return ()
        names = list(range(len(subject.shares)))
    shares = [subject.shares[n] for n in names if n < len(subject.shares)]
    if not shares or len(shares) != len(names) or any(s is None for s in shares):
        return ()
    holds = all((s * 100 <= stated.value) if below else (s * 100 >= stated.value) for s in shares if s is not None)
    return (Candidate(stated.value, PERCENT, "bound holds for the brands named", measure="share"),) if holds else ()


def stated_arithmetic(para: Paragraph, i: int) -> tuple[Candidate, ...]:
    """``365건은 315건보다 50건 많아 1.16배``, ``63,446건 ... 63,445건과는 1건 차이``, ``64%, ... 36%로
    1.8배``: a multiple or difference of the two figures just stated (first over second; from the
    first to the second, ``172건에서 92건까지 80건 줄어``, the second less the first; a part of the
    second, ``(12건)은 ... (70건)의 6분의 1``, the first over the second; an error in a figure is that
    figure's, not the arithmetic's)."""
    stated = para.numbers[i]
    if stated.unit == "%" and stated.direction == 0:
        return _stated_part(para, i)
    if stated.unit not in ("배", "건", "개"):
        return ()
    start = para.sentence_start(stated.start)
    units = ("건", "원", "개", "%") if stated.unit == "배" else ("건", "원", "개")  # "합은 64%, ... 36%로 1.8배"
    figures = [n for n in para.numbers[:i] if n.start >= start and n.unit in units and not n.direction]
    if stated.unit == "배" and figures and figures[-1].high and figures[-1].value > 0:  # "1만~6만 원으로 6배"
        return (Candidate(figures[-1].high / figures[-1].value, MULTIPLE, "ratio of the stated range", measure="stated"),)
    for unit in dict.fromkeys(n.unit for n in reversed(figures)):  # the latest two figures of one unit
        same = [n for n in figures if n.unit == unit]
        if len(same) >= 2:
            figures = same
            break
    if len(figures) < 2 or figures[-1].unit != figures[-2].unit:
        return ()
    a, b = figures[-2].value, figures[-1].value
    if stated.unit == "배" and min(a, b) > 0:
        return (Candidate(max(a, b) / min(a, b), MULTIPLE, "ratio of the stated figures", measure="stated"),)
    if _FROM_FIGURE.match(para.text, figures[-2].end):  # "172건에서 92건까지 80건 줄어": later minus earlier
        a, b = b, a
    if stated.unit == figures[-1].unit and (stated.direction or _GAP_WORD.match(para.text, stated.end)):
        return (Candidate(a - b, REVIEWS if stated.unit == "건" else ITEMS, "difference of the stated figures", True,
                          measure="stated"),)
    return ()


def _stated_part(para: Paragraph, i: int) -> tuple[Candidate, ...]:
    """``반등 폭(12건)은 ... 감소 폭(70건)의 6분의 1 남짓``: the subject's figure over the reference's, the
    two figures the sentence just stated (the subject's before 은/는, the reference's before 의)."""
    stated = para.numbers[i]
    start = para.sentence_start(stated.start)
    figures = [n for n in para.numbers[:i] if n.start >= start and n.unit in ("건", "원", "개")]
    if len(figures) < 2 or figures[-1].unit != figures[-2].unit or not figures[-1].value:
        return ()
    a, b = figures[-2], figures[-1]
    if not OF_BEFORE.fullmatch(para.masked[b.end : stated.start]) or not _SUBJECT_AFTER.match(para.text, a.end):
        return ()
    return (Candidate(a.value / b.value * 100, PERCENT, "part of the stated figures", measure="stated"),)


_SUBJECT_AFTER = re.compile(r"\)?\s?(?:은|는|이|가)\s")


def proportion(para: Paragraph, i: int, measured: Measured) -> Claim | None:
    """``10건 중 8건``: the base is the writer's, the part claims a share of what its clause names."""
    stated = para.numbers[i]
    nxt = para.numbers[i + 1] if i + 1 < len(para.numbers) else None
    if nxt is not None and _is_base(stated) and family(nxt) == "n" and _joined(para.text, stated, nxt):
        kind = REVIEWS if stated.unit in ("건", "명", "회") else ITEMS
        return Claim("proportion base", frozenset({"base"}), extra=(Candidate(stated.value, kind, "base", measure="base"),))
    prev = para.numbers[i - 1] if i > 0 else None
    if prev is None or family(stated) != "n" or not _is_base(prev) or not _joined(para.text, prev, stated):
        return None
    if stated.value > prev.value:
        return None
    share = replace(stated, value=stated.value / prev.value * 100, high=None, unit="%", step=stated.step / prev.value * 100)
    inner = measured(para, i, share)
    what = f"proportion {stated.value:g}/{prev.value:g} {inner.what}".strip()
    sentence = para.topic(i) + para.window(i) + para.after(i)
    mentions = MENTION_WORDS.search(sentence) or para.subject.names_term(sentence)
    # "'배앓이'가 샘플 100건 중 17건에서 언급": also a mention count in its own right
    as_count = Claim("mentions", frozenset({"mentions", "segment"})) if mentions else None
    return replace(inner, what=what, brand_pair=None, year_pair=None, restated=share, absent=False, dated=False,
                   extra=(), alternative=as_count)


def _joined(text: str, base: StatedNumber, part: StatedNumber) -> bool:
    match = _PARTITIVE.match(text, base.end)
    return match is not None and match.end() >= part.start - 8 and family(base) == "n"


def _is_base(stated: StatedNumber) -> bool:
    """A base a writer picks for a proportion: a small count (``다섯 건 중``) or a round one (``200건 중``)."""
    v = stated.value
    round_base = v.is_integer() and (2 <= v <= 10 or v in _ROUND_BASES)
    return round_base and stated.high is None and stated.bound is None


def threshold(para: Paragraph, i: int) -> Claim | None:
    """``17개 브랜드가 5% 미만`` (either order): the count is of brands past the threshold, which is
    the nearest bounded percentage in the same clause (asides skipped)."""
    stated = para.numbers[i]
    count_unit = stated.unit in ("개", "곳")
    if not count_unit and (stated.unit != "%" or stated.bound is None or stated.form != "digits"):
        return None
    def wanted(n: StatedNumber) -> bool:
        return (n.unit == "%" and n.bound is not None and n.form == "digits") if count_unit else n.unit in ("개", "곳")

    sentence = para.sentence_start(stated.start)  # the count and the threshold are in one sentence
    outside = [j for j in range(len(para.numbers)) if j != i and not para.paren_of(para.numbers[j].start)
               and para.sentence_start(para.numbers[j].start) == sentence]
    nearby = [j for j in outside if j > i][:2] + [j for j in reversed(outside) if j < i][:2]
    for j in nearby:
        other = para.numbers[j]
        if not wanted(other):
            continue
        count, limit = (stated, other) if count_unit else (other, stated)
        if AMONG.match(para.text, count.end):
            break  # "8개 브랜드 가운데 5%에 못 미치는 곳은": 8 is the whole, not the count past 5%
        lo, hi = min(count.end, limit.end), max(count.start, limit.start)
        between = para.masked[lo:hi]
        if len(between.replace(" ", "")) > 20 or CLAUSE_BREAK.search(between):
            break
        k = para.numbers.index(count)
        around = para.topic(k) + para.window(k) + between + para.text[count.end : count.end + 5]
        if not _BRAND_WORD.search(around):
            break
        if stated is limit:
            return Claim("threshold", frozenset({"threshold"}),
                         extra=(Candidate(limit.value, PERCENT, "threshold", measure="threshold"),))
        side = "below" if limit.bound == "upper" else "above"
        return Claim(f"brands {side} {limit.value:g}%", frozenset({"threshold"}),
                     extra=para.subject.threshold_counts(limit.value, limit.bound))
    return None
