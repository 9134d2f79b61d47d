"""Calibration writers: canned outputs of known relative quality, derived reproducibly.

The decision rules are only evidence if they say "keep" to a writer that deserves it and "no" to
writers that do not. These writers have known quality, so running them through the real rules
shows which way the rules lean:

- ``template``: the template's own outputs, as if a model had written them (must not be kept:
  it is the baseline);
- ``expert``: the hand-written expert summaries (``golden/calibration/expert.jsonl``: review
  grounded, concrete recommendations, every number true; must be kept);
- ``stuffer``: the template plus sentences listing more true facts (must not be kept: more
  facts are not more insight);
- ``generic``, ``wrong_number``, ``no_premise``, ``cut_off``: the template degraded four ways
  (must lose to the template).

Everything but the expert set is derived here from the template and the facts, deterministically,
so ``harness calibration build`` rewrites the committed predictions files byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.evaluate.derive import as_dict, as_records, num
from harness.evaluate.fidelity import FactIndex
from harness.ids import category_key
from harness.jsonl import read_jsonl
from harness.writers import numbers_format as fmt
from harness.writers.contract import SUMMARY_KEYS, split_sentences, states_proxy_premise
from harness.writers.template import write_summary

Summary = dict[str, str]
EXPERT_FILE = Path("calibration") / "expert.jsonl"

GENERIC_SENTENCES = (
    "시장 환경이 빠르게 변하고 있어 지속적인 모니터링이 필요합니다.",
    "소비자의 요구를 충족하는 제품 개발이 무엇보다 중요합니다.",
    "고객 만족도를 높이기 위한 노력을 강화하시길 권합니다.",
    "향후 시장 동향을 면밀히 살펴볼 필요가 있습니다.",
    "차별화된 전략으로 경쟁력을 확보하는 것이 바람직합니다.",
)


@dataclass(frozen=True)
class CalibrationWriter:
    """One writer: its name, the verdict the rules must give it, and how its summaries are made."""

    name: str
    expected: str
    description: str
    write: Callable[[Mapping[str, Any], Summary, Summary | None], Summary]


def _template(facts: Mapping[str, Any], template: Summary, expert: Summary | None) -> Summary:
    return dict(template)


def _expert(facts: Mapping[str, Any], template: Summary, expert: Summary | None) -> Summary:
    if expert is None:
        raise InputError(f"golden/{EXPERT_FILE}", f"no expert summary for category {facts.get('categoryId')}")
    return {key: expert[key] for key in SUMMARY_KEYS}


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _listing(items: Sequence[str], label: str) -> str:
    return f"{label} {', '.join(items)}" if items else ""


def _stuffed(facts: Mapping[str, Any], template: Summary, expert: Summary | None) -> Summary:
    """The template plus sentences listing every brand, age, scenario, keyword, segment and year."""
    metrics = as_dict(facts.get("metrics"))
    insights = as_dict(facts.get("reviewInsights"))
    brands = [
        f"{r.get('name')} {fmt.ratio_pct(share)}"
        for r in as_records(metrics.get("topBrands"))
        if (share := num(r.get("share"))) is not None
    ]
    ages = [f"{r.get('age')}({fmt.count(r.get('count') or 0, '건')})" for r in as_records(insights.get("ageMentions"))]
    scenes = [
        f"{r.get('scenario')}({fmt.count(r.get('count') or 0, '건')})" for r in as_records(insights.get("usageScenarios"))
    ]
    words = [str(r.get("keyword")) for r in as_records(insights.get("distinctiveKeywords"))]
    specs = [
        f"{str(r.get('segment')).split(':', 1)[-1].strip()}({fmt.count(r.get('count') or 0, '개')})"
        for r in as_records(metrics.get("topSegments"))
    ]
    market_extra = [
        _listing(brands, "브랜드별 리뷰 점유율은") + " 순입니다." if brands else "",
        f"{_listing(ages, '리뷰에 언급된 연령은')}이고 {_listing(scenes, '사용 장면은')}입니다." if ages and scenes else "",
        f"{_listing(words, '리뷰 특징 키워드는')}이며 {_listing(specs, '스펙 구성은')}입니다." if words and specs else "",
    ]
    years = []
    for row in as_records(facts.get("growthData")):
        year, count, rate = num(row.get("year")), num(row.get("reviewCount")), num(row.get("growthRate"))
        if year is None or count is None:
            continue
        change = f"({fmt.growth(rate)})" if rate is not None and not fmt.is_flat(rate) else ""
        years.append(f"{fmt.year(int(year))} {fmt.count(count, '건')}{change}")
    histogram = as_dict(metrics.get("ratingHistogram"))
    total = sum(v for v in (num(x) for x in histogram.values()) if v is not None)
    stars = [f"{k}점 {fmt.ratio_pct((num(histogram[k]) or 0) / total)}" for k in ("5", "4", "3", "2", "1") if k in histogram and total]
    growth_extra = [
        _listing(years, "연도별 리뷰 수는") + "입니다." if years else "",
        _listing(stars, "평점 분포는") + "입니다." if stars else "",
    ]
    return {
        "marketOverviewSummary": _join(template["marketOverviewSummary"], *market_extra),
        "growthSummary": _join(template["growthSummary"], *growth_extra),
    }


def _generic(facts: Mapping[str, Any], template: Summary, expert: Summary | None) -> Summary:
    """The template with everything after its first three sentences replaced by generic sentences."""
    out: Summary = {}
    for key in SUMMARY_KEYS:
        parts = split_sentences(template[key])
        kept, rest = parts[:3], parts[3:]
        filler = [GENERIC_SENTENCES[i % len(GENERIC_SENTENCES)] for i in range(len(rest))]
        out[key] = _join(*kept, *filler)
    return out


def _wrong_number(facts: Mapping[str, Any], template: Summary, expert: Summary | None) -> Summary:
    """The template with its first supported percentage after the premise made wrong (+7.0 points)."""
    index = FactIndex.from_facts(dict(facts))
    out = dict(template)
    text = template["marketOverviewSummary"]
    premise_end = len(split_sentences(text)[0])
    for check in index.check_text(text):
        stated = check.stated
        if stated.start < premise_end or not check.supported or stated.unit != "%":
            continue
        for delta in (7.0, -7.0, 11.0, -11.0):
            wrong = f"{fmt.one_decimal(stated.value + delta)}%"
            candidate = text[: stated.start] + wrong + text[stated.end :]
            if not all(c.supported for c in index.check_text(wrong)) and stated.value + delta > 0:
                out["marketOverviewSummary"] = candidate
                return out
    raise InputError(None, f"category {facts.get('categoryId')}: no percentage to make wrong")


def _no_premise(facts: Mapping[str, Any], template: Summary, expert: Summary | None) -> Summary:
    """The template without the review-count proxy premise (the clause before the first comma)."""
    out: Summary = {}
    for key in SUMMARY_KEYS:
        parts = split_sentences(template[key])
        first = parts[0]
        if states_proxy_premise(first):
            _, _, tail = first.partition(", ")
            first = tail if tail and not states_proxy_premise(tail) else ""
        out[key] = _join(first, *parts[1:])
    return out


def _cut_off(facts: Mapping[str, Any], template: Summary, expert: Summary | None) -> Summary:
    """The template with its growth paragraph cut mid-sentence at 40% of its length (JSON still closes)."""
    text = template["growthSummary"]
    cut = text.rfind(" ", 0, int(len(text) * 0.4))
    return {"marketOverviewSummary": template["marketOverviewSummary"], "growthSummary": text[: max(cut, 1)]}


WRITERS: tuple[CalibrationWriter, ...] = (
    CalibrationWriter("template", "not kept", "the template's own outputs as a model", _template),
    CalibrationWriter("expert", "kept", "hand-written expert summaries (golden/calibration/expert.jsonl)", _expert),
    CalibrationWriter("stuffer", "not kept", "the template plus sentences listing more true facts", _stuffed),
    CalibrationWriter("generic", "loses", "the template with its later sentences replaced by generic ones", _generic),
    CalibrationWriter("wrong_number", "loses", "the template with one wrong percentage per category", _wrong_number),
    CalibrationWriter("no_premise", "loses", "the template without the review-count proxy premise", _no_premise),
    CalibrationWriter("cut_off", "loses", "the template with its growth paragraph cut mid-sentence", _cut_off),
)


def read_expert(golden_dir: Path) -> dict[str, Summary]:
    """The hand-written expert summaries by category key."""
    path = golden_dir / EXPERT_FILE
    if not path.exists():
        raise InputError(path, "expert summaries are missing (they are hand-written, never generated)")
    rows = read_jsonl(path, required=("categoryId", *SUMMARY_KEYS))
    return {category_key(r["categoryId"]): {k: r[k] for k in SUMMARY_KEYS} for r in rows}


def writer_predictions(
    writer: CalibrationWriter, facts: Sequence[Mapping[str, Any]], expert: Mapping[str, Summary]
) -> list[dict[str, Any]]:
    """The writer's ``{"categoryId", "output"}`` rows for every facts object, in facts order."""
    rows = []
    for item in facts:
        template = write_summary(dict(item))
        summary = writer.write(item, template, expert.get(category_key(item["categoryId"])))
        rows.append({"categoryId": item["categoryId"], "output": json.dumps(summary, ensure_ascii=False)})
    return rows


def writer_by_name(name: str) -> CalibrationWriter:
    for writer in WRITERS:
        if writer.name == name:
            return writer
    raise InputError(None, f"unknown calibration writer {name!r} (known: {', '.join(w.name for w in WRITERS)})")
