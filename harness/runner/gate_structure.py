"""The gate's structure pin: the template keeps every sentence role and the contract's number formats.

Metrics alone let a worse template through: deleting the recommendations sentence raised ROUGE,
and "47%" for "47.1%" or "2400건" for "2,400건" keep every number true. So the gate also reads the
template's output itself:

* roles: each sentence is labelled by what it says (premise, scale, structure, maturity, quality,
  buyer drivers, recommendations; for growth: span, overall trend, peak, declines, recent years,
  partial year, caveat, recommendations), from the words it must contain. The labels of every
  golden category are frozen in ``golden/template_structure.jsonl`` (``make golden``); the gate
  fails on any difference, and on a paragraph that does not open with the proxy premise or close
  with a recommendation;
* formats: every number a sentence states must have the shape :mod:`harness.writers.numbers_format`
  fixes (one decimal for percentages, points and ratings; thousands separators on counts and HHI;
  four-digit years). Numbers inside quotes are product values (``'240ml'``), not formatted ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.ids import category_key
from harness.jsonl import read_jsonl, write_jsonl
from harness.writers.contract import SUMMARY_KEYS, split_sentences, states_proxy_premise

STRUCTURE_FILE = "template_structure.jsonl"
PREMISE, RECOMMENDATION = "premise", "recommendation"

ROLE_MARKERS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "marketOverviewSummary": tuple((role, re.compile(p)) for role, p in (
        ("scale", r"카테고리는 .*제품에 걸쳐 총 .*리뷰가 집계"),
        ("structure", r"HHI|상위 \d+개 브랜드|브랜드 리뷰의|집중도는 판단할 수 없"),
        ("unbranded", r"브랜드가 표기되지 않은 제품"),
        ("maturity", r"리뷰가 없는 제품|리뷰가 (?:전혀 )?없어|리뷰가 있어|롱테일|성숙 시장"),
        ("quality", r"평균 평점"),
        ("drivers", r"구매 결정은"),
        (RECOMMENDATION, r"권장합니다"),
    )),
    "growthSummary": tuple((role, re.compile(p)) for role, p in (
        ("span", r"\d{4}년부터 \d{4}년까지"),
        ("no_trend", r"성장률을 산출할 수 없|수요의 방향은 판단할 수 없|줄어드는 중인지는 판단할 수 없|산출할 수 있습니다"),
        ("overall", r"전체 기간으로 보면"),
        ("peak", r"가장 많았던 해"),
        ("declines", r"감소한 해|줄어든 해|매년 감소"),
        ("recent", r"^최근에는"),
        ("partial", r"부분 연도|부분 집계"),
        ("caveat", r"시차를 두고|오인하게 됩니다|추세 판단에는 한계"),
        (RECOMMENDATION, r"권장합니다"),
    )),
}  # fmt: skip

_QUOTED = re.compile(r"'[^']*'")
_NUMBER = r"\d+(?:,\d+)*(?:\.\d+)?"  # a trailing comma is punctuation, not a separator
_THOUSANDS = r"\d{1,3}(?:,\d{3})*"
FORMATS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (name, re.compile(found), re.compile(shape))
    for name, found, shape in (
        ("percentage points", rf"({_NUMBER})%p", rf"{_THOUSANDS}\.\d"),
        ("percent", rf"({_NUMBER})%(?!p)", rf"{_THOUSANDS}\.\d"),
        ("count", rf"({_NUMBER})(?:건|개(?!월|입))", _THOUSANDS),
        ("rating", rf"({_NUMBER})점", r"\d\.\d"),
        ("HHI", rf"HHI 약 ({_NUMBER})", _THOUSANDS),
        ("year", rf"(?<![\d,.])({_NUMBER})년", r"\d{4}"),
    )
)


def sentence_roles(key: str, sentence: str) -> list[str]:
    """The roles one sentence plays, in the order of :data:`ROLE_MARKERS` (premise first)."""
    roles = [PREMISE] if states_proxy_premise(sentence) else []
    return roles + [role for role, pattern in ROLE_MARKERS[key] if pattern.search(sentence)]


def structure_of(summary: Mapping[str, str]) -> dict[str, list[list[str]]]:
    """Per paragraph, the roles of each sentence in order."""
    return {key: [sentence_roles(key, s) for s in split_sentences(summary.get(key) or "")] for key in SUMMARY_KEYS}


def contract_problems(structure: Mapping[str, list[list[str]]]) -> list[str]:
    """What every summary owes the reader: the proxy premise first, a recommendation last."""
    problems = []
    for key in SUMMARY_KEYS:
        sentences = structure.get(key) or []
        if not sentences or PREMISE not in sentences[0]:
            problems.append(f"{key}: the first sentence does not state the review-count proxy premise")
        if not sentences or RECOMMENDATION not in sentences[-1]:
            problems.append(f"{key}: the last sentence is not a recommendation")
    return problems


def format_problems(text: str) -> list[str]:
    """Numbers stated in a shape the number-format contract does not allow (``47%``, ``2400건``)."""
    bare = _QUOTED.sub("''", text)
    problems: list[str] = []
    for name, found, shape in FORMATS:
        problems.extend(
            f"{name} {match.group(0)!r} is not in the contract's format"
            for match in found.finditer(bare)
            if not shape.fullmatch(match.group(1))
        )
    return problems


def structure_rows(facts: Sequence[dict[str, Any]], summaries: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    """The frozen file's rows: each golden category's roles, in golden order."""
    return [{"categoryId": f["categoryId"], **structure_of(s)} for f, s in zip(facts, summaries, strict=True)]


def freeze(golden_dir: Path, facts: Sequence[dict[str, Any]]) -> int:
    """Writes ``template_structure.jsonl`` from the template's output on ``facts`` (``make golden``)."""
    from harness.writers.template import write_summary

    return write_jsonl(golden_dir / STRUCTURE_FILE, structure_rows(facts, [write_summary(f) for f in facts]))


def check(golden_dir: Path, facts: Sequence[dict[str, Any]], summaries: Sequence[Mapping[str, str]]) -> list[str]:
    """Every difference from the frozen structure, contract problem and format problem, one line each."""
    path = golden_dir / STRUCTURE_FILE
    frozen = {category_key(r["categoryId"]): r for r in read_jsonl(path)} if path.exists() else None
    problems = [] if frozen is not None else [f"{path} is missing: run `make golden` to freeze the template's structure"]
    for row in structure_rows(facts, summaries):
        cid = row["categoryId"]
        problems += [f"category {cid}: {p}" for p in contract_problems(row)]
        expected = (frozen or {}).get(category_key(cid))
        for key in SUMMARY_KEYS:
            if expected is not None and expected.get(key) != row[key]:
                problems.append(f"category {cid}: {key} sentence roles {row[key]} differ from the frozen {expected.get(key)}")
    for f, summary in zip(facts, summaries, strict=True):
        problems += [f"category {f['categoryId']}: {key}: {p}" for key in SUMMARY_KEYS for p in format_problems(summary.get(key) or "")]
    return problems
