"""Reading rules for phrasings a fluent writer uses beyond the core attribution of ``claims``.

Each rule reads one shape of sentence and says what its number claims, or None when the shape is
not there (then ``claims`` reads the number as usual):

- **price positions**: ``하위 25% 지점``, ``가운데 50% 상품``, ``상하위 10%`` name a quantile of the
  price distribution, not a share of anything;
- **bases**: ``전체 리뷰 2,500건을 분모로``, ``별점이 있는 리뷰 396건 기준``, ``총 리뷰 수 63,445건``
  state the total a share is computed over (all reviews, the rated ones or the branded ones), not
  a star band's count even when a star band is named beside them;
- **tag counts**: ``'도톰해요' 태그가 붙은 25개 상품``, ``흡수력 태그(28개 상품)``: the products the
  tag named nearest before the number is attached to (a tag may be named by its first word);
- **per one**: ``리뷰 1건당`` is the unit of a rate;
- **estimated revenue**: ``추정 매출 약 3,532만 원`` where legacy facts estimate it;
- **shares of stated counts**: ``599건으로 전체 리뷰 600건의 99.8%``: the earlier count over the base;
- **labels**: ``80매 10팩`` where a segment is named so: the label, not a figure;
- **compared levels**: ``합계는 36.2%로, 브라운 단독보다 작습니다`` must hold against that brand's share;
- **compared figures**: ``리뷰 없는 상품 비중(77.4%)이 상위 3개 합계(74.2%)보다 높습니다``: two stated
  figures compared in one clause must stand in that order (else the reference carries the error);
- **monthly means**: ``월평균 8.4건`` is a year's reviews per month covered;
- **concentration lines and parts**: ``HHI는 1,865로 2,500 기준선 아래`` names a conventional line of
  the index (1,500, 2,500), not a figure; ``HHI 3,912 가운데 A 몫만 약 3,209`` is the part of the index
  the named brands (or the top-k) contribute, the sum of their squared shares;
- **yearly lists**: ``2021년의 108건 증가였고, 그 뒤로는 해마다 71건, 85건, 80건씩``: the k-th figure
  of a list said year by year belongs to the k-th year after the one named before it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from harness.evaluate.binding import bind_brands, bind_years
from harness.evaluate.candidate import COUNT, HHI, PERCENT, Candidate
from harness.evaluate.claim import Claim
from harness.evaluate.mentions import CLAUSE_BREAK, is_year
from harness.evaluate.paragraph import Paragraph, family, list_run

_POSITION = re.compile(r"(?:하위|상위|상하위|가운데|중간)\s?$")
_QUANTILE_WORDS = re.compile(r"(?:하위|상위|상하위)\s?\d+\s?%\s?(?:지점|구간|선)|사분위|분위")
_PRICE_WORDS = re.compile(r"가격|원(?![가-힣])|지점|분위")
_BASE_BEFORE = re.compile(r"(?:전체|총)\s?리뷰(?:\s?수)?(?:는|은|가)?\s?$|별점\s?(?:합계|총합)\s?$|"
                          r"별점이\s?(?:있는|매겨진|달린|남겨진)\s?(?:리뷰\s?)?$|(?:제외한|뺀)\s?(?:리뷰\s?)?$")
_BASE_AFTER = re.compile(r"\s?(?:을|를)?\s?(?:분모로|기준으로|기준)")
_OF_BASE = re.compile(r"\s?(?:의|중|가운데)\s?")
_ESTIMATED_REVENUE = re.compile(r"추정\s?(?:매출|판매액)|(?:매출|판매액)\s?추정(?:치|액)?")
_PER = re.compile(r"\s?당")
_WHOLE_AFTER = re.compile(r"\s?(?:가운데|중)(?![가-힣])")
_COUNTER = re.compile(r"[가-힣]{1,2}(?![가-힣])|[가-힣](?=[가-힣])")
_THAN = re.compile(r"\s?(?:단독|혼자|한\s?곳)?\s?(?:보다|에\s?비해|대비)\s?")
_MORE_LESS = re.compile(r"(높|많|크|앞서|웃돌)|(?:낮|적|작|뒤처|밑돌)")
_AFTER_SUBJECT = re.compile(r"\)?\s?(?:이|가|은|는)\s")
_THAN_AFTER = re.compile(r"\)?\s?보다(?:도|는)?\s?")
_MONTHLY = re.compile(r"월\s?평균|한\s?달\s?평균|월간\s?평균|매달\s?평균")
_BASE_NAMES = ((re.compile(r"별점"), "ratingHistogram:total"), (re.compile(r"브랜드"), "dataQuality.brandedReviewCount"),
               (re.compile(r"전체|총"), "metrics.totalReviewCount"))
_TAG_WORD = re.compile(r"태그")
_YEARLY = re.compile(r"해마다|매년|매해|차례로|연이어|순서대로")
_AFTERWARDS = re.compile(r"뒤로|이후|이어|다음")
_LIST_GAP = re.compile(r"\s?,\s?")
_HHI_WORD = re.compile(r"HHI|허핀달|허쉬만|집중도\s?지수", re.IGNORECASE)
# The lines antitrust guidance draws on the index: below 1,500 unconcentrated, above 2,500 highly concentrated.
_HHI_LINES = frozenset({1500.0, 2500.0})
_LINE_WORD = re.compile(r"기준|선(?![가-힣])|고집중|집중\s?(?:시장|구간)|경쟁\s?시장|비집중")
_PART_WORD = re.compile(r"몫|기여|기여분|차지하는\s?부분")


def price_position(para: Paragraph, i: int) -> Claim | None:
    """``하위 25% 지점이 3만 1,800원``: a quantile's position, checked against the quantiles the facts give."""
    stated = para.numbers[i]
    if stated.unit != "%" or not _POSITION.search(para.text, max(0, stated.start - 6), stated.start):
        return None
    sentence_end = para.text.find(".", stated.end)
    sentence = para.text[para.sentence_start(stated.start) : sentence_end if sentence_end >= 0 else len(para.text)]
    if not _PRICE_WORDS.search(sentence):
        return None
    return Claim("price quantile", frozenset({"quantile"}), restated=replace(stated, context=""))  # not a rank


