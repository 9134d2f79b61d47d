"""Reading rules for how a fluent writer talks about a series of years (see ``reading_rules``):

- **sizes of a decline**: ``하락 폭은 2023년에 8.1%로 작아졌다가 2024년에 24.4%로 다시 커졌습니다``,
  ``감소 폭은 2022년 32.6%보다 2024년 39.3%이 6.7%p 더 컸습니다``: under 하락/감소 폭 (감소분, 낙폭)
  the words 커지다/작아지다/더 크다 size the fall, so the rate is a fall whatever they say, and a gap
  between two falls points the other way (a larger fall is a lower rate);
- **the years around one**: ``2023년 감소율(7.8%)은 그 앞뒤 해(32.6%, 39.3%)보다``: the two figures
  said of 앞뒤 해 (전후 해) are the year before and the year after the one named;
- **counts of rates**: ``2021~2024년 증감률 4개 가운데 3개가 마이너스``: how many rates of the period
  have the sign the words give;
- **lists of levels**: ``2023년 37.7%, 2024년 28.0%로 다시 높아졌습니다``: the list rose from what came
  before it (its first figure carries the trend);
- **years joined and summed**: ``2020년과 2021년에 합계 694건`` is the total of the period they make;
- **after a year**: ``2021년에 ... 그 뒤 리뷰는 180건이 줄어 2024년에는``: the change from the year
  named before 그 뒤 to the one named after the figure;
- **the peak**: ``정점과 비교한 2024년의 수준은 38%``, ``정점의 절반을 조금 넘는``: 정점 (피크, 최고점) is
  the year with the most reviews, the reference a share of it is of.
"""

from __future__ import annotations

import re
from dataclasses import replace

from harness.evaluate.binding import bind_years
from harness.evaluate.candidate import COUNT, ITEMS, Candidate
from harness.evaluate.claim import Claim
from harness.evaluate.mentions import is_year
from harness.evaluate.paragraph import Paragraph, list_run
from harness.evaluate.stated import StatedNumber

_DECLINE_SIZE = re.compile(r"(?:하락|감소|축소|감소세의?)\s?폭|낙폭|감소분|줄어든\s?폭")
_AROUND = re.compile(r"(?:그\s?)?(?:앞뒤|전후)\s?(?:해|연도|년)")
_PEAK = re.compile(r"정점|피크|최고점|고점")


def decline_size(para: Paragraph, i: int, stated: StatedNumber) -> StatedNumber | None:
    """The number as a fall (a rate) or a gap between falls, where its sentence sizes a decline."""
    if stated.unit not in ("%", "%p"):
        return None
    start = para.sentence_start(stated.start)
    if not _DECLINE_SIZE.search(para.masked, start, stated.start):
        return None
    if stated.unit == "%":
        return replace(stated, direction=-1, trend=-stated.trend)
    return replace(stated, direction=-stated.direction, trend=-stated.trend)


def around_year(para: Paragraph, i: int) -> tuple[int, int] | None:
    """``그 앞뒤 해(32.6%, 39.3%)``: the year of the k-th of the two figures, and its direction."""
    stated = para.numbers[i]
    start = para.sentence_start(stated.start)
    around = list(_AROUND.finditer(para.masked, start, stated.start))
    if not around or is_year(stated):
        return None
    lead = around[-1]
    run = [n for n in para.numbers if lead.end() <= n.start <= stated.start and not is_year(n)]
    if len(run) > 2 or para.masked[lead.end() : run[0].start].strip(" (") or \
            any(is_year(n) for n in para.numbers if lead.end() <= n.start < stated.start):
        return None
    years = [y for y in para.years if start <= y.start and y.end <= lead.start()]
    if not years or years[-1].first != years[-1].year:
        return None
    k = run.index(stated)
    return years[-1].year + (-1 if k == 0 else 1), stated.direction


def peak_year(para: Paragraph, i: int, owner: int | None) -> tuple[int, int] | None:
    """(owner, peak) of a share said of 정점 (the year with the most reviews): the year the sentence binds
    the share to, or else the last other year it names (``정점인 2021년 ... 2024년(92건)의 1.9배로, 그
    사이 리뷰가 정점의 절반을 조금 넘는 수준으로 줄었습니다``: 2024 over 2021); None when 정점 is not named."""
    stated = para.numbers[i]
    peak = para.subject.peak
    if (stated.unit != "%" and stated.form not in ("fraction", "half")) or peak is None or \
            not _PEAK.search(para.window(i)):
        return None
    if owner is None or owner == peak:
        others = [y.year for y in para.years_before(i) if y.year != peak]
        owner = others[-1] if others else None
    return (owner, peak) if owner is not None and owner > peak else None


