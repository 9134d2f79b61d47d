"""Guarded composition: model text where its scored row passes the guard, template text otherwise."""

from __future__ import annotations

import json
from pathlib import Path

from decide_runs import Recorder, RunSpec, make_rules

from harness.decide.guarded import compose, failed_checks
from harness.evaluate import score_predictions
from harness.jsonl import read_jsonl
from harness.tracking.runs_query import load_suite
from harness.writers.template import write_summary

FACTS = read_jsonl(Path(__file__).parents[1] / "fixtures" / "reference_facts.jsonl")


def test_failed_checks__null_fidelity_passes_missing_flag_fails() -> None:
    checks = make_rules().guarded
    good = {
        "json_valid": True,
        "cjk_leak": False,
        "special_token_leak": False,
        "nested_json": False,
        "numeric_fidelity": None,
    }
    assert failed_checks(good, checks) == []
    assert failed_checks({**good, "numeric_fidelity": 0.99}, checks) == ["numeric_fidelity"]
    assert failed_checks({k: v for k, v in good.items() if k != "json_valid"}, checks) == ["json_valid"]
    assert failed_checks({**good, "cjk_leak": True, "json_valid": False}, checks) == [
        "json_valid",
        "cjk_leak",
    ]


def _template_outputs() -> list[dict[str, object]]:
    return [
        {"categoryId": f["categoryId"], "output": json.dumps(write_summary(f), ensure_ascii=False)}
        for f in FACTS
    ]


def _spoiled_outputs() -> list[dict[str, object]]:
    """Category 4 leaks Han characters, 38 a chat token, 27 states an unsupported number, 1 is clean."""
    outputs = []
    for f in FACTS:
        summary = write_summary(f)
        cid = f["categoryId"]
        if cid == 4:
            summary["growthSummary"] += " 市场"
        elif cid == 27:
            summary["marketOverviewSummary"] += " 리뷰 수는 123,457건으로 집계됩니다."
        raw = json.dumps(summary, ensure_ascii=False)
        outputs.append({"categoryId": cid, "output": raw + "<|im_end|>" if cid == 38 else raw})
    return outputs


def _scored(outputs: list[dict[str, object]]) -> list[dict[str, object]]:
    return score_predictions({f["categoryId"]: f for f in FACTS}, outputs).rows


def test_compose__rescored_composition_passes_every_guard(record_suite: Recorder, mlflow_store: str) -> None:
    template, model = _template_outputs(), _spoiled_outputs()
    model_rows = _scored(model)
    record_suite(
        RunSpec("template", rows=_scored(template), outputs=template, facts=FACTS),
        RunSpec("large", rows=model_rows, outputs=model, facts=FACTS),
    )
    suite = load_suite("cpu", mlflow_store)
    checks = make_rules().guarded
    expected_fallbacks = [r["categoryId"] for r in model_rows if failed_checks(r, checks)]
    assert expected_fallbacks == [4, 38, 27], (
        "the spoiled outputs must fail the guard for this test to mean anything"
    )

    result = compose(suite.by_role["large"], suite.by_role["template"], checks)

    assert (result.fallbacks, result.total, result.fallback_rate) == (3, 4, 0.75)
    assert result.rescored
    # The trailing chat token also makes the raw output invalid JSON: both checks are counted.
    assert result.fallback_reasons == {
        "cjk_leak": 1,
        "json_valid": 1,
        "numeric_fidelity": 1,
        "special_token_leak": 1,
    }
    assert [p["output"] for p in result.predictions] == [
        template[0]["output"],
        template[1]["output"],
        template[2]["output"],
        model[3]["output"],
    ]
    assert all(failed_checks(row, checks) == [] for row in result.rows)
    assert result.aggregate["cjk_leak_rate"] == 0.0 and result.aggregate["special_token_leak_rate"] == 0.0
    assert result.aggregate["latency_s_per_summary"] == 2.0
