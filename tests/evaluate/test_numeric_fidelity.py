"""Numeric fidelity on real facts: supported numbers, the precision shown, hedges, signs, mutations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from harness.evaluate.derive import DERIVATIONS, derive_all
from harness.evaluate.fidelity import FactIndex, numeric_fidelity
from harness.evaluate.numbers import parse_numbers
from harness.jsonl import read_jsonl
from harness.writers.contract import SUMMARY_KEYS

_DIGITS = re.compile(r"(?<![A-Za-z0-9.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


def _supported(index: FactIndex, text: str) -> list[bool]:
    return [check.supported for check in index.check_text(text)]


@pytest.mark.parametrize(
    "text",
    ["상위 3개 브랜드 점유율 29.6%", "상위 3개 브랜드 점유율 30%", "평균 4.7점", "평균 4.75점", "리뷰 64,518건",
     "약 6만 4천 건", "6만 4천 건", "약 6.5만 건", "HHI 약 383", "2024년 176.0% 증가", "2025년 19.2% 감소",
     "1위와 2위 격차 4.3%p", "4점 이상 리뷰가 95.3%", "리뷰 없는 제품 38.6%", "2020~2025년", "상위 10개 브랜드",
     "레고 9,102건", "2023년 대비 2024년 리뷰는 11,286건 늘었습니다", "2024년 리뷰는 2023년의 약 2.8배",
     "연령 '3세이상' 세그먼트", "용량 100g 제품"],
)
def test_fidelity__supported_on_reference_facts(facts4: dict[str, Any], text: str) -> None:
    assert all(_supported(FactIndex.from_facts(facts4), text))


@pytest.mark.parametrize(
    "text",
    ["상위 3개 브랜드 점유율 29.8%", "평균 4.8점", "리뷰 64,581건", "6만 6천 건", "HHI 1,279", "2024년 176.5% 증가",
     "2024년 176.0% 감소", "2025년 19.2% 증가", "격차 5.2%p", "2019년", "상위 12개 브랜드", "13위", "매출 4억 340만 원",
     "3.3%p 하락", "29.6점"],
)
def test_fidelity__unsupported_on_reference_facts(facts4: dict[str, Any], text: str) -> None:
    assert not all(_supported(FactIndex.from_facts(facts4), text)), text


def test_fidelity__precision_shown_decides(facts4: dict[str, Any]) -> None:
    index = FactIndex.from_facts(facts4)
    assert _supported(index, "29.57%") == [True]  # 0.29570 rounds to 29.57
    assert _supported(index, "29.50%") == [False]
    assert _supported(index, "29.5%") == [False]
    assert _supported(index, "1,279") == [False]


def test_fidelity__approximation_widens_tolerance(facts4: dict[str, Any]) -> None:
    index = FactIndex.from_facts(facts4)
    assert _supported(index, "HHI 390") == [False]
    assert _supported(index, "HHI 약 390") == [True]
    assert _supported(index, "HHI 약 450") == [False]


def test_fidelity__ages_in_examples_and_age_mentions() -> None:
    facts = {
        "categoryId": "x", "metrics": {"totalReviewCount": 120},
        "reviewInsights": {"ageMentions": [{"age": "18개월", "count": 4}], "positiveExamples": ["36개월 아이가 잘 써요"]},
    }
    index = FactIndex.from_facts(facts)
    assert _supported(index, "18개월 아기와 36개월 아이 리뷰가 있습니다") == [True, True]
    assert _supported(index, "24개월 아기") == [False]


def test_fidelity__legacy_and_odd_facts_do_not_crash() -> None:
    for facts in ({}, {"metrics": None}, {"metrics": {"topBrands": [{"share": "x"}, None]}, "growthData": [{"year": None}]},
                  {"metrics": {"ratingHistogram": {"5": True}}, "growthData": "n/a"}):
        candidates, failed = derive_all(facts)
        assert failed == [] and isinstance(candidates, list)
        assert FactIndex.from_facts(facts).check_text("리뷰 12건") is not None


def test_fidelity__registry_names_every_derivation() -> None:
    assert {"raw_values", "hhi_from_shares", "brand_shares", "growth", "rating_histogram", "ordinals"} <= set(DERIVATIONS)


def test_fidelity__revenue_is_never_supported(facts4: dict[str, Any]) -> None:
    assert _supported(FactIndex.from_facts(facts4), "403,405,800") == [False]


def test_fidelity__null_when_nothing_stated() -> None:
    assert numeric_fidelity([]) is None


def _mutate(text: str, start: int) -> str:
    """Changes the first number at ``start``: value * 1.37 + 23 units of its last digit, same format."""
    match = _DIGITS.match(text, start) or _DIGITS.search(text, start)
    assert match is not None
    whole, frac = match.group(1), match.group(2)
    step = 10.0 ** -len(frac) if frac else 1.0
    value = float(whole.replace(",", "") + ("." + frac if frac else ""))
    new = value * 1.37 + 23 * step
    body = f"{new:,.{len(frac)}f}" if frac else f"{round(new):,}"
    if "," not in whole:
        body = body.replace(",", "")
    return text[: match.start()] + body + text[match.end() :]


def _assert_every_mutation_caught(facts: dict[str, Any], summary: dict[str, str]) -> int:
    index = FactIndex.from_facts(facts)
    mutated_count = 0
    for key in SUMMARY_KEYS:
        text = summary[key]
        assert numeric_fidelity(index.check_text(text)) == 1.0, [c.stated.text for c in index.check_text(text) if not c.supported]
        for stated in (n for n in parse_numbers(text) if n.form == "digits"):
            mutated = _mutate(text, stated.start)
            checks = index.check_text(mutated)
            changed = next(c for c in checks if c.stated.start == stated.start)
            assert not changed.supported, (stated.text, changed.stated.text, changed.labels)
            assert changed.stated.text in [c.stated.text for c in checks if not c.supported]
            assert numeric_fidelity(checks) < 1.0
            mutated_count += 1
    return mutated_count


def test_fidelity__every_single_number_change_in_hand_summary_is_caught(
    facts4: dict[str, Any], hand_summary: dict[str, str]
) -> None:
    assert _assert_every_mutation_caught(facts4, hand_summary) >= 25


def test_fidelity__every_single_number_change_in_template_is_caught(reference_facts: list[dict[str, Any]]) -> None:
    template = pytest.importorskip("harness.writers.template")
    total = sum(_assert_every_mutation_caught(f, template.write_summary(f)) for f in reference_facts)
    assert total >= 40


def test_fidelity__count_after_a_year_must_be_that_years(facts4: dict[str, Any]) -> None:
    index = FactIndex.from_facts(facts4)
    assert _supported(index, "2022년 리뷰는 7,853건입니다.") == [True, True]
    # 7,853 is 2022's count: the lone year bound to it is the wrong number (golden/fidelity's convention)
    assert _supported(index, "2023년 리뷰는 7,853건입니다.") == [False, True]
    assert _supported(index, "2020년 4,837건에서 2025년 14,293건으로 늘었습니다.") == [True] * 4
    assert _supported(index, "2025년 14,293건, 2024년 14,293건") == [True, True, False, True]
    # 2023 also binds a count that is right for it, so the rate (2022's) is the wrong number
    assert _supported(index, "2023년 리뷰는 6,411건으로 38.1% 증가했습니다.") == [True, True, False]


def test_fidelity__percentage_bound_to_its_cue(facts4: dict[str, Any]) -> None:
    index = FactIndex.from_facts(facts4)
    assert _supported(index, "저평점 리뷰 비중은 1.6%입니다.") == [True]
    assert _supported(index, "저평점 리뷰 비중은 1.4%입니다.") == [False]  # 1.4% is a brand's share
    assert _supported(index, "오로라월드의 점유율은 1.4%입니다.") == [True]
    assert _supported(index, "상위 3개 브랜드(레고, 미미월드, 유한킴벌리)가 29.6%를 차지합니다.") == [True, True]


GOLDEN = Path(__file__).resolve().parents[2] / "golden"


def test_fidelity__hand_written_golden_references_are_fully_supported() -> None:
    """An independent writer's references (golden/) must score 1.0; most single changes are caught."""
    facts = {f["categoryId"]: f for f in read_jsonl(GOLDEN / "facts.jsonl")}
    caught = total = 0
    for ref in read_jsonl(GOLDEN / "references.jsonl"):
        index = FactIndex.from_facts(facts[ref["categoryId"]])
        for key in SUMMARY_KEYS:
            text = ref[key]
            assert [c.stated.text for c in index.check_text(text) if not c.supported] == [], ref["categoryId"]
            for stated in (n for n in parse_numbers(text) if n.form == "digits"):
                checks = index.check_text(_mutate(text, stated.start))
                caught += not next(c for c in checks if c.stated.start == stated.start).supported
                total += 1
    assert total >= 300 and caught / total >= 0.98, (caught, total)