_YEAR_LIST_GAP = re.compile(r"\s?,\s?(?:(?:19|20)\d\d년\s?(?:에는|에|은|는)?\s?)?")


def list_trend(para: Paragraph, i: int, stated: StatedNumber) -> StatedNumber | None:
    """``2023년 37.7%, 2024년 28.0%로 다시 높아졌습니다``: the closing 높아지다 says the list rose from
    what came before it, so its first figure carries the trend and the others none."""
    same = [n for n in para.numbers if n.unit == stated.unit and not is_year(n)]
    k = same.index(stated) if stated in same else -1
    if k < 0:
        return None
    first, last = list_run(para.masked, same, k, _YEAR_LIST_GAP)
    if first == last or not same[last].trend:
        return None
    return replace(stated, trend=same[last].trend if k == first else 0)


_RATES_WHOLE = re.compile(r"(?:증감률|성장률|증가율|감소율|변화율)\s?(?:은|는)?\s?[\d가-힣]{1,3}\s?(?:개|해)?\s?(?:가운데|중(?:에서)?)\s?$")
_RATE_SIGN = re.compile(r"(마이너스|감소|하락|줄|뒷걸음|역성장)|(플러스|증가|상승|늘|성장)")


def rate_count(para: Paragraph, i: int) -> Claim | None:
    """``2021~2024년 증감률 4개 가운데 3개가 마이너스``: how many yearly rates of the period have that sign."""
    stated = para.numbers[i]
    if stated.unit not in ("개", "해", "번") or not _RATES_WHOLE.search(para.masked, para.sentence_start(stated.start),
                                                                        stated.start):
        return None
    after = para.masked[stated.end : stated.end + 12]
    sign = _RATE_SIGN.search(after)
    if sign is None:
        return None
    want = -1 if sign.group(1) else 1
    span = bind_years(para, i).span
    rates = [r for y, r in para.subject.rates.items() if span is None or span[0] <= y <= span[1]]
    n = sum(1 for r in rates if r * want > 0)
    extra = tuple(Candidate(n, kind, "rates of that sign", measure="rate_count") for kind in (COUNT, ITEMS))
    return Claim(f"{'falling' if want < 0 else 'rising'} rates", frozenset({"rate_count"}), extra=extra)


_JOINED_YEARS = re.compile(r"((?:19|20)\d\d)년?\s?(?:과|와|및|,|·)\s?((?:19|20)\d\d)년\s?(?:에는|에|의|은|는)?\s?(?:리뷰는?\s?)?"
                           r"(?:합계|합쳐|합산|모두|통틀어|도합)\s?(?:서\s?)?$")


def joined_years(para: Paragraph, i: int) -> tuple[int, int] | None:
    """``2020년과 2021년에 합계 694건``: two successive years joined by 과 and summed are a period."""
    stated = para.numbers[i]
    if stated.unit != "건":
        return None
    found = _JOINED_YEARS.search(para.masked, max(0, stated.start - 40), stated.start)
    if found is None:
        return None
    a, b = int(found.group(1)), int(found.group(2))
    return (a, b) if b == a + 1 else None


_AFTERWARDS = re.compile(r"그\s?(?:뒤|후|다음)|이후")


def since_year(para: Paragraph, i: int) -> tuple[int, int] | None:
    """``2021년에 ... 마지막 증가였고, 그 뒤 리뷰는 180건이 줄어 2024년에는``: a change said after 그 뒤
    runs from the year named before it to the year named after the figure (owner, reference)."""
    stated = para.numbers[i]
    if not stated.direction or stated.unit not in ("건", "%"):
        return None
    before = para.years_before(i)
    if not before or not _AFTERWARDS.search(para.masked, before[-1].end, stated.start):
        return None
    after = para.year_after(i)
    if after is None or after.year <= before[-1].year:
        return None
    return after.year, before[-1].year
