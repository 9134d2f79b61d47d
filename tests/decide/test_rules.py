"""Each outcome of the decision rules, decided from runs built in memory with rules defined here."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from decide_runs import QUALITY_UNITS, RunSpec, make_rules, suite_of, synthetic_rows

from harness.decide.config import StepUpConfig
from harness.decide.decision import Decision
from harness.decide.rules import RULE_BUDGET, RULE_FLOOR, RULE_STEP_UP, RULE_TEMPLATE, decide, model_label
from harness.errors import InputError

NOISE = [0.05, -0.05, 0.04, -0.04, 0.06, -0.06, 0.05, -0.05, 0.03, -0.03]
RULES = make_rules()


def _decide(*specs: RunSpec, rules: Any = RULES) -> Decision:
    return decide(suite_of(*specs), rules)


def _held(decision: Decision, rule: str, subject: str) -> list[bool | None]:
    return [c.held for c in decision.checks if c.rule == rule and c.subject == subject]


def test_decide__keep_large() -> None:
    decision = _decide(RunSpec("template"), RunSpec("small", shift=0.5), RunSpec("large", shift=2.0))
    assert (decision.verdict, decision.chosen, decision.verdict_rank) == ("keep_large", "large", 2)
    assert all(_held(decision, RULE_TEMPLATE, "large - template"))
    assert all(_held(decision, RULE_STEP_UP, "large - small"))
    assert decision.headline.startswith("Verdict: keep the large model (tiny-qwen2-large (CPU stand-in for 7B))")


def test_decide__fall_back_small_when_large_within_noise() -> None:
    small_shift = [1.0 * s for s in (1.0, 0.8, 1.2, 0.9, 1.1, 1.0, 0.7, 1.3, 1.0, 0.95)]
    large_shift = [a + b for a, b in zip(small_shift, NOISE, strict=True)]
    decision = _decide(RunSpec("template"), RunSpec("small", shift=small_shift), RunSpec("large", shift=large_shift))
    assert (decision.verdict, decision.stepped_down) == ("fall_back_small", ("large",))
    assert decision.reason == "Large minus small is within noise on the quality metrics."
    assert not any(_held(decision, RULE_STEP_UP, "large - small"))
    [step] = decision.step_ups
    assert not step.beyond_noise and all(c.interval.covers_zero() for c in step.comparisons.values())


def test_decide__fall_back_small_when_large_over_budget() -> None:
    decision = _decide(
        RunSpec("template"), RunSpec("small", shift=0.5), RunSpec("large", shift=2.0, cost={"latency_s_per_summary": 30.0})
    )
    assert decision.verdict == "fall_back_small"
    assert decision.reason == "The large model is over the cost budget (latency_s_per_summary)."
    budget = {c.metric: c.held for c in decision.checks if c.rule == RULE_BUDGET}
    assert budget["latency_s_per_summary"] is False and budget["train_time_s"] is True
    assert {c.subject for c in decision.checks if c.rule == RULE_BUDGET} == {"large"}  # the cheapest rung is not


def test_decide__unmeasured_cost_is_not_measured_not_zero() -> None:
    no_gpu = suite_of(RunSpec("template"), RunSpec("large", shift=2.0))
    del no_gpu.by_role["large"].metrics["peak_gpu_mem_gb"]
    gpu = next(c for c in decide(no_gpu, RULES).checks if c.rule == RULE_BUDGET and c.metric == "peak_gpu_mem_gb")
    assert (gpu.value, gpu.held) == ("not measured", None)


def test_decide__large_over_budget_without_small_is_template_only() -> None:
    decision = _decide(RunSpec("template"), RunSpec("large", shift=2.0, cost={"peak_gpu_mem_gb": 80.0}))
    assert (decision.verdict, decision.chosen) == ("template_only", None)
    assert decision.reason == "The large model is over the cost budget (peak_gpu_mem_gb) and the small model did not run."


def test_decide__template_only_when_no_variant_clears_floor() -> None:
    decision = _decide(
        RunSpec("template"),
        RunSpec("small", shift=1.0, bad_rows={"json_valid": 3}),
        RunSpec("large", shift=2.0, bad_rows={"cjk_leak": 1}),
    )
    assert decision.verdict == "template_only"
    assert "No model variant clears the operational floor" in decision.reason
    failed = {(c.subject, c.metric) for c in decision.checks if c.rule == RULE_FLOOR and c.held is False}
    assert failed == {("small", "json_valid_rate"), ("large", "cjk_leak_rate")}


def test_decide__template_only_when_variant_clears_floor_but_does_not_beat_template() -> None:
    decision = _decide(RunSpec("template"), RunSpec("small", shift=NOISE), RunSpec("large", shift=[-x for x in NOISE]))
    assert decision.verdict == "template_only"
    assert all(c.floor_ok for c in decision.candidates.values())
    assert not any(c.beats_template for c in decision.candidates.values())
    assert decision.reason.startswith("No model variant that clears the floor beats the template clearly")


def test_decide__only_template_ran() -> None:
    decision = _decide(RunSpec("template"))
    assert decision.verdict == "template_only"
    assert decision.reason.startswith("Only the template ran")
    assert decision.candidates == {}


def test_decide__majority_of_categories_required() -> None:
    # Large wins big on 4 of 10 categories and loses slightly on 6: the mean is positive but not a majority.
    shift = [4.0, 4.0, 4.0, 4.0, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1]
    decision = _decide(RunSpec("template"), RunSpec("large", shift=shift))
    wins = [c for c in decision.checks if c.rule == RULE_TEMPLATE and "won" in c.value]
    assert wins and all(c.held is False for c in wins)
    assert decision.verdict == "template_only"


def test_decide__min_categories_comes_from_the_rules_given() -> None:
    specs = (RunSpec("template"), RunSpec("large", shift=2.0))
    assert _decide(*specs).verdict == "keep_large"
    strict = make_rules(quality={**RULES.quality.model_dump(), "min_categories": 12})
    assert _decide(*specs, rules=strict).verdict == "template_only"  # only 10 categories were scored


def test_decide__models_without_template_is_input_error() -> None:
    with pytest.raises(InputError, match="no FINISHED template run"):
        _decide(RunSpec("small", shift=1.0))


def test_decide__role_off_the_ladder_is_ignored_with_a_note() -> None:
    decision = _decide(RunSpec("template"), RunSpec("medium", shift=2.0), RunSpec("small", shift=0.5))
    assert decision.verdict == "fall_back_small" and "medium" not in decision.candidates
    assert any("(medium): not a candidate of the rules' ladder (small, large)" in n for n in decision.notes)


def test_decide__step_up_any_versus_all() -> None:
    # Large is clearly ahead of small on every quality metric but the last, where it is within noise.
    noisy = RULES.quality.metrics[-1]
    small_rows = synthetic_rows(RunSpec("small", shift=1.0))
    large_rows = synthetic_rows(RunSpec("large", shift=3.0))
    for big, little, noise in zip(large_rows, small_rows, NOISE, strict=True):
        big[noisy] = little[noisy] + noise * QUALITY_UNITS[noisy]
    specs = (RunSpec("template"), RunSpec("small", rows=small_rows), RunSpec("large", rows=large_rows))
    any_rule = RULES.model_copy(update={"step_up": StepUpConfig(require="any")})
    all_rule = RULES.model_copy(update={"step_up": StepUpConfig(require="all")})
    assert _decide(*specs, rules=any_rule).verdict == "keep_large"
    assert _decide(*specs, rules=all_rule).verdict == "fall_back_small"


def test_model_label__stand_in_named_once_with_its_target() -> None:
    run = SimpleNamespace(role="large", stand_in=True, model_name="tiny-qwen2-large (CPU stand-in)")
    assert model_label(run, RULES) == "tiny-qwen2-large (CPU stand-in for 7B)"  # type: ignore[arg-type]
    real = SimpleNamespace(role="large", stand_in=False, model_name="Qwen2.5-7B-Instruct + LoRA")
    assert model_label(real, RULES) == "Qwen2.5-7B-Instruct + LoRA"  # type: ignore[arg-type]


def test_rules_module__imports_no_mlflow() -> None:
    """The rules run on plain records: importing them must not pull in mlflow (seconds of import)."""
    import subprocess
    import sys

    code = "import sys, harness.decide.rules, harness.decide.report; print(sorted(m for m in sys.modules if m.split('.')[0] == 'mlflow'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_interval_text__identical_writers_read_as_no_difference() -> None:
    from harness.decide.bootstrap import paired_bootstrap
    from harness.decide.rules import _interval_text

    same = {"1": 0.5, "2": 0.7, "3": 0.9}
    text = _interval_text(paired_bootstrap(same, same, higher_is_better=True, resamples=200, seed=1))
    assert text == "no difference: the 3 categories tie"
    shifted = {k: v + 0.1 for k, v in same.items()}
    assert _interval_text(paired_bootstrap(shifted, same, higher_is_better=True, resamples=200, seed=1)).startswith(
        "mean +0.1, 3 categories"
    )
