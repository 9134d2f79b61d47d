"""Each outcome of the decision rules, decided from runs recorded in the test's MLflow store."""

from __future__ import annotations

import pytest
from decide_recorded import QUALITY_UNITS, Recorder, RunSpec, synthetic_rows

from harness.decide.config import LargeOverSmallConfig, load_rules
from harness.decide.rules import decide
from harness.errors import InputError
from harness.tracking.runs_query import load_suite

NOISE = [0.05, -0.05, 0.04, -0.04, 0.06, -0.06, 0.05, -0.05, 0.03, -0.03]


def _decide(mlflow_store: str, suite: str = "cpu"):
    return decide(load_suite(suite, mlflow_store), load_rules())


def _held(decision, rule: str, subject: str) -> list[bool | None]:
    return [c.held for c in decision.checks if c.rule == rule and c.subject == subject]


def test_decide__keep_large(record_suite: Recorder, mlflow_store: str) -> None:
    record_suite(RunSpec("template"), RunSpec("small", shift=0.5), RunSpec("large", shift=2.0))
    decision = _decide(mlflow_store)
    assert decision.verdict == "keep_large"
    assert all(_held(decision, "2 beats template", "large - template"))
    assert all(_held(decision, "3 large vs small", "large - small"))
    assert decision.headline.startswith(
        "Verdict: keep the large model (tiny-qwen2-large (CPU stand-in for Qwen2.5-7B))"
    )


def test_decide__fall_back_small_when_large_within_noise(record_suite: Recorder, mlflow_store: str) -> None:
    small_shift = [1.0 * s for s in (1.0, 0.8, 1.2, 0.9, 1.1, 1.0, 0.7, 1.3, 1.0, 0.95)]
    large_shift = [a + b for a, b in zip(small_shift, NOISE, strict=True)]
    record_suite(
        RunSpec("template"), RunSpec("small", shift=small_shift), RunSpec("large", shift=large_shift)
    )
    decision = _decide(mlflow_store)
    assert decision.verdict == "fall_back_small"
    assert "within noise" in decision.reason
    assert not any(_held(decision, "3 large vs small", "large - small"))
    assert all(c.interval.covers_zero() for c in decision.large_vs_small.values())


def test_decide__fall_back_small_when_large_over_budget(record_suite: Recorder, mlflow_store: str) -> None:
    record_suite(
        RunSpec("template"),
        RunSpec("small", shift=0.5),
        RunSpec("large", shift=2.0, cost={"latency_s_per_summary": 30.0}),
    )
    decision = _decide(mlflow_store)
    assert decision.verdict == "fall_back_small"
    assert "over the cost budget (latency_s_per_summary)" in decision.reason
    budget = {c.metric: c.held for c in decision.checks if c.rule == "3 cost budget"}
    assert budget["latency_s_per_summary"] is False and budget["train_time_s"] is True


def test_decide__large_over_budget_without_small_is_template_only(
    record_suite: Recorder, mlflow_store: str
) -> None:
    record_suite(RunSpec("template"), RunSpec("large", shift=2.0, cost={"peak_gpu_mem_gb": 80.0}))
    decision = _decide(mlflow_store)
    assert decision.verdict == "template_only"
    assert "small model did not run" in decision.reason


def test_decide__template_only_when_no_variant_clears_floor(
    record_suite: Recorder, mlflow_store: str
) -> None:
    record_suite(
        RunSpec("template"),
        RunSpec("small", shift=1.0, bad_rows={"json_valid": 3}),
        RunSpec("large", shift=2.0, bad_rows={"cjk_leak": 1}),
    )
    decision = _decide(mlflow_store)
    assert decision.verdict == "template_only"
    assert "No model variant clears the operational floor" in decision.reason
    failed = {(c.subject, c.metric) for c in decision.checks if c.rule == "1 floor" and c.held is False}
    assert failed == {("small", "json_valid_rate"), ("large", "cjk_leak_rate")}


