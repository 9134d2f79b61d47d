"""The category report: the JSON document the Node backend renders for one category.

It keeps the legacy report's keys (``categoryId``, ``categoryName``, ``charts.brandTop10Donut``,
``charts.growthLine``, ``summaries``) so the backend needs no change, and adds what a reader needs
to trust the page: the assumptions behind the figures (review counts as the proxy, which HHI,
any legacy coefficients) and where the paragraphs came from (template or which model, and what
the normalizer had to repair). A model output that is still invalid after normalization is never
shown: the report falls back to the template and says so in ``source``.
"""

from __future__ import annotations

from typing import Any

from harness.writers import overview
from harness.writers.facts_view import FactsView, view_facts
from harness.writers.template import write_summary

GROWTH_UNIT = "reviews"


def brand_donut(view: FactsView) -> dict[str, Any]:
    """Top brands by review count; ``otherShare`` is what the ten slices leave of the branded total."""
    items = [{"name": b.name, "value": b.review_count, "share": b.share} for b in view.brands[:10]]
    listed = sum(b.share for b in view.brands[:10])
    return {
        "items": items,
        "otherShare": max(0.0, 1.0 - listed) if items else None,
        "shareBasis": "reviews of branded products",
    }


def growth_line(facts: dict[str, Any], view: FactsView) -> dict[str, Any]:
    """Yearly review counts and growth rates; years wholly after the export's end are omitted and listed."""
    kept = {p.year for p in view.growth}
    points = []
    for p in view.growth:
        point: dict[str, Any] = {"year": p.year, "reviewCount": p.review_count, "growthRate": p.growth_rate}
        if p.partial:
            point.update(partial=True, monthsCovered=p.months_covered, annualizedReviewCount=p.annualized)
        points.append(point)
    omitted = sorted(
        int(row["year"]) for row in facts.get("growthData") or []
        if isinstance(row, dict) and isinstance(row.get("year"), int) and row["year"] not in kept
    )
    line: dict[str, Any] = {"unit": GROWTH_UNIT, "growthRateUnit": "percent", "points": points}
    if omitted:
        line["omittedYears"] = omitted
    return line


def _legacy_coefficients(facts: dict[str, Any]) -> dict[str, Any]:
    """Units-per-review and the price reference that legacy facts carry (never used in the text)."""
    ratios, prices = set(), set()
    for row in facts.get("growthData") or []:
        if not isinstance(row, dict):
            continue
        units, reviews = row.get("estimatedUnits"), row.get("reviewCount")
        if isinstance(units, (int, float)) and isinstance(reviews, (int, float)) and reviews > 0:
            ratios.add(round(units / reviews, 3))
        if isinstance(row.get("priceRef"), (int, float)):
            prices.add(float(row["priceRef"]))
    out: dict[str, Any] = {}
    if ratios:
        out["unitsPerReview"] = min(ratios) if len(ratios) == 1 else sorted(ratios)
    if prices:
        out["priceRef"] = min(prices) if len(prices) == 1 else sorted(prices)
    return out


def assumptions(facts: dict[str, Any], view: FactsView) -> dict[str, Any]:
    hhi_basis = {"all": "all brands", "top_brands": "listed top brands only (lower bound, approximate)"}
    out: dict[str, Any] = {
        "proxy": "review_count",
        "proxyNote": "Sales, shares and growth are estimated from review counts, not real transactions.",
        "shareBasis": "reviews of branded products",
        "hhiScale": "0..10,000",
        "hhiBasis": hhi_basis.get(view.hhi_basis or ""),
        "growthRate": "percent change of yearly review counts; a partial year is compared on its annualised count",
        "concentrationBands": {
            "fragmentedBelow": overview.HHI_MODERATE,
            "moderateBelow": overview.HHI_HIGHISH,
            "somewhatConcentratedUpTo": overview.HHI_HIGH,
            "dominantLeaderShare": overview.DOMINANT_SHARE,
        },
        "maturityBands": {"matureBelow": overview.ZERO_MATURE, "longTailFrom": overview.ZERO_LONG_TAIL},
    }
    legacy = _legacy_coefficients(facts)
    if legacy:
        out["legacyCoefficients"] = legacy
    return out


def build_report(facts: dict[str, Any], summaries: dict[str, str], source: dict[str, Any]) -> dict[str, Any]:
    """The backend's report for one category from its facts, the two paragraphs and their source.

    Raises:
        FactsShapeError: the facts cannot be read (see :func:`harness.writers.facts_view.view_facts`).
    """
    view = view_facts(facts)
    return {
        "categoryId": facts["categoryId"],
        "categoryName": view.category_name,
        "charts": {"brandTop10Donut": brand_donut(view), "growthLine": growth_line(facts, view)},
        "summaries": dict(summaries),
        "assumptions": assumptions(facts, view),
        "source": source,
        "facts": facts,
    }


def template_report(facts: dict[str, Any]) -> dict[str, Any]:
    """The production report: template paragraphs."""
    return build_report(facts, write_summary(facts), {"type": "template", "model": None})


def model_report(facts: dict[str, Any], raw_output: str, model_name: str) -> dict[str, Any]:
    """A report with a model's paragraphs, normalized; falls back to the template when still invalid.

    The normalizer belongs to the evaluation side and is imported here, lazily, so the template
    path does not depend on it.
    """
    from harness.writers.normalize import normalize_output

    normalized = normalize_output(raw_output)
    repairs = list(normalized.repairs)
    source: dict[str, Any]
    if normalized.json_ok:
        source = {"type": "model", "model": model_name, "repairs": repairs}
        return build_report(facts, normalized.summary, source)
    source = {
        "type": "template",
        "model": None,
        "fallbackFrom": model_name,
        "fallbackReason": "model output is not a valid summary after normalization",
        "repairs": repairs,
    }
    return build_report(facts, write_summary(facts), source)
