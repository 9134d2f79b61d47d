"""The growth paragraph: long-run direction, peak, declines, the recent years, then the caveats.

Growth here is the yearly review count, a proxy with known distortions (reviews lag purchases,
review events and platform policy move them), so the paragraph always ends with what the numbers
cannot say and how to check them. A year the export covers only partly is compared on its
annualised count and called partial; legacy facts carry no coverage, so the text says that the
last year's completeness is unknown rather than reading a short year as a collapse.
"""

from __future__ import annotations

from harness.writers import numbers_format as nf
from harness.writers.facts_view import FactsView, YearPoint
from harness.writers.phrasing import clean_label, join_and, josa

BIG_MOVE_PCT = 50.0
FLAT_BAND = 0.05  # first-to-last change within +-5% reads as flat, not as growth or decline
PREMISE = "성장 흐름 역시 실제 판매량이 아닌 연도별 리뷰 수를 대리 지표로 추정한 것으로"


def _y(point: YearPoint) -> str:
    return nf.year(point.year)


def _move(rate: float, tail: str) -> str:
    """``17.6% 증가`` + tail (``한 뒤``, ``해``); a rate that prints as 0.0% becomes 보합."""
    if nf.is_flat(rate):
        return "보합세를 보인 뒤" if tail == "한 뒤" else "보합을 유지해"
    return f"{nf.growth(rate)}{tail}"


def _rated(points: list[YearPoint]) -> list[YearPoint]:
    return [p for p in points if p.growth_rate is not None]


def _coverage_known(points: list[YearPoint]) -> bool:
    return any(p.months_covered is not None or p.partial for p in points)


def overall_sentence(full: list[YearPoint]) -> str | None:
    if len(full) < 2:
        return None
    first, last = full[0], full[-1]
    base = f"전체 기간으로 보면 연간 리뷰는 {_y(first)} {nf.count(first.review_count, '건')}에서 {_y(last)} "
    target = nf.count(last.review_count, "건")
    if first.review_count > 0 and abs(last.review_count / first.review_count - 1) <= FLAT_BAND:
        return base + f"{josa(target, '으로/로')} 비슷한 수준을 유지해 뚜렷한 확대도 축소도 없는 정체 흐름입니다."
    if last.review_count > first.review_count:
        return base + f"{josa(target, '으로/로')} 늘어 중장기적으로는 확대 흐름입니다."
    return base + f"{josa(target, '으로/로')} 줄어 중장기적으로는 축소 흐름입니다."


def peak_sentence(full: list[YearPoint]) -> str | None:
    if not full:
        return None
    peak = max(full, key=lambda p: (p.review_count, p.year))
    head = (f"연간 리뷰가 가장 많았던 해는 {josa(_y(peak), '으로/로')} "
            f"{josa(nf.count(peak.review_count, '건'), '을/를')} 기록했")
    if peak is full[0] and len(full) > 1:
        return head + "으며, 분석 첫해가 정점이었고 이후로는 그 수준을 회복하지 못했습니다."
    if peak.growth_rate is not None and peak.growth_rate > 0 and not nf.is_flat(peak.growth_rate):
        return head + f"고, 전년 대비 {nf.growth(peak.growth_rate)}하며 정점에 올랐습니다."
    return head + "습니다."


def best_growth_sentence(full: list[YearPoint]) -> str | None:
    """The steepest rise, when it is not the peak year (the peak sentence already states that one)."""
    peak = max(full, key=lambda p: (p.review_count, p.year), default=None)
    best = max(_rated(full), key=lambda p: p.growth_rate or 0.0, default=None)
    if best is None or best is peak or not best.growth_rate or best.growth_rate <= 0 or nf.is_flat(best.growth_rate):
        return None
    return f"연간 증가 폭이 가장 컸던 해는 {josa(_y(best), '으로/로')} 전년 대비 {nf.growth(best.growth_rate)}했습니다."