def test_decide__template_only_when_variant_clears_floor_but_does_not_beat_template(
    record_suite: Recorder, mlflow_store: str
) -> None:
    record_suite(
        RunSpec("template"), RunSpec("small", shift=NOISE), RunSpec("large", shift=[-x for x in NOISE])
    )
    decision = _decide(mlflow_store)
    assert decision.verdict == "template_only"
    assert all(c.floor_ok for c in decision.candidates.values())
    assert not any(c.beats_template for c in decision.candidates.values())
    assert "does not beat the template" in decision.reason or "beats the template clearly" in decision.reason


def test_decide__only_template_ran(record_suite: Recorder, mlflow_store: str) -> None:
    record_suite(RunSpec("template"))
    decision = _decide(mlflow_store)
    assert decision.verdict == "template_only"
    assert decision.reason.startswith("Only the template ran")
    assert decision.candidates == {}


def test_decide__majority_of_categories_required(record_suite: Recorder, mlflow_store: str) -> None:
    # Large wins big on 4 of 10 categories and loses slightly on 6: the mean is positive but not a majority.
    shift = [4.0, 4.0, 4.0, 4.0, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1]
    record_suite(RunSpec("template"), RunSpec("large", shift=shift))
    decision = _decide(mlflow_store)
    wins = [c for c in decision.checks if c.rule == "2 beats template" and "won" in c.value]
    assert wins and all(c.held is False for c in wins)
    assert decision.verdict == "template_only"


def test_load_suite__latest_finished_run_per_role(record_suite: Recorder, mlflow_store: str) -> None:
    first = record_suite(RunSpec("template"), RunSpec("large", shift=2.0))
    newer = record_suite(RunSpec("large", shift=-1.0))
    record_suite(RunSpec("large", shift=2.0, status="FAILED"))
    suite = load_suite("cpu", mlflow_store)
    assert suite.by_role["template"].run_id == first["template"]
    assert suite.by_role["large"].run_id == newer["large"]
    reasons = sorted(s.reason for s in suite.skipped)
    assert reasons == ["an older finished run of the same role", "status FAILED"]


def test_load_suite__unknown_suite_is_input_error(record_suite: Recorder, mlflow_store: str) -> None:
    record_suite(RunSpec("template"))
    with pytest.raises(InputError, match="no FINISHED"):
        load_suite("nope", mlflow_store)


def test_decide__models_without_template_is_input_error(record_suite: Recorder, mlflow_store: str) -> None:
    record_suite(RunSpec("small", shift=1.0))
    with pytest.raises(InputError, match="no FINISHED template run"):
        _decide(mlflow_store)


def test_decide__large_over_small_any_versus_all(record_suite: Recorder, mlflow_store: str) -> None:
    # Large is clearly ahead of small on every quality metric but the last, where it is within noise.
    noisy = load_rules().quality.metrics[-1]
    small_rows = synthetic_rows(RunSpec("small", shift=1.0))
    large_rows = synthetic_rows(RunSpec("large", shift=3.0))
    for big, little, noise in zip(large_rows, small_rows, NOISE, strict=True):
        big[noisy] = little[noisy] + noise * QUALITY_UNITS[noisy]
    record_suite(RunSpec("template"), RunSpec("small", rows=small_rows), RunSpec("large", rows=large_rows))
    suite = load_suite("cpu", mlflow_store)
    rules = load_rules()
    any_rule = rules.model_copy(update={"large_over_small": LargeOverSmallConfig(require="any")})
    all_rule = rules.model_copy(update={"large_over_small": LargeOverSmallConfig(require="all")})
    assert decide(suite, any_rule).verdict == "keep_large"
    assert decide(suite, all_rule).verdict == "fall_back_small"


def test_model_label__stand_in_named_once_with_its_target() -> None:
    from types import SimpleNamespace

    from harness.decide.rules import model_label

    rules = SimpleNamespace(roles={"large": "Qwen2.5-7B"})
    run = SimpleNamespace(role="large", stand_in=True, model_name="tiny-qwen2-large (CPU stand-in)")
    assert model_label(run, rules) == "tiny-qwen2-large (CPU stand-in for Qwen2.5-7B)"
    real = SimpleNamespace(role="large", stand_in=False, model_name="Qwen2.5-7B-Instruct + LoRA")
    assert model_label(real, rules) == "Qwen2.5-7B-Instruct + LoRA"
