"""The market-overview paragraph: structure, maturity, quality, buyer drivers, then actions.

Each sentence is chosen by where the category falls in a band, not filled into one fixed frame:
a one-brand market, an oligopoly and a long tail get different sentences because a reader acts on
them differently. Bands (HHI on the 0..10,000 scale, as competition authorities use it):

- concentration: HHI < 1,000 분산, 1,000-1,800 중간, 1,800-2,500 다소 집중, > 2,500 고집중; a
  leader with half the branded reviews or more is a 1강 market whatever the index says.
- maturity from the zero-review ratio: < 20% 성숙, 20-50% 재편, >= 50% 롱테일.
- quality: rating >= 4.5 with low ratings < 3% high, rating >= 4.0 with low < 8% good, else weak.

Thresholds are never printed: every number in the text comes from the facts.
"""

from __future__ import annotations

from harness.writers import numbers_format as nf
from harness.writers.facts_view import Brand, FactsView
from harness.writers.phrasing import (
    Theme,
    clean_label,
    informative,
    join_and,
    josa,
    quoted,
    segment_parts,
    themes_of,
)

HHI_MODERATE, HHI_HIGHISH, HHI_HIGH = 1000.0, 1800.0, 2500.0
DOMINANT_SHARE = 0.5
ZERO_MATURE, ZERO_LONG_TAIL = 0.2, 0.5
RATING_HIGH, RATING_GOOD = 4.5, 4.0
LOW_HIGH, LOW_GOOD = 0.03, 0.08
UNBRANDED_NOTABLE = 0.15  # unbranded products' share of all reviews worth naming
PRICE_NOTABLE = 0.05  # median 6-month price change worth acting on
PREMISE = "본 분석의 판매·점유율·성장 수치는 실제 거래 데이터가 아니라 리뷰 수를 대리 지표로 추정한 값이며"


def concentration_band(view: FactsView) -> str | None:
    """``monopoly``, ``dominant``, ``high``, ``highish``, ``moderate``, ``fragmented``, or None."""
    if view.total_reviews <= 0 or not view.brands:
        return None
    leader = view.brands[0]
    if len(view.brands) == 1 or leader.share >= 0.999:
        return "monopoly"
    if leader.share >= DOMINANT_SHARE:
        return "dominant"
    if view.hhi is None:
        return None
    if view.hhi > HHI_HIGH:
        return "high"
    if view.hhi >= HHI_HIGHISH:
        return "highish"
    if view.hhi >= HHI_MODERATE:
        return "moderate"
    return "fragmented"


def _label(brand: Brand) -> str:
    return clean_label(brand.name, limit=40)


def _category(view: FactsView) -> str:
    return f"{clean_label(view.category_name, limit=40)} 카테고리"


def _scale(view: FactsView) -> str:
    products = nf.count(view.product_count, "개") + " 제품"
    if view.brand_count:
        return f"{nf.count(view.brand_count, '개')} 브랜드의 {products}"
    return products


def premise_sentence(view: FactsView) -> str:
    cat = josa(_category(view), "은/는")
    if view.total_reviews > 0:
        return f"{PREMISE}, {cat} {_scale(view)}에 걸쳐 총 {nf.count(view.total_reviews, '건')}의 리뷰가 집계되었습니다."
    return (f"{PREMISE}, {cat} {josa(_scale(view), '이/가')} 등록되어 있지만 매칭된 리뷰가 없어 점유율과 만족도, "
            "성장 추이를 판단할 근거가 아직 없습니다.")


def _hhi_text(view: FactsView) -> str:
    text = nf.hhi(view.hhi or 0.0)
    if view.hhi_basis == "top_brands":
        return f"{nf.top_n(len(view.brands))} 브랜드 기준으로 근사한 {text}"
    return text


def _top3(view: FactsView) -> tuple[str, float] | None:
    if view.top3_share is not None:
        return nf.top_n(3), view.top3_share
    if len(view.brands) >= 3:
        return nf.top_n(3), sum(b.share for b in view.brands[:3])
    return None


def _named(brand: Brand) -> str:
    return f"{_label(brand)}({nf.ratio_pct(brand.share)})"