def declines_sentence(full: list[YearPoint]) -> str | None:
    rated = _rated(full)
    if not rated:
        return None
    falling = [p for p in rated if (p.growth_rate or 0.0) < 0 and not nf.is_flat(p.growth_rate or 0.0)]
    if not falling:
        return "분석 기간 중 리뷰가 전년보다 줄어든 해는 없어, 꾸준한 우상향 흐름이 유지되었습니다."
    if all(p in rated[-2:] for p in falling):
        # The recent-years sentence states these declines with their numbers; say only what it cannot.
        if len(rated) <= 2:
            return None
        return f"{_y(rated[-2])} 이전에는 리뷰가 전년보다 줄어든 해가 없었습니다."
    worst = min(falling, key=lambda p: p.growth_rate or 0.0)
    tail = []
    for p in reversed(rated):
        if p not in falling:
            break
        tail.append(p)
    if len(tail) >= 3:
        start, end = tail[-1], tail[0]
        return (f"{_y(start)}부터 {_y(end)}까지는 매년 감소했으며, 가장 큰 낙폭은 {_y(worst)}의 "
                f"{nf.growth(worst.growth_rate or 0.0)}입니다.")
    listed = join_and([f"{_y(p)}({nf.growth(p.growth_rate or 0.0)})" for p in falling[:3]])
    if len(falling) == 1 and falling[0] is rated[-1]:
        return f"감소 전환은 {listed}가 처음으로, 이어지던 흐름이 최근 들어 꺾였습니다."
    if len(falling) == 1:
        return f"감소한 해는 {listed}뿐이어서, 흐름 속의 일시적 조정으로 해석됩니다."
    return f"반면 {listed}처럼 감소한 해도 있었으며, 가장 큰 낙폭은 {_y(worst)}입니다."


def unrated_sentence(full: list[YearPoint]) -> str | None:
    """Years after the first whose growth rate is null because the year before had no reviews."""
    missing = [p for p in full[1:] if p.growth_rate is None]
    if not missing:
        return None
    years = join_and([_y(p) for p in missing[:3]])
    return f"{josa(years, '은/는')} 전년 리뷰가 없어 증가율을 산출하지 않았습니다."


def recent_sentence(full: list[YearPoint]) -> str | None:
    rated = _rated(full)
    if len(rated) < 2:
        if len(rated) == 1:
            p = rated[0]
            return f"가장 최근인 {josa(_y(p), '은/는')} 전년 대비 {_move(p.growth_rate or 0.0, '해')} 현재의 방향을 보여 줍니다."
        return None
    prev, last = rated[-2], rated[-1]
    a, b = prev.growth_rate or 0.0, last.growth_rate or 0.0
    lead = f"최근에는 {_y(prev)}에 {_move(a, '한 뒤')} {_y(last)}에 {_move(b, '해')}"
    if a > 0 and b > 0:
        return f"{lead}, 성장세가 이어지는 수요 확대 국면입니다."
    if a > 0 >= b:
        return f"{lead}, 성장 이후 조정 국면에 들어선 모습입니다."
    if a <= 0 < b:
        return f"{lead}, 하락 뒤 반등의 신호가 나타났습니다."
    return f"{lead}, 하락세가 이어져 수요 둔화 신호로 해석됩니다."


def partial_sentence(points: list[YearPoint]) -> str | None:
    partial = [p for p in points if p.partial]
    if partial:
        p = partial[-1]
        months = f"{nf.months(p.months_covered)}분만" if p.months_covered else "일부 기간만"
        if p.annualized is not None and p.growth_rate is not None:
            move = "보합" if nf.is_flat(p.growth_rate) else nf.growth(p.growth_rate)
            return (f"{josa(_y(p), '은/는')} {months} 집계된 부분 연도로, 연환산 {nf.count(p.annualized, '건')} 기준 "
                    f"전년 대비 {josa(move, '으로/로')} 추정되지만 확정치는 아닙니다.")
        return f"{josa(_y(p), '은/는')} {months} 집계된 부분 연도여서 다른 해와 같은 기준으로 비교하지 않았습니다."
    if points and not _coverage_known(points):
        return (f"데이터에 연도별 집계 기간이 표시되어 있지 않아, 마지막 해인 {josa(_y(points[-1]), '이/가')} "
                "부분 집계인지는 별도로 확인해야 합니다.")
    return None


def caveat_sentence(points: list[YearPoint]) -> str:
    rated = _rated(points)
    big = max(rated, key=lambda p: abs(p.growth_rate or 0.0), default=None)
    base = "리뷰는 구매 후 시차를 두고 작성되고 리뷰 이벤트나 플랫폼 정책, 카테고리 편입 변화에 따라 급변하므로, "
    if big is not None and abs(big.growth_rate or 0.0) >= BIG_MOVE_PCT:
        return base + f"{_y(big)}의 {nf.growth(big.growth_rate or 0.0)}처럼 큰 변동은 실제 수요 변화보다 크게 나타나는 경향이 있습니다."
    return base + "연도별 증감률은 실제 판매 변화의 방향을 가리키는 참고치로 보아야 합니다."