def price_spread(para: Paragraph, i: int) -> frozenset[str] | None:
    """A multiple in a sentence about prices: of the two prices it just stated (``13만 원, 128만 원으로
    9배``, a range ``1만~6만 원으로``), else of two quantiles it names (``하위 25% 지점의 두 배``)."""
    stated = para.numbers[i]
    start = para.sentence_start(stated.start)
    prices = [n for n in para.numbers if start <= n.start < stated.start and n.unit == "원"]
    if len(prices) >= 2 or (prices and prices[-1].high is not None):
        return frozenset({"stated"})
    return frozenset({"price_ratio"}) if _QUANTILE_WORDS.search(para.text, start, stated.start) else None


def review_base(para: Paragraph, i: int) -> Claim | None:
    """``별점이 있는 리뷰 396건 기준``: a total a share is over (all reviews, the rated ones, the branded ones).

    Another reading of the number, tried when its usual one fails; a count a year owns
    (``전체 리뷰 599건이 2024년에만``) is that year's, so the name of a base alone does not apply there.
    """
    stated = para.numbers[i]
    if stated.unit != "건" or stated.direction:
        return None
    if not _BASE_AFTER.match(para.text, stated.end):
        sentence = para.sentence_start(stated.start)
        named = _BASE_BEFORE.search(para.masked[max(sentence, stated.start - 16) : stated.start])
        if not named or any(y.start >= sentence and y.end <= stated.end + 20 for y in para.years):
            return None
    # the base its words name: 별점 the rated reviews, 브랜드 the branded ones, 전체/총 all of them
    named_base = next((label for pattern, label in _BASE_NAMES if pattern.search(para.masked, max(0, stated.start - 14),
                                                                             stated.start)), None)
    totals = tuple(c for c in para.subject.totals if named_base is None or c.label == named_base)
    return Claim("a base of shares", frozenset({"base_total"}), extra=totals)


def tag_count(para: Paragraph, i: int) -> Claim | None:
    """``'재구매 의사 있어요'가 붙은 상품이 15개``: the count of the tag named nearest before the number."""
    stated = para.numbers[i]
    if family(stated) != "n" or not para.subject.tags or _WHOLE_AFTER.match(para.text, stated.end):
        return None  # "상품 80개 중 33개": 80 is the whole the tag's products are counted in
    start = para.sentence_start(stated.start)
    clause = para.text[start : stated.end + 8]
    if not _TAG_WORD.search(clause) and "붙은" not in clause:
        return None
    before = para.text[start : stated.start]
    found = [(before.rfind(name), tag) for tag, names in para.subject.tags.items() for name in names if name in before]
    if not found:
        return None
    pos, tag = max(found)
    between = para.masked[start + pos : stated.start]
    if CLAUSE_BREAK.search(between) or para.subject.names_term(para.masked[start:stated.start], marked=True) not in (None, tag):
        return None  # "'정확해요' 태그가 ..., 귀적외선(32개)": another term's own count
    return Claim(f"tag {tag}", frozenset({"term"}), extra=para.subject.term_candidates(tag))