def concentration_sentence(view: FactsView, band: str | None) -> str | None:
    """Who leads, how concentrated (HHI in words), and what that means for a new entrant."""
    if band is None:
        return None
    leader = view.brands[0]
    hhi = _hhi_text(view)
    top3 = _top3(view)
    if band == "monopoly":
        return (f"브랜드 리뷰는 사실상 {josa(_label(leader), '이/가')} 모두 차지하는 독점 구조({hhi})로, "
                "경쟁 브랜드가 자리 잡지 못한 만큼 대안을 찾는 수요를 먼저 확인하는 것이 진입의 출발점입니다.")
    if band == "dominant":
        second = view.brands[1]
        gap = nf.points(leader.share - second.share)
        trio = f" {top3[0]} 브랜드 합계는 {josa(nf.ratio_pct(top3[1]), '으로/로')}" if top3 else ""
        return (f"{josa(_label(leader), '이/가')} 브랜드 리뷰의 {nf.ratio_pct(leader.share)}를 차지하고 2위 "
                f"{josa(_label(second), '과/와')}의 격차도 {gap}에 달하며{trio}, {hhi} 수준의 고집중 시장이자 사실상 "
                "1강 체제이므로 신규 브랜드는 정면 경쟁보다 선도 브랜드가 채우지 못한 틈새 수요를 겨냥해야 합니다.")
    names = join_and([_label(b) for b in view.brands[:3]])
    if top3:
        holds = f"{top3[0]} 브랜드({names})가 리뷰의 {nf.ratio_pct(top3[1])}를 차지하고"
    else:
        holds = f"1위 {josa(_named(leader), '이/가')} 시장을 이끌고"
    if band == "high":
        return (f"{holds} {hhi} 수준에 이르는 고집중 시장으로, 소수 브랜드가 수요를 장악하고 있어 신규 진입자는 "
                "분명한 차별점 없이는 노출과 선택을 얻기 어렵습니다.")
    if band == "highish":
        return (f"{holds} {hhi} 수준인 다소 집중된 과점형 시장으로, 상위 브랜드 몇 곳이 수요를 나눠 갖고 있어 "
                "신규 브랜드는 이들이 비워 둔 가격대나 세그먼트를 먼저 공략하는 편이 유리합니다.")
    if band == "moderate":
        return (f"{holds} {hhi} 수준이어서, 1위 {_named(leader)}도 시장을 지배하지는 못하지만 상위 브랜드 중심의 "
                "구도가 뚜렷한 중간 수준의 집중도이므로 신규 진입자에게는 선두와의 정면 경쟁보다 세부 세그먼트 공략이 "
                "현실적인 경로입니다.")
    lead = f"{top3[0]} 브랜드 합계가 {nf.ratio_pct(top3[1])}에 그치고 " if top3 else ""
    return (f"{lead}{hhi} 수준에 머무는 분산형 시장으로, 1위 {_label(leader)}도 {nf.ratio_pct(leader.share)}에 "
            "불과해 뚜렷한 강자가 없으므로 신규 브랜드도 명확한 포지셔닝과 리뷰 축적으로 존재감을 만들 여지가 큽니다.")


def no_structure_sentence(view: FactsView) -> str:
    """Said instead of concentration and quality when there are no reviews or no brand data."""
    if view.total_reviews <= 0:
        return "리뷰가 없으므로 브랜드 집중도와 만족도는 판단할 수 없고, 현재 데이터로 확인되는 것은 제품과 브랜드의 구성뿐입니다."
    return "브랜드별 리뷰 집계가 없어 집중도는 판단할 수 없으며, 시장 구조는 제품 구성과 리뷰 총량으로만 파악됩니다."


def maturity_sentence(view: FactsView) -> str | None:
    zero = view.zero_review_ratio
    if view.product_count <= 0:
        return None
    if view.total_reviews <= 0:
        return "등록된 제품 모두 리뷰가 없어, 수요가 아직 검증되지 않은 초기 시장으로 보고 접근해야 합니다."
    if zero is None:
        return None
    if zero <= 0:
        return "모든 제품에 리뷰가 있어 구매 검증이 끝난 성숙 시장이며, 신규 제품은 누적 리뷰가 많은 기존 제품과 직접 비교됩니다."
    z = nf.ratio_pct(zero)
    if zero >= ZERO_LONG_TAIL:
        return (f"전체 제품의 {z}는 리뷰가 전혀 없어 구매 검증이 일부 제품에 몰린 롱테일 구조이며, 신규 제품은 초기 "
                "리뷰를 확보하기 전까지 노출과 전환에서 불리합니다.")
    if zero >= ZERO_MATURE:
        return f"리뷰가 없는 제품이 {josa(z, '으로/로')}, 이미 검증된 제품군과 아직 선택받지 못한 제품군이 공존하는 재편 단계의 시장입니다."
    return (f"리뷰가 없는 제품은 {z}에 불과해 대부분의 제품이 구매 검증을 거친 성숙 시장이며, 신규 제품은 누적 리뷰가 "
            "많은 기존 제품과 직접 비교된다는 점을 감안해야 합니다.")