def action_sentence(full: list[YearPoint]) -> str:
    rated = _rated(full)
    last = rated[-1].growth_rate if rated else None
    if last is not None and last < 0 and not nf.is_flat(last):
        lead = "수요 둔화에 대비해 재고 회전과 프로모션 효율을 먼저 점검하시고"
    elif last is not None and last > 0 and not nf.is_flat(last):
        lead = "성장 구간인 만큼 리뷰 확보와 노출 투자를 앞당기시되"
    else:
        lead = "성장률은 방향성 판단에 활용하시고"
    return f"따라서 {lead}, 재고·마케팅 예산 결정 전에는 실제 판매 데이터나 검색량 추이로 교차 검증하시길 권장합니다."


def _no_growth(view: FactsView, points: list[YearPoint]) -> list[str]:
    cat = josa(f"{clean_label(view.category_name, limit=40)} 카테고리", "은/는")
    closing = ("그 전까지는 신규 투자 판단에 성장 지표를 쓰지 마시고, 실제 판매 데이터나 검색량 추이로 수요 방향을 먼저 "
               "확인하시길 권장합니다.")
    if points:
        p = points[0]
        return [
            f"{PREMISE}, {cat} {_y(p)} 리뷰만 집계되어 있어 전년 대비 성장률을 산출할 수 없습니다.",
            (f"{josa(_y(p), '은/는')} 리뷰 {josa(nf.count(p.review_count, '건'), '이/가')} 작성되어 시장 규모는 "
             "확인되지만, 비교할 다른 연도의 리뷰가 없어 수요의 방향은 판단할 수 없습니다."),
            partial_sentence(points)
            or "한 해의 수치만으로 성장 시장인지 판단하면 출시 시점이나 리뷰 이벤트의 영향을 성장으로 오인하게 됩니다.",
            "리뷰 작성일이 더 긴 기간에 걸쳐 확보되면 연도별 추이와 최근 증감을 같은 기준으로 산출할 수 있습니다.",
            closing,
        ]
    if view.total_reviews > 0:
        scale = (f"누적 리뷰 {josa(nf.count(view.total_reviews, '건'), '으로/로')} 시장 규모는 확인되지만, 작성 시점 "
                 "정보가 없어 수요가 커지는 중인지 줄어드는 중인지는 판단할 수 없습니다.")
    else:
        scale = "리뷰 자체가 집계되지 않아 수요의 규모와 방향 모두 현재 데이터로는 확인되지 않습니다."
    return [
        f"{PREMISE}, {cat} 연도별 리뷰 데이터가 없어 성장률을 산출할 수 없습니다.",
        scale,
        "이 상태에서 누적 리뷰나 평점으로 성장을 대신 판단하면 오래 판매된 제품이 많은 카테고리를 성장 시장으로 오인하게 됩니다.",
        "리뷰 작성일이 포함된 데이터를 확보하면 연도별 추이와 최근 증감, 부분 연도 보정까지 같은 기준으로 산출할 수 있습니다.",
        closing,
    ]


# Dropped first, in this order, when a long history would push the paragraph past 8 sentences.
_OPTIONAL = ("best", "unrated", "declines")
_SHORT_HISTORY = "관측 기간이 짧아 추세 판단에는 한계가 있으므로, 다음 연도 데이터로 방향을 다시 확인해야 합니다."


def growth_summary(view: FactsView) -> str:
    """5-8 sentences: premise and span, direction, peak, declines, recent years, caveats, action."""
    points = list(view.growth)
    while points and points[0].review_count <= 0:
        points.pop(0)  # years before the first review are not "0건" of demand, just no data
    reviewed = [p for p in points if p.review_count > 0]
    if len(reviewed) < 2:
        # One year with reviews (however many empty years follow) has no trend to describe.
        return " ".join(_no_growth(view, reviewed))
    full = [p for p in points if not p.partial]
    span = f"{PREMISE}, {_y(points[0])}부터 {_y(points[-1])}까지의 리뷰 작성 추이를 기준으로 합니다."
    named: list[tuple[str, str | None]] = [
        ("span", span),
        ("overall", overall_sentence(full)),
        ("peak", peak_sentence(full)),
        ("best", best_growth_sentence(full)),
        ("declines", declines_sentence(full)),
        ("unrated", unrated_sentence(full)),
        ("recent", recent_sentence(full)),
        ("partial", partial_sentence(points)),
        ("caveat", caveat_sentence(points)),
        ("action", action_sentence(points)),
    ]
    kept = [(k, s) for k, s in named if s]
    for optional in _OPTIONAL:
        if len(kept) <= 8:
            break
        kept = [(k, s) for k, s in kept if k != optional]
    sentences = [s for _, s in kept]
    if len(sentences) < 5:
        sentences.insert(-2, _SHORT_HISTORY)
    return " ".join(sentences)
