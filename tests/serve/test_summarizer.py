"""The guarded summarizer: bad rows rejected by name, the template without a model, and with one,
the model's text only where it passes the decision report's guard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.errors import InputError
from harness.serve.config import SummarizerConfig, default_guard
from harness.serve.summarizer import Summarizer
from harness.writers.template import write_summary

GOLDEN = Path(__file__).resolve().parents[2] / "golden"


def _golden(name: str) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in (GOLDEN / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(r["categoryId"]): r for r in rows}


FACTS = _golden("facts.jsonl")
REFERENCES = _golden("references.jsonl")
"""Hand-written summaries: text the template never wrote, every number in it supported."""


def _reference_output(key: str) -> str:
    ref = REFERENCES[key]
    return json.dumps({k: ref[k] for k in ("marketOverviewSummary", "growthSummary")}, ensure_ascii=False)


def _canned(outputs: dict[str, str]) -> Any:
    """A model that answers each category with a fixed raw output (what a model would emit)."""

    def generate(facts: list[dict[str, Any]]) -> list[str]:
        return [outputs[str(f["categoryId"])] for f in facts]

    return generate


def _with_model(outputs: dict[str, str]) -> Summarizer:
    config = SummarizerConfig.model_validate(
        {"guard": default_guard().model_dump(), "model": {"base_model": "canned", "base_revision": "r", "model_name": "canned"}}
    )
    return Summarizer(config, _canned(outputs))


def test_template_only__is_the_template_writer() -> None:
    summarizer = Summarizer(SummarizerConfig(guard=default_guard()))
    keys = ["1", "4", "52~1"]
    out = summarizer.summarize([json.dumps(FACTS[k], ensure_ascii=False) for k in keys])
    for key, summary in zip(keys, out, strict=True):
        assert summary.source == "template"
        assert (summary.market_overview, summary.growth) == tuple(write_summary(FACTS[key]).values())


def test_with_model__ships_the_model_text_only_where_the_guard_passes() -> None:
    total = f"{FACTS['4']['metrics']['totalReviewCount']:,}"
    wrong_number = _reference_output("4").replace(total, "9,871")  # a review count the facts do not support
    outputs = {
        "1": _reference_output("1"),
        "4": wrong_number,
        "12": _reference_output("12").replace("입니다", "입니다。市场", 1),  # CJK leak
        "13": '{"marketOverviewSummary": "본 분석은',  # cut off: not JSON
    }
    assert total in _reference_output("4")
    out = _with_model(outputs).summarize([json.dumps(FACTS[k], ensure_ascii=False) for k in outputs])
    by_key = dict(zip(outputs, out, strict=True))
    assert by_key["1"].source == "model" and by_key["1"].market_overview == REFERENCES["1"]["marketOverviewSummary"]
    assert by_key["4"].source == "template" and "numeric_fidelity" in by_key["4"].failed_checks
    assert by_key["12"].source == "template" and "cjk_leak" in by_key["12"].failed_checks
    assert by_key["13"].source == "template" and "json_valid" in by_key["13"].failed_checks
    for key in ("4", "12", "13"):
        assert by_key[key].market_overview == write_summary(FACTS[key])["marketOverviewSummary"]
    assert [set(s.to_row()) for s in out] == [{"marketOverviewSummary", "growthSummary", "source"}] * 4


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "must be a JSON object"),
        (json.dumps({"categoryId": 1}), "not valid facts: $: 'categoryName' is a required property"),
        (12.5, "must be a JSON string"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_rows__rejected_with_the_row_and_the_problem(value: Any, problem: str) -> None:
    good = json.dumps(FACTS["1"], ensure_ascii=False)
    calls: list[int] = []

    def generate(facts: list[dict[str, Any]]) -> list[str]:
        calls.append(len(facts))
        return ["{}"] * len(facts)

    config = SummarizerConfig.model_validate(
        {"guard": default_guard().model_dump(), "model": {"base_model": "x", "base_revision": "r", "model_name": "x"}}
    )
    with pytest.raises(InputError) as info:
        Summarizer(config, generate).summarize([good, value])
    assert "row 1" in str(info.value) and problem in str(info.value)
    assert calls == []  # nothing is generated for a request that will be refused


def test_facts_the_template_cannot_use__are_a_bad_row() -> None:
    facts = json.loads(json.dumps(FACTS["1"]))
    facts["metrics"]["topBrands"] = "not a list"
    with pytest.raises(InputError, match="row 0"):
        Summarizer(SummarizerConfig(guard=default_guard())).summarize([json.dumps(facts)])


def test_served_guard__agrees_with_the_decision_reports_guarded_composition() -> None:
    """The served model ships, row by row, exactly what the report's guarded composition scored."""
    from harness.decide.guarded import compose
    from harness.decide.records import RecordedRun
    from harness.evaluate import score_predictions
    from harness.writers.normalize import normalize_output
    from harness.writers.template import write_raw

    keys = ["1", "4", "12", "13", "21", "22"]
    facts = [FACTS[k] for k in keys]
    total = f"{FACTS['21']['metrics']['totalReviewCount']:,}"
    outputs = {
        "1": _reference_output("1"), "4": _reference_output("4").replace("。", "").replace("입니다", "입니다。", 1),
        "12": _reference_output("12"), "13": "not json at all", "21": _reference_output("21").replace(total, "1"),
        "22": write_raw(FACTS["22"]),
    }  # fmt: skip

    def recorded(role: str, raw: dict[str, str]) -> RecordedRun:
        preds = [{"categoryId": f["categoryId"], "output": raw[str(f["categoryId"])]} for f in facts]
        scores = score_predictions({k: FACTS[k] for k in keys}, preds).to_dict()
        return RecordedRun(role, "0", role, 0, {}, {}, scores, preds, facts, None)

    composed = compose(recorded("small", outputs), recorded("template", {k: write_raw(FACTS[k]) for k in keys}),
                       default_guard())  # fmt: skip
    served = _with_model(outputs).summarize([json.dumps(f, ensure_ascii=False) for f in facts])
    assert 0 < composed.fallbacks < len(keys)
    for pred, summary in zip(composed.predictions, served, strict=True):
        shipped = normalize_output(pred["output"]).summary
        assert (summary.market_overview, summary.growth) == (shipped["marketOverviewSummary"], shipped["growthSummary"])
        assert (summary.source == "model") == (pred["output"] == outputs[str(pred["categoryId"])])