def quality_band(view: FactsView) -> str | None:
    if view.rating is None or view.total_reviews <= 0:
        return None
    low = view.low_rating_ratio if view.low_rating_ratio is not None else 0.0
    if view.rating >= RATING_HIGH and low < LOW_HIGH:
        return "high"
    if view.rating >= RATING_GOOD and low < LOW_GOOD:
        return "good"
    return "weak"


def quality_sentence(view: FactsView, band: str | None) -> str | None:
    if band is None or view.rating is None:
        return None
    r = nf.rating(view.rating)
    low = nf.ratio_pct(view.low_rating_ratio) if view.low_rating_ratio is not None else None
    if band == "high":
        low_part = f"이고 저평점 리뷰 비중은 {low}에 그쳐" if low else "으로 높아"
        return (f"리뷰 가중 평균 평점은 {r}{low_part} 만족도가 전반적으로 높으므로, 품질은 차별화 요소라기보다 "
                "기본 요건이며 경쟁은 가격·구성·브랜드 신뢰에서 갈립니다.")
    if band == "good":
        low_part = f"저평점 리뷰가 {low}를 차지해 " if low else ""
        return (f"평균 평점은 {josa(r, '으로/로')} 양호하지만 {low_part}일부 제품의 품질 편차가 확인되므로, 불만 요인을 "
                "줄이는 것이 점유율 방어의 조건입니다.")
    low_part = f", 저평점 리뷰 비중이 {josa(low, '으로/로')}" if low else "으로"
    return (f"평균 평점이 {r}{low_part} 품질 불만이 구조적으로 존재하며, 이는 완성도를 높인 신규 제품에는 오히려 "
            "진입 기회가 됩니다.")


def _keywords(view: FactsView) -> tuple[list[str], str]:
    """Keywords worth naming and where they came from: ``insights``, ``tags`` or ``none``."""
    ins = view.insights
    name = view.category_name

    def useful(labels: list[str]) -> list[str]:
        # "기저귀" among 기저귀 reviews says nothing about why people buy one brand's product.
        return [k for k in labels if k not in name and name not in k][:3]

    if ins is not None and ins.has_text:
        labels = useful(informative(k.label for k in (ins.distinctive or ins.keywords)))
        if labels:
            return labels, "insights"
    labels = useful(informative(t.label for t in view.tags))
    return (labels, "tags") if labels else ([], "none")


def _segments(view: FactsView) -> list[tuple[str | None, str]]:
    seen: set[str | None] = set()
    out = []
    for seg in view.segments:
        key, value = segment_parts(seg.label)
        if key in seen or not value:
            continue  # one value per spec key reads better than three age bands in a row
        seen.add(key)
        out.append((key, value))
    return out[:2]


def buyer_themes(view: FactsView) -> list[Theme]:
    keywords, _ = _keywords(view)
    labels = list(keywords)
    if view.insights is not None:
        labels += [s.label for s in view.insights.scenarios[:3]]
    labels += [value for _, value in _segments(view)]
    return themes_of(labels)


