"""Words that say what a number measures: 저평점 비중, 리뷰가 없는 제품, 5점 리뷰, 성장률, 재구매율.

Ten brand shares, their running sums, star shares and growth rates pack the 0-50% range densely:
checked without context, a wrong ``저평점 비중 1.5%`` changed to 4.4% would pass because the ninth
brand happens to hold 4.4%. A cue in the number's clause narrows the facts it may match to the
measures the cue names; several cues allow any of their measures; without a cue every fact of the
right unit still may. A specific cue (저평점, 5점, 리뷰가 없는) outranks the generic share words
(비중, 차지), which every kind of share uses.

A measure the facts do not carry (재구매율, 반품률, 시장 규모, 매출) named right before a number
makes the number unverifiable whatever its value: ``재구매율 38.6%`` is not supported by a
zero-review ratio that happens to be 38.6%.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SPECIFIC: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"저평점|낮은\s?(?:평점|별점)|[12]\s?점(?:대|짜리)?\s?(?:리뷰|평가|비중|비율)|1\s?[~∼-]\s?2\s?점|불만|부정\s?평가|혹평|악평"),
     frozenset({"low"})),
    (re.compile(r"리뷰가\s?(?:전혀\s?|하나도\s?|한\s?건도\s?|아직\s?)?없|리뷰\s?없는|무리뷰|리뷰가\s?(?:달리지|작성되지|없)|"
                r"리뷰\s?0건|미검증|선택받지\s?못|리뷰를\s?(?:전혀\s?|하나도\s?|한\s?건도\s?)?(?:받지|얻지)\s?못"),
     frozenset({"zero"})),
    (re.compile(r"리뷰가\s?(?:있|달린|한\s?건\s?이상)|리뷰를\s?(?:받은|확보한)|검증된\s?제품|리뷰\s?보유"), frozenset({"reviewed"})),
    (re.compile(r"(?<![\d.~∼-])[345]\s?점(?!대)|고평점|만점|최고\s?평점|별\s?다섯|긍정|4\s?[~∼-]\s?5\s?점"), frozenset({"stars"})),
    (re.compile(r"연평균|연\s?평균|CAGR|연복리|매년\s?평균"), frozenset({"cagr", "growth", "mean"})),
    (re.compile(r"성장률|증가율|감소율|증감률|하락률|상승률|전년\s?대비|성장|증가|감소|하락|상승|늘|줄|급증|급감|반등|역성장|뒷걸음"),
     frozenset({"growth", "cagr", "price_change", "rate_gap"})),
    (re.compile(r"텍스트|본문|글\s?리뷰|내용이\s?있는|작성된\s?리뷰\s?내용"), frozenset({"text"})),
    (re.compile(r"브랜드(?:가|명이|\s?정보가?)?\s?(?:없|미상|불명|확인되지|표기되지|표시되지|미표기|미확인)|무브랜드|노브랜드"),
     frozenset({"unbranded"})),
    (re.compile(r"브랜드가\s?(?:확인된|확인되는|있는|표기된|붙은|식별된)"), frozenset({"branded_base", "share", "rest"})),
    (re.compile(r"매칭\s?(?:률|율|비율)|연결\s?(?:률|비율)"), frozenset({"match_rate"})),
    (re.compile(r"가격|단가|시세"), frozenset({"price_change", "price", "priced"})),
    (re.compile(r"HHI|허핀달|허쉬만|집중도\s?지수", re.IGNORECASE), frozenset({"hhi"})),
)
_SHARE = re.compile(r"점유율|점유|차지|몫|비중|지분|나눠\s?가|양분|장악")
SHARE_MEASURES = frozenset({"share", "rest"})
_ABSENT = re.compile(
    r"재구매|반품|환불|교환율|전환율|구매\s?전환|재방문|클릭|CTR|ROAS|객단가|마진|이익|매출|시장\s?규모|거래액|GMV|판매액|"
    r"침투율|인지도|추천\s?(?:율|의향|비율)|NPS|만족도|설문|응답자|회원|가입|방문자|검색량|광고비|할인율|재고|충성|"
    r"온라인|오프라인|채널|모바일"
)
_NAMED_RATE = re.compile(r"성장률|증가율|감소율|증감률|하락률|상승률|가격")
# A rate named by its own noun (``재방문율``); these rates are ones the facts carry.
_RATE_NOUN = re.compile(r"([가-힣]{1,6})[율률](?=[은는이가도을를의]?(?:\s|$))")
_KNOWN_RATES = ("점유", "성장", "배", "증가", "감소", "증감", "하락", "상승", "비", "변동", "집중", "작성", "평균", "효", "확", "변화",
                "인상", "인하", "매칭", "매치", "일치")
# Change words and 연평균 modify the measure named before them; they do not name a measure of their own.
_MODIFIERS = frozenset({"cagr", "growth"})


@lru_cache(maxsize=8192)
def measures_named(window: str) -> frozenset[str] | None:
    """Measures the words of ``window`` point at; None when nothing does."""
    found: set[str] = set()
    for pattern, measures in _SPECIFIC:
        if pattern.search(window):
            found |= measures
    if not found and _SHARE.search(window):
        found |= SHARE_MEASURES
    return frozenset(found) if found else None


def is_specific(measures: frozenset[str] | None) -> bool:
    """More than the generic share words (비중, 차지), which every kind of share uses."""
    return measures is not None and measures != SHARE_MEASURES


@lru_cache(maxsize=8192)
def names_absent_measure(window: str) -> bool:
    """The measure named nearest before the number is one the facts do not carry."""
    absent = [m.end() for m in _ABSENT.finditer(window)]
    rates = [m.end() for m in _RATE_NOUN.finditer(window) if not m.group(1).endswith(_KNOWN_RATES)]
    last_unknown = max(absent + rates, default=-1)
    if last_unknown < 0:
        return False
    known = [m.end() for pattern, measures in _SPECIFIC if not measures <= _MODIFIERS | {"mean", "price_change", "rate_gap"}
             for m in pattern.finditer(window)]
    # "온라인 판매 비중": a share word right after the absent measure names that measure's share
    known += [m.end() for m in _SHARE.finditer(window) if not 0 <= m.start() - last_unknown <= 8]
    known += [m.end() for m in _NAMED_RATE.finditer(window)]
    return last_unknown >= max(known, default=-1)