def yearly_list_year(para: Paragraph, i: int) -> tuple[int, int] | None:
    """The year of the k-th figure of a list said year by year (``해마다 71건, 85건, 80건씩 늘어``), and
    the direction the list's closing word gives every figure of it."""
    stated = para.numbers[i]
    start = para.sentence_start(stated.start)
    run = [n for n in para.numbers if n.start >= start and family(n) == family(stated) and not is_year(n)
           and not para.paren_of(n.start)]
    k = run.index(stated) if stated in run else -1
    if k < 0:
        return None
    first, last = list_run(para.masked, run, k, _LIST_GAP)
    if last - first < 1:
        return None
    lead = para.masked[max(start, run[first].start - 20) : run[first].start]
    if not _YEARLY.search(lead) or para.span(i) is not None:
        return None
    years = [y for y in para.years if start <= y.start and y.end <= run[first].start]
    if not years:
        return None
    anchor = years[-1]
    if anchor.first != anchor.year:
        return None
    figures_between = any(anchor.end <= n.start < run[first].start and not is_year(n) for n in para.numbers)
    offset = 1 if figures_between or _AFTERWARDS.search(lead) else 0
    return anchor.year + offset + (k - first), run[last].direction


def estimated_revenue(para: Paragraph, i: int) -> Claim | None:
    """``추정 매출은 약 3,532만 원``: the revenue legacy facts estimate (units times a reference price).

    Only a sentence that calls the figure an estimate claims it; a plain ``매출 4억 원`` claims real
    revenue, which no facts carry (and which a summary must not state).
    """
    stated = para.numbers[i]
    if stated.unit != "원" or not _ESTIMATED_REVENUE.search(para.masked, para.sentence_start(stated.start), stated.start):
        return None
    return Claim("estimated revenue", frozenset({"revenue"}), extra=para.subject.revenues)


def per_one(para: Paragraph, i: int) -> Claim | None:
    """``리뷰 1건당 판매 3개``: the one of a rate's denominator is a unit, not a figure of the facts."""
    stated = para.numbers[i]
    if stated.value != 1 or family(stated) != "n" or not _PER.match(para.text, stated.end):
        return None
    return Claim("per one", frozenset({"per_one"}), extra=(Candidate(1.0, COUNT, "per one", measure="per_one"),))


def stated_share(para: Paragraph, i: int) -> Claim | None:
    """``그해 리뷰는 599건으로 전체 리뷰 600건의 99.8%``: the share an earlier count of the sentence is of
    the count the percentage is said of (an error in either count is that count's own)."""
    stated = para.numbers[i]
    if stated.unit != "%" or stated.form != "digits" or stated.high is not None or i < 2:
        return None
    base, start = para.numbers[i - 1], para.sentence_start(stated.start)
    if base.unit != "건" or base.start < start or not _OF_BASE.fullmatch(para.masked[base.end : stated.start]):
        return None
    parts = [n for n in para.numbers[: i - 1] if n.start >= start and n.unit == "건" and 0 < n.value <= base.value]
    if not parts or not base.value:
        return None
    share = Candidate(parts[-1].value / base.value * 100, PERCENT, "share of the stated figures", measure="stated")
    return Claim("share of the stated figures", frozenset({"stated"}), extra=(share,))


def label(para: Paragraph, i: int) -> Claim | None:
    """``대용량 구성(80매 등)``: a number with a counter no figure uses, quoted from a segment's label."""
    stated = para.numbers[i]
    counter = _COUNTER.match(para.text, stated.end)
    if stated.unit or counter is None or not para.subject.labels:
        return None
    if para.text[stated.start : counter.end()].replace(" ", "") not in para.subject.labels.replace(" ", ""):
        return None
    return Claim("a segment's label", frozenset({"label"}),
                 extra=(Candidate(stated.value, COUNT, "segment label", measure="label"),))


