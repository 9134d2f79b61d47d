"""Claim attribution: what each stated number claims, read from its sentence before it is matched.

The ``Claim`` type is in ``harness.evaluate.claim``; claims of a special shape (proportions,
thresholds, ranks, years said to rise or fall) in ``harness.evaluate.special_claims``.

A number is compared only with the facts its sentence attributes it to, bound the way a careful
Korean reader binds it, by proximity and syntax (windows: ``paragraph``; brands and years:
``binding``; measure words: ``cues``):

- **whose**: one brand, a sum over listed brands (``A, B, C의 합계``), the top-k (``상위 3개``),
  ``각각`` pairing the i-th number with the i-th name, the name before an aside holding the number;
  a comparison word marks the reference of a gap or multiple (``B보다``, ``B의 1.4배``, ``B를 앞선다``).
- **which year**: the year that owns the figure, and for a change the reference year named for it;
  a period (``2020년부터 2024년까지``) allows any year or change inside it.
- **what measure**: cue words (저평점, 리뷰가 없는, 5점, 성장률), a star band (``4점 이상``), the noun
  after a counter (``34개 브랜드`` counts brands, ``420개 상품`` products), a keyword the facts list
  (``'외출'이 318건``: a mention count); a measure the facts do not carry (재구매율) makes the number
  unverifiable. The topic of a sentence reaches the clauses after it.
- **which proportion**: ``10건 중 8건`` (also in words) claims 80% of what its clause names; the
  whole of a partition (``90개 중 22개``: 90) claims a total, whatever the part is.
- **which multiple**: ``두 배``/``2.8배`` is the ratio of the entities compared, subject over
  reference; it is also right when it is the ratio of the two figures the sentence just stated.
- **thresholds**: ``17개 브랜드가 5% 미만`` counts brands past the threshold; ``A, B는 10%를 넘지
  못해`` holds when every named brand is below it.

A number whose sentence names nothing checkable gets ``NO_CLAIM`` and may match any fact of its
unit. Known limits: binding stays within one sentence (except relative years such as 전년); a clause
naming several brands without 합계 or 각각 accepts any of them or their sum; brand names are matched
verbatim (or by a distinctive word of a multi-word name); measures come from cue words, not a parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from harness.evaluate.binding import YearBinding, bind_brands, bind_stars, bind_years
from harness.evaluate.claim import NO_CLAIM, Claim
from harness.evaluate.cues import SHARE_MEASURES, is_specific, measures_named, names_absent_measure
from harness.evaluate.growth_rules import (
    around_year,
    decline_size,
    joined_years,
    list_trend,
    peak_year,
    rate_count,
    since_year,
)
from harness.evaluate.mentions import AMONG, MENTION_WORDS, is_year
from harness.evaluate.paragraph import Paragraph, family
from harness.evaluate.reading_rules import (
    compared_figures,
    compared_level,
    concentration,
    estimated_revenue,
    label,
    monthly_mean,
    per_one,
    price_position,
    price_spread,
    review_base,
    stated_share,
    tag_count,
    yearly_list_year,
)
from harness.evaluate.special_claims import (
    bounded_brands,
    proportion,
    rank_claim,
    stated_arithmetic,
    threshold,
    year_claim,
)
from harness.evaluate.stated import StatedNumber
from harness.evaluate.subject import Subject

__all__ = ["NO_CLAIM", "Claim", "attribute"]

_UNATTRIBUTED_UNITS = frozenset({"점", "개월", "월", "원", "세", "초", "시간", "kg", "g", "ml", "mL", "L", "cm", "mm", "강"})
_ABSENT_UNITS = frozenset({"%", "%p", "배", "", "원"})
_COUNT_MEASURES = frozenset({"low", "zero", "stars", "reviewed", "unbranded", "branded_base"})
_STREAK = re.compile(r"\s?(?:연속|째|내리|연달아)")
_BRAND_NOUN = re.compile(r"\s?(?:개\s?)?(?:브랜드|업체|회사|제조사)")
_PRODUCT_NOUN = re.compile(r"\s?(?:개\s?)?(?:제품|상품|품목|모델|SKU)")
_BRAND_BEFORE = re.compile(r"(?:브랜드|업체)(?:\s?수)?(?:는|은|가|이)?\s?$")
_PRODUCT_BEFORE = re.compile(r"(?:제품|상품|품목)(?:\s?수)?(?:는|은|가|이)?\s?$")
_REST = re.compile(r"나머지|그\s?외|기타|제외|외의")
_ELAPSED = re.compile(r"\s?(?:만에|간|동안|사이|새)")
_EVERY = re.compile(r"모두|모든|각각|전부|하나같이")
_COMPARING = re.compile(r"보다|대비|비해|차이|격차|증감|늘|느는|느나|느니|줄|많|적|앞서|뒤처|증가|감소|변화|폭")
_OF_REVIEWS = re.compile(r"리뷰(?:의|\s?중|\s?가운데)")
_PART = re.compile(r"\s?(?:중|가운데)\s?$")
_TOPIC_END = re.compile(r"[은는]\s?$")
_PER = re.compile(r"당\s?(?:평균\s?)?(?:[가-힣]{1,4}\s?)?(?:수는|수가|은|는)?\s?$|당\s")
_CHANGES = frozenset({"growth", "cagr", "price_change", "rate_gap"})
_BRAND_COUNTS = frozenset({"brands", "threshold", "list", "rank", "year_count", "per"})
_PRODUCT_COUNTS = frozenset({"products", "zero", "reviewed", "segment", "list", "per", "priced"})
_TEXT_NEAR = re.compile(r"텍스트|본문")
_AGGREGATE = re.compile(r"전체|누적|총|합계|모두|통틀어")
_CUMULATIVE = re.compile(r"누적|통틀어|전체\s?기간")
_YEARLY_MEAN = re.compile(r"연평균|연\s?평균|CAGR|연복리|매년\s?평균")
_ANNUALIZED = re.compile(r"연환산|연간\s?환산|연율\s?환산|연간으로\s?환산")
_NEUTRAL = re.compile(r"배율|차이")
_OF = re.compile(r"의\s?(?:약\s?|거의\s?)?$")


def attribute(text: str, numbers: Sequence[StatedNumber], subject: Subject) -> list[Claim]:
    """The claim of each of ``numbers`` (parsed from ``text``), in the same order."""
    if not numbers:
        return []
    para = Paragraph.read(text, numbers, subject)
    return [_claim(para, i) for i in range(len(numbers))]


def _claim(para: Paragraph, i: int) -> Claim:
    stated = para.numbers[i]
    if is_year(stated):
        return year_claim(para, i)
    if (special := estimated_revenue(para, i) or per_one(para, i) or price_position(para, i) or label(para, i) or
            concentration(para, i)):
        return special
    if stated.unit in _UNATTRIBUTED_UNITS or stated.context in ("hhi", "rating") or _quoted(para.text, stated):
        return NO_CLAIM
    if stated.unit == "위":
        return rank_claim(para, i)
    if stated.context == "ordinal":
        return NO_CLAIM
    if stated.unit == "년":
        years = bind_years(para, i)
        if _STREAK.match(para.text, stated.end):
            return Claim("streak", frozenset({"streak", "streak_part"}), year_span=years.span)
        if _ELAPSED.match(para.text, stated.end) and (years.span or (years.pair and None not in years.pair)):
            return Claim("years elapsed", frozenset({"span"}), year_pair=years.pair, year_span=years.span)
        return NO_CLAIM
    claim = rate_count(para, i) or threshold(para, i) or proportion(para, i, _measured) or tag_count(para, i) or stated_share(para, i) or \
        monthly_mean(para, i)
    claim = claim or _measured(para, i, stated)
    if (wrong := compared_level(para, i) or compared_figures(para, i)) is not None:
        return wrong
    base = review_base(para, i) if claim.alternative is None else None
    return replace(claim, alternative=base) if base is not None else claim


def _quoted(text: str, stated: StatedNumber) -> bool:
    """Inside quotes (``구성 '10개입'``): part of a label the facts quote, not a figure."""
    line = text[text.rfind("\n", 0, stated.start) + 1 : stated.start]
    return any(line.count(q) % 2 == 1 for q in ("'", '"')) or line.count("‘") > line.count("’") or \
        line.count("“") > line.count("”")


def _measured(para: Paragraph, i: int, stated: StatedNumber) -> Claim:
    """A share, count, rate, gap or multiple: measure from cue words, brands, years and stars from mentions."""
    window = para.window(i)
    if stated.unit in _ABSENT_UNITS and names_absent_measure(window[-16:]):
        return Claim("a measure the facts do not carry", absent=True)
    whole = AMONG.match(para.text, stated.end) is not None and family(stated) == "n"
    brands, years = bind_brands(para, i), bind_years(para, i)
    partial = para.subject.partial_years
    if len(partial) == 1 and _ANNUALIZED.search(window) and partial[0] not in (years.pair or ()):
        # "연환산 781건은 2020년의 3.4배": an annualised figure is the partial year's, whatever year came before
        ref = years.pair[1] if years.pair is not None and years.pair[1] != partial[0] else None
        years = YearBinding(frozenset(partial), (partial[0], ref), dated=True)
    if (joined := joined_years(para, i)) is not None:  # "2020년과 2021년에 합계 694건": the period's total
        years = YearBinding(frozenset(range(joined[0], joined[1] + 1)), None, joined)
    if (since := since_year(para, i)) is not None:  # "2021년 ..., 그 뒤 180건이 줄어 2024년에는"
        years = YearBinding(frozenset({since[0]}), since, dated=True)
    listed = yearly_list_year(para, i) or around_year(para, i)
    if listed is not None:  # "해마다 71건, 85건, 80건씩 늘어": one year each, the closing word's sign for all
        years = YearBinding(frozenset({listed[0]}), (listed[0], listed[0] - 1), dated=True)
        stated = replace(stated, direction=stated.direction or listed[1])
    sized = decline_size(para, i, stated) or list_trend(para, i, stated)
    peak = peak_year(para, i, years.pair[0] if years.pair is not None else None)
    if peak is not None:  # "정점과 비교한 2024년의 수준은 38%", "정점의 절반 수준으로 줄었다": a level, of the peak
        years = replace(years, years=frozenset({peak[0]}), pair=peak)
        sized = replace(stated, direction=0)
    stated = sized or stated
    named = brands.sets is not None or brands.pair is not None
    measures = None if whole else _measures(para, i, stated, window, named)
    stars = None if whole or stated.unit not in ("%", "건") else bind_stars(para, i, reach_topic=measures is None)
    if stars is not None:
        measures = frozenset({"stars", "low"})
    if not named and years.years is None and years.pair is None and years.span is None and measures is None:
        return NO_CLAIM
    extra = para.subject.sums(brands.sets) if brands.sets else ()
    if brands.sets and brands.pair is not None and brands.pair[1] is not None and (
            stated.unit == "배" or stated.form in ("fraction", "half")):  # "2위부터 10위까지 합쳐도 선두의 6분의 1"
        extra += para.subject.group_ratios(brands.sets, brands.pair[1])
    if measures == frozenset({"term"}):
        term = para.subject.names_term(window)
        extra += para.subject.term_candidates(term) if term else ()
    bounded = bounded_brands(para, stated, brands)
    each = len(brands.names) >= 2 or (brands.rest_of is not None and _EVERY.search(window) is not None)
    if stated.unit == "%" and stated.bound is not None and stated.form == "digits" and each:
        measures = frozenset({"bound_for_each"})  # "레고, 미미월드는 10%를 넘지 못해": each of them, not one
    extra += bounded
    stated_figures = stated_arithmetic(para, i)
    if stated_figures and stated.unit == "배" and not named and years.pair is None:
        measures = frozenset({"stated"})  # "13만 원, 128만 원으로 5배 가까이": the two figures just stated
    extra += stated_figures
    if stated.unit == "배" and stated.direction < 0 and years.pair is not None:  # "2.5배 축소": earlier over later
        years = replace(years, pair=(years.pair[1], years.pair[0]))
    neutral = None
    if stated.unit == "배" and brands.pair is not None and _NEUTRAL.search(window + para.after(i)) and not _OF.search(window):
        # "선두와의 배율은 2.6배": the larger over the smaller ("B의 2배 차이" keeps its direction)
        neutral = brands.pair[1], brands.pair[0]
    referenced = (years.pair is not None and years.pair[1] is not None) or (brands.pair is not None and brands.pair[1] is not None)
    of_reference = stated.unit == "%" and stated.direction == 0 and referenced and (
        bool(_OF.search(window)) or stated.form in ("fraction", "half") or peak is not None)
    dated = years.dated and stated.unit == "건" and (years.pinned or not _AGGREGATE.search(window)) and not named
    branded = named and stated.unit == "건" and measures is None and not _AGGREGATE.search(window) and not whole
    compares = stated.direction or any(_COMPARING.search(w) for w in (window, para.after(i), para.topic(i)))
    excluded = frozenset() if compares or family(stated) != "n" else frozenset({"diff"})
    parts = ("/".join(sorted(measures)) if measures else "", "stars " + ",".join(sorted(stars)) if stars else "",
             para.subject.describe(brands.sets, brands.pair), _describe_years(years))
    claim = Claim(" ".join(p for p in parts if p), measures, brands.sets, brands.pair, years.years, years.pair,
                  years.span, stars, extra, bound_by=years.binders, of_reference=of_reference, dated=dated,
                  excluded=excluded, branded=branded,
                  restated=stated if listed is not None or sized is not None else None)
    return replace(claim, alternative=replace(claim, brand_pair=neutral)) if neutral is not None else claim


def _measures(para: Paragraph, i: int, stated: StatedNumber, window: str, named: bool) -> frozenset[str] | None:
    """What the words say the number measures, by unit."""
    if stated.unit == "배":
        if (spread := price_spread(para, i)) is not None:  # "상위 10% 지점은 19만 원으로 5배 이상"
            return spread
        if para.star_tokens(i, 2):
            return frozenset({"star_ratio"})  # "5점 리뷰는 1~2점 리뷰의 12.6배"
        return frozenset({"ratio", "ratio_rest"}) if _REST.search(window) else frozenset({"ratio"})
    if family(stated) == "n":
        return _count_measures(para, i, stated, window)
    measures = measures_named(para.since_last_figure(i)) or measures_named(para.after(i)) or measures_named(window)
    if measures is None and stated.text.lstrip("약 ")[:1] in ("+", "-", "−"):
        measures = _CHANGES  # "-28.7%": a signed figure is a change
    if not is_specific(measures) and not named:  # "비중 1.6%": whose share the sentence said earlier
        named_later, named_before = measures_named(para.after(i)), measures_named(para.topic(i))
        # a specific cue outranks the generic share words, wherever it is ("브랜드 미상 리뷰는 3건, 비중 0.75%에
        # 불과해 점유율 수치의": the 0.75% is the unbranded share)
        specific = next((m for m in (named_later, named_before) if is_specific(m)), None)
        measures = specific or named_later or named_before or measures
    if measures is not None and "cagr" in measures and _CUMULATIVE.search(window) and not _YEARLY_MEAN.search(window):
        measures = measures - {"cagr"}  # "2020~2024년 누적 26% 성장": the whole change, not a yearly mean rate
    if stated.unit == "%p":
        return frozenset({"gap"}) if named else (frozenset({"rate_gap"}) if measures else None)
    if stated.unit == "%":
        if para.subject.quotes_term(window):  # "'모빌' 타입이 전체 상품의 28.7%" (of products, not of reviews)
            return frozenset({"segment_reviews" if _OF_REVIEWS.search(window) else "segment"})
        if named:  # "폴레드 15.0%": that brand's share, unless a cue names another measure of it
            return measures | SHARE_MEASURES if measures is not None else SHARE_MEASURES
        return measures
    return measures


def _count_measures(para: Paragraph, i: int, stated: StatedNumber, window: str) -> frozenset[str] | None:
    """Counts: the noun after the counter, a term the facts count mentions of, or the clause's cue."""
    text, end = para.text, stated.end
    if para.subject.names_term(window, marked=True):
        return frozenset({"term"})  # "'흡수력 좋아요'(28개 상품)", "'외출'이 318건": that term's count
    if _PART.search(window):  # "80개 가운데 21개는 저평점 리뷰만": the part is what the rest of the clause says,
        # unless the clause's topic named it before its whole ("리뷰가 달린 상품은 93개 중 21개뿐"; in
        # "브랜드가 확인된 리뷰 499건 중 149건" the words name the whole)
        topic = para.window(i - 1) if i and _PART.fullmatch(window) else ""
        lead = measures_named(topic) if _TOPIC_END.search(topic) else None
        part = lead if lead is not None and lead & _COUNT_MEASURES else measures_named(para.after(i))
        return part & _COUNT_MEASURES or None if part is not None else None
    if _PER.search(window[-10:]):
        return frozenset({"per"})
    if _BRAND_NOUN.match(text, end) or _BRAND_NOUN.match(text, end - 1):
        return _BRAND_COUNTS
    if _PRODUCT_NOUN.match(text, end) or _PRODUCT_NOUN.match(text, end - 1):
        return _PRODUCT_COUNTS
    if _BRAND_BEFORE.search(window) and stated.unit != "건":  # "단일 브랜드가 5만 4,900건": its reviews
        return _BRAND_COUNTS
    if _PRODUCT_BEFORE.search(window):
        return _PRODUCT_COUNTS
    if para.subject.names_term(window):
        return frozenset({"term"})
    if MENTION_WORDS.search(window[-14:]):
        return frozenset({"mentions", "segment"})
    measures = measures_named(window) or measures_named(para.after(i))
    if measures is None:
        return None
    kept = _COUNT_MEASURES if stated.unit != "건" else _COUNT_MEASURES - {"zero", "reviewed"}  # reviews are 건
    if _TEXT_NEAR.search(window[-12:]):
        kept = kept | {"text"}
    return measures & kept or None


def _describe_years(years: YearBinding) -> str:
    if years.span is not None:
        return f"{years.span[0]}~{years.span[1]}"
    if years.pair is not None:
        return f"{years.pair[0] or '?'} vs {years.pair[1] or 'earlier'}"
    return ",".join(str(y) for y in sorted(years.years)) if years.years else ""