def drivers_sentence(view: FactsView) -> str:
    """What drives buyers: spec segments, distinctive review words and usage scenarios, as themes."""
    keywords, source = _keywords(view)
    segments = _segments(view)
    ins = view.insights
    scenarios = list(ins.scenarios[:2]) if ins is not None and ins.has_text else []
    themes = buyer_themes(view)
    parts: list[str] = []
    if segments:
        segs = join_and([f"{key} {quoted(value)}" if key else quoted(value) for key, value in segments])
        parts.append(f"스펙상 {segs} 제품이 가장 많고")
    said = []
    if keywords:
        said.append(f"{'·'.join(quoted(k) for k in keywords)} 같은 표현")
    if scenarios:
        named = "·".join(f"{quoted(s.label)}({nf.count(s.value, '건')})" for s in scenarios)
        said.append(f"{named} 사용 상황")
    if source == "insights" or scenarios:
        count = f" {nf.count(ins.text_count, '건')}" if ins is not None and ins.text_count else ""
        parts.append(f"텍스트가 있는 리뷰{count}에서는 {josa(join_and(said), '이/가')} 두드러져")
    elif source == "tags":
        parts.append(f"리뷰 태그로는 {josa(join_and([quoted(k) for k in keywords]), '이/가')} 자주 등장해")
    if not parts:
        if view.total_reviews > 0:
            return "리뷰 텍스트와 스펙 세그먼트 정보가 모두 없어 구매 동기를 데이터로 특정하기는 어렵습니다."
        return "스펙 세그먼트 정보도 없어 어떤 구성이 수요를 이끌지는 데이터로 특정하기 어렵습니다."
    no_text = ins is not None and not ins.has_text and view.total_reviews > 0
    basis = "스펙과 리뷰 태그" if source == "tags" else "스펙 구성"
    prefix = f"리뷰 텍스트가 없어 구매 동기는 {basis}{josa(basis, '으로/로')[len(basis):]} 판단해야 하며, " if no_text else ""
    if themes:
        ending = f"구매 결정은 {join_and([t.driver for t in themes[:2]])}에 좌우되는 것으로 해석됩니다."
    elif segments and segments[0][0] == "연령":
        ending = "구매 결정은 자녀 연령에 맞는 구성인지가 가장 크게 좌우합니다."
    else:
        ending = "구매 결정은 용도에 맞는 구성과 사양이 좌우합니다."
    return f"{prefix}{', '.join(parts)}, {ending}"


def actions_sentence(view: FactsView, conc: str | None, quality: str | None) -> str:
    actions: list[str] = []
    zero = view.zero_review_ratio
    if view.total_reviews <= 0:
        actions.append("핵심 제품의 초기 리뷰를 확보해 수요 신호부터 확인")
    elif zero is not None and zero >= ZERO_LONG_TAIL:
        actions.append("체험단과 초기 구매 혜택으로 첫 리뷰를 빠르게 확보")
    if quality == "weak":
        actions.append("부정 리뷰에서 반복되는 불만을 제품 개선과 상세페이지 안내로 해소")
    actions += [t.action for t in buyer_themes(view)[:1]]
    segments = _segments(view)
    age = next((value for key, value in segments if key == "연령"), None)
    if age:
        actions.append(f"수요가 큰 {quoted(age)} 연령 구간에 맞춘 라인업을 우선 정비")
    if conc in ("monopoly", "dominant", "high") and view.brands:
        actions.append(f"{josa(_label(view.brands[0]), '과/와')} 겹치지 않는 가격대와 구성으로 차별화")
    elif conc == "fragmented":
        actions.append("하나의 세그먼트를 선점해 브랜드 인지도를 먼저 구축")
    elif conc in ("moderate", "highish"):
        actions.append("선두 브랜드가 약한 세부 세그먼트를 집중 공략")
    if len(actions) < 2:
        actions.append("상세페이지와 리뷰 콘텐츠를 구매 결정 요인 중심으로 재구성")
    lead = ""
    change = view.price_change_6m
    if change is not None and abs(change) >= PRICE_NOTABLE and view.total_reviews > 0:
        word = "상승" if change > 0 else "하락"
        lead = f"최근 반년간 대표 가격이 {nf.ratio_pct(abs(change))} {word}한 만큼 "
        actions.insert(0, "가격 인하 경쟁에 맞서기보다 구성과 품질로 차별화" if change < 0
                       else "가격이 오른 틈을 타 가성비 대안 제품으로 포지셔닝")
    first, second = actions[0], actions[1]
    return f"실행 측면에서는 {lead}{first}하고, {second}하는 것을 우선 과제로 권장합니다."


def market_overview(view: FactsView) -> str:
    """4-6 sentences: premise and scale, structure, maturity, quality, buyer drivers, actions."""
    conc = concentration_band(view)
    quality = quality_band(view)
    structure = concentration_sentence(view, conc)
    if structure and view.unbranded_share is not None and view.unbranded_share >= UNBRANDED_NOTABLE:
        structure = (f"브랜드가 표기되지 않은 제품이 전체 리뷰의 {nf.ratio_pct(view.unbranded_share)}를 차지하는 가운데, "
                     + structure)
    body = [
        structure or no_structure_sentence(view),
        maturity_sentence(view),
        quality_sentence(view, quality),
        drivers_sentence(view),
    ]
    sentences = [premise_sentence(view)] + [s for s in body if s]
    sentences.append(actions_sentence(view, conc, quality))
    return " ".join(sentences)
