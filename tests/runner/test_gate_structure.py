"""Issue 13, defect 8: mutations of the template fail the gate even where every metric stays green.

Deleting the recommendations sentence raised ROUGE, and "2400건" for "2,400건" keeps every number
true: no gated metric notices either. Each mutation below fails the gate's structure pin (frozen
sentence roles, the number-format contract), whatever the metrics say.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.runner import gate_structure
from harness.runner.gate import render, run_gate
from harness.writers import template
from harness.writers.contract import split_sentences

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "golden"
TEMPLATE = REPO / "experiments" / "template_only.yaml"

Mutation = Callable[[dict[str, str]], dict[str, str]]


def _drop_recommendation(out: dict[str, str]) -> dict[str, str]:
    return {**out, "marketOverviewSummary": " ".join(split_sentences(out["marketOverviewSummary"])[:-1])}


def _drop_middle_sentence(out: dict[str, str]) -> dict[str, str]:
    sentences = split_sentences(out["marketOverviewSummary"])
    return {**out, "marketOverviewSummary": " ".join(sentences[:2] + sentences[3:])}


def _percent_without_decimals(out: dict[str, str]) -> dict[str, str]:
    return {k: re.sub(r"(\d)\.\d(%p?)", r"\1\2", v) for k, v in out.items()}


def _no_thousands_separators(out: dict[str, str]) -> dict[str, str]:
    return {k: re.sub(r"(?<=\d),(?=\d{3})", "", v) for k, v in out.items()}


def _rating_as_integer(out: dict[str, str]) -> dict[str, str]:
    return {k: re.sub(r"(\d)\.\d점", r"\1점", v) for k, v in out.items()}


MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "recommendations sentence deleted": (_drop_recommendation, "the last sentence is not a recommendation"),
    "maturity sentence deleted": (_drop_middle_sentence, "differ from the frozen"),
    "percentages without decimals": (_percent_without_decimals, "is not in the contract's format"),
    "no thousands separators": (_no_thousands_separators, "is not in the contract's format"),
    "ratings without decimals": (_rating_as_integer, "rating"),
}

METRICS_BLIND = {"recommendations sentence deleted", "no thousands separators"}
"""Mutations no gated metric notices (the others also move numeric fidelity or key-fact coverage)."""


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_gate__structure_mutation_fails_though_metrics_pass(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    mutate, expected = MUTATIONS[name]
    real = template.write_summary

    def mutated(facts: dict[str, Any]) -> dict[str, str]:
        return mutate(real(facts))

    monkeypatch.setattr(template, "write_summary", mutated)
    result = run_gate(GOLDEN, [TEMPLATE], check_facts=False)
    table = render(result)
    assert not result.passed and table.endswith("gate: FAILED"), table
    assert any(expected in p for p in result.structure), result.structure[:5]
    if name in METRICS_BLIND:
        assert all(c.ok for c in result.checks), table  # the metrics alone would have let it through
    assert "template structure:" in table


def test_gate__unmutated_template_matches_its_frozen_structure() -> None:
    result = run_gate(GOLDEN, [TEMPLATE], check_facts=False)
    assert result.passed and result.structure == [], render(result)
    assert any("every sentence role and number format" in n for n in result.notes)


def test_format_problems__the_contract_shapes() -> None:
    ok = ("상위 3개 브랜드가 47.1%를 차지하고 격차는 4.3%p, HHI 약 1,279, 평균 평점 4.7점, 리뷰 64,518건, "
          "2024년에 180.2% 증가, 스펙 '240ml'·'1000매' 제품, 1,234.5% 증가")  # fmt: skip
    assert gate_structure.format_problems(ok) == []
    bad = "47%를, 4%p, HHI 약 1279, 4.75점, 64518건, 24년, 1234.5%"
    assert len(gate_structure.format_problems(bad)) == 7


def test_structure_file__refrozen_by_golden_build_matches_the_committed_one(tmp_path: Path) -> None:
    import json

    facts = [json.loads(x) for x in (GOLDEN / "facts.jsonl").read_text("utf-8").splitlines()]
    gate_structure.freeze(tmp_path, facts)
    committed = (GOLDEN / gate_structure.STRUCTURE_FILE).read_text("utf-8")
    assert (tmp_path / gate_structure.STRUCTURE_FILE).read_text("utf-8") == committed