def compared_level(para: Paragraph, i: int) -> Claim | None:
    """``합계는 36.2%로, 브라운 단독보다 작습니다``: a share said to be above (or below) a brand named after
    it must be; when it is not, the number carries the error (its comparison is wrong). None otherwise."""
    stated = para.numbers[i]
    if stated.unit != "%" or stated.high is not None:
        return None
    rest = para.masked[stated.end : stated.end + 40]
    cut = re.search(r"[.;!?]", rest)
    rest = rest[: cut.start()] if cut else rest
    for brand in para.brands:
        if brand.by_rank or not stated.end <= brand.start < stated.end + len(rest):
            continue
        compared = _THAN.match(para.masked, brand.end)
        share = para.subject.shares[brand.index] if brand.index < len(para.subject.shares) else None
        if compared is None or share is None:
            return None
        word = _MORE_LESS.search(para.masked, compared.end(), compared.end() + 8)
        if word is None:
            return None
        sign = 1 if word.group(1) else -1
        if (stated.value - share * 100) * sign < 0:
            never = Candidate(-1.0, "never", "comparison does not hold", measure="compared")
            return Claim(f"above or below {para.subject.name(brand.index)}", frozenset({"compared"}), extra=(never,))
        return None
    return None


def monthly_mean(para: Paragraph, i: int) -> Claim | None:
    """``2024년 월평균 7.0건``: a year's reviews per month covered, of the year the sentence binds."""
    stated = para.numbers[i]
    if stated.unit != "건" or not _MONTHLY.search(para.window(i)[-12:]):
        return None
    years = bind_years(para, i).years
    extra = tuple(c for c in para.subject.monthly if years is None or c.years[0] in years)
    return Claim("reviews per month", frozenset({"monthly"}), years=years, extra=extra)


def concentration(para: Paragraph, i: int) -> Claim | None:
    """In a sentence about the HHI, a bare number that is a line of the index (``고집중 기준 2,500``) or
    the part of it some brands contribute (``이 가운데 A 몫만 약 3,209``, ``상위 10개 브랜드 몫이 약 334``)."""
    stated = para.numbers[i]
    if stated.unit or stated.high is not None or stated.value < 100:
        return None
    start = para.sentence_start(stated.start)
    end = para.text.find(".", stated.end)
    sentence = para.masked[start : end if end >= 0 else len(para.text)]
    if not _HHI_WORD.search(sentence):
        return None
    near = para.masked[max(start, stated.start - 14) : stated.end + 8]
    if stated.value in _HHI_LINES and _LINE_WORD.search(near):
        line = Candidate(stated.value, HHI, "hhi line", measure="hhi_line")
        return Claim("a line of the HHI", frozenset({"hhi_line"}), extra=(line,))
    if not _PART_WORD.search(para.masked[max(start, stated.start - 12) : stated.start]):
        return None
    brands = bind_brands(para, i)
    parts = []
    for members in brands.sets or ():
        shares = [para.subject.shares[b] for b in members if 0 <= b < len(para.subject.shares)]
        if shares and len(shares) == len(members) and None not in shares:
            label = "hhi part:" + "+".join(para.subject.name(b) for b in sorted(members))
            parts.append(Candidate(sum((s * 100) ** 2 for s in shares if s), HHI, label, measure="hhi_part"))
    return Claim("part of the HHI", frozenset({"hhi_part"}), extra=tuple(parts)) if brands.sets else None


def compared_figures(para: Paragraph, i: int) -> Claim | None:
    """``A 비중(77.4%)이 B 합계(74.2%)보다도 낮습니다``: the subject's figure must be below (above) this
    one; when it is not, this figure, the reference, carries the error. None otherwise."""
    stated = para.numbers[i]
    than = _THAN_AFTER.match(para.text, stated.end)
    if stated.unit != "%" or stated.high is not None or than is None:
        return None
    word = _MORE_LESS.match(para.masked, than.end())
    start = para.sentence_start(stated.start)
    subjects = [n for n in para.numbers[:i] if n.start >= start and n.unit == stated.unit and n.high is None]
    if word is None or not subjects or not _AFTER_SUBJECT.match(para.text, subjects[-1].end):
        return None
    between = para.masked[subjects[-1].end : stated.start]
    if CLAUSE_BREAK.search(between) or len(between) > 30:
        return None
    sign = 1 if word.group(1) else -1
    if (subjects[-1].value - stated.value) * sign > 0:
        return None
    never = Candidate(-1.0, "never", "comparison does not hold", measure="compared")
    return Claim(f"compared with {subjects[-1].text}", frozenset({"compared"}), extra=(never,))
