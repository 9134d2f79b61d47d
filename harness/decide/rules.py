"""The rules engine: applies the rules file to a suite's runs and walks the ladder of candidates.

Each rule produces :class:`Check` rows (the number, the threshold, whether it held) so the report
can show the evidence behind the verdict, not just the verdict: the floor and "beats the template"
for every candidate that ran (rules 1 and 2), the budget for every candidate above the cheapest
rung and each candidate's gain over the next cheaper one (rule 3). :mod:`harness.decide.ladder`
then chooses. Runs are plain records (:mod:`harness.decide.records`); nothing here touches MLflow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from harness.decide.bootstrap import Interval, PairedComparison, bootstrap_mean, paired_bootstrap
from harness.decide.config import DecisionRules
from harness.decide.decision import Candidate, Check, Decision, StepUp, verdict_code
from harness.decide.ladder import Rung, choose
from harness.decide.metrics import MetricRef, as_number, known_metrics, per_category
from harness.decide.records import TEMPLATE_ROLE, RecordedRun, SuiteRuns
from harness.errors import InputError

RULE_FLOOR, RULE_TEMPLATE, RULE_BUDGET, RULE_STEP_UP = "1 floor", "2 beats template", "3 cost budget", "3 step-up gain"


def model_label(run: RecordedRun, rules: DecisionRules) -> str:
    """How the report names what ran: a CPU stand-in is named as a stand-in, never as the model."""
    if run.role == TEMPLATE_ROLE:
        return "template (deterministic)"
    target = rules.stands_for(run.role)
    if run.stand_in:
        # Display names often say "(CPU stand-in)" already; name the stand-in once, with its target.
        name = re.sub(r"\s*\((?:CPU )?stand-in\)\s*$", "", run.model_name, flags=re.IGNORECASE)
        return f"{name} (CPU stand-in for {target})"
    return run.model_name


def aggregate_value(run: RecordedRun, metric: str) -> float | None:
    """The run's aggregate metric as logged to MLflow, else as written in scores.json."""
    value = run.metrics.get(metric)
    if value is None:
        value = as_number(run.scores.get("aggregate", {}).get(metric))
    return None if value is None or math.isnan(value) else float(value)


def variant_intervals(
    rows: Sequence[Mapping[str, Any]], metrics: Sequence[MetricRef], rules: DecisionRules
) -> dict[str, Interval]:
    """Each per-row metric's mean over categories with its bootstrap interval."""
    boot = rules.bootstrap
    return {
        ref.name: bootstrap_mean(
            list(per_category(rows, ref.row).values()), boot.resamples, boot.seed, boot.confidence
        )
        for ref in metrics
        if ref.row
    }


def _fmt(value: float | None) -> str:
    return "not recorded" if value is None else f"{value:.4g}"


def _floor_checks(run: RecordedRun, rules: DecisionRules) -> list[Check]:
    checks = []
    for metric, bound in rules.floor.items():
        value = aggregate_value(run, metric)
        held = value is not None and bound.holds(value)
        checks.append(Check(RULE_FLOOR, run.role, metric, _fmt(value), bound.text(), held))
    return checks


def _compare(a: RecordedRun, b: RecordedRun, ref: MetricRef, rules: DecisionRules) -> PairedComparison:
    assert ref.row is not None
    boot = rules.bootstrap
    return paired_bootstrap(
        per_category(a.rows, ref.row),
        per_category(b.rows, ref.row),
        higher_is_better=ref.higher_is_better,
        resamples=boot.resamples,
        seed=boot.seed,
        confidence=boot.confidence,
        tie_tolerance=rules.quality.tie_tolerance,
    )


def _interval_text(cmp: PairedComparison) -> str:
    iv = cmp.interval
    unpaired = (
        f" ({cmp.only_a} + {cmp.only_b} categories scored on one side only)"
        if cmp.only_a or cmp.only_b
        else ""
    )
    if iv.n == 0:
        return f"no category scored on both sides{unpaired or ' (null in every row: not recorded)'}"
    if cmp.no_difference:
        return f"no difference: the {iv.n} categories tie{unpaired}"
    return f"mean {iv.mean:+.4g}, {iv.n} categories, interval [{iv.low:+.4g}, {iv.high:+.4g}]{unpaired}"


def _quality_checks(
    model: RecordedRun, template: RecordedRun, refs: Mapping[str, MetricRef], rules: DecisionRules
) -> tuple[list[Check], dict[str, PairedComparison]]:
    q = rules.quality
    pct = round(rules.bootstrap.confidence * 100)
    checks: list[Check] = []
    comparisons: dict[str, PairedComparison] = {}
    for metric in q.metrics:
        cmp = _compare(model, template, refs[metric], rules)
        comparisons[metric] = cmp
        n = cmp.interval.n
        enough = n >= q.min_categories
        checks.append(
            Check(
                RULE_TEMPLATE,
                f"{model.role} - template",
                metric,
                _interval_text(cmp),
                f"{pct}% interval above zero over >= {q.min_categories} categories",
                enough and cmp.interval.above_zero(),
            )
        )
        checks.append(
            Check(
                RULE_TEMPLATE,
                f"{model.role} - template",
                metric,
                f"{cmp.wins} won, {cmp.losses} lost, {cmp.ties} tied of {n}",
                f"wins > {q.win_share:g} of categories",
                enough and cmp.wins > q.win_share * n,
            )
        )
    return checks, comparisons


def _budget_checks(run: RecordedRun, rules: DecisionRules) -> list[Check]:
    checks = []
    for metric, bound in rules.budget.items():
        value = aggregate_value(run, metric)
        held = None if value is None else bound.holds(value)
        text = "not measured" if value is None else f"{value:.4g}"
        checks.append(Check(RULE_BUDGET, run.role, metric, text, bound.text(), held))
    return checks


def _step_up(
    upper: RecordedRun, lower: RecordedRun, refs: Mapping[str, MetricRef], rules: DecisionRules
) -> tuple[list[Check], StepUp]:
    pct = round(rules.bootstrap.confidence * 100)
    comparisons = {m: _compare(upper, lower, refs[m], rules) for m in rules.quality.metrics}
    subject = f"{upper.role} - {lower.role}"
    checks = [
        Check(RULE_STEP_UP, subject, m, _interval_text(c), f"{pct}% interval above zero", c.interval.above_zero())
        for m, c in comparisons.items()
    ]
    above = [c.interval.above_zero() for c in comparisons.values()]
    below = any(c.interval.below_zero() for c in comparisons.values())
    need = all(above) if rules.step_up.require == "all" else any(above)
    return checks, StepUp(upper.role, lower.role, comparisons, need and not below)


def _step_ups(
    runs: Mapping[str, RecordedRun], candidates: Mapping[str, Candidate], refs: Mapping[str, MetricRef],
    rules: DecisionRules,
) -> tuple[list[Check], dict[tuple[str, str], StepUp]]:
    """Each candidate that ran against the next cheaper qualifying one (else the next cheaper that ran)."""
    checks: list[Check] = []
    out: dict[tuple[str, str], StepUp] = {}
    ran = list(runs)  # ladder order, cheapest first
    for i, role in enumerate(ran[1:], start=1):
        cheaper = ran[:i]
        qualifying = [r for r in cheaper if candidates[r].floor_ok and candidates[r].beats_template]
        lower = (qualifying or cheaper)[-1]
        more, step = _step_up(runs[role], runs[lower], refs, rules)
        checks += more
        out[(role, lower)] = step
    return checks, out


def decide(suite: SuiteRuns, rules: DecisionRules) -> Decision:
    """Applies the rules to a suite's runs and returns the verdict with its evidence.

    Raises:
        InputError: model runs exist but no template run to compare them with.
    """
    refs = known_metrics()
    template = suite.by_role.get(TEMPLATE_ROLE)
    if template is None:
        raise InputError(f"suite {suite.suite!r}", "has no FINISHED template run to compare the models with")
    runs = {role: suite.by_role[role] for role in rules.ladder if role in suite.by_role}
    shown_runs = {TEMPLATE_ROLE: template, **runs}
    labels = {role: model_label(run, rules) for role, run in shown_runs.items()}
    shown = [refs[m] for m in dict.fromkeys([*rules.floor, *rules.quality.metrics]) if refs[m].row]
    checks: list[Check] = []
    candidates: dict[str, Candidate] = {}
    for role, run in runs.items():
        floor = _floor_checks(run, rules)
        quality, comparisons = _quality_checks(run, template, refs, rules)
        checks += floor + quality
        held = (all(c.held for c in floor), all(c.held for c in quality))
        candidates[role] = Candidate(role, labels[role], run.run_id, *held, comparisons)
    over: dict[str, tuple[str, ...]] = {}
    for role, run in runs.items():
        if role != rules.ladder[0]:  # the cheapest rung is what the budget steps down to
            budget = _budget_checks(run, rules)
            checks += budget
            over[role] = tuple(c.metric for c in budget if c.held is False)
    step_checks, step_ups = _step_ups(runs, candidates, refs, rules)
    checks += step_checks
    rungs = [_rung(role, candidates.get(role), over.get(role, ())) for role in rules.ladder]
    choice = choose(rungs, lambda upper, lower: step_ups[(upper, lower)].beyond_noise)
    notes = [f"ignored run {s.run_id} ({s.role}): {s.reason}" for s in suite.skipped]
    notes += [
        f"ignored run {run.run_id} ({role}): not a candidate of the rules' ladder ({', '.join(rules.ladder)})"
        for role, run in suite.by_role.items()
        if role not in shown_runs
    ]
    return Decision(
        suite=suite.suite,
        verdict=verdict_code(choice.role, rules.ladder),
        chosen=choice.role,
        reason=choice.reason,
        ladder=rules.ladder,
        labels=labels,
        run_ids={role: run.run_id for role, run in shown_runs.items()},
        checks=checks,
        candidates=candidates,
        step_ups=list(step_ups.values()),
        intervals={role: variant_intervals(run.rows, shown, rules) for role, run in shown_runs.items()},
        aggregates={
            role: {m: v for m in sorted(refs) if (v := aggregate_value(run, m)) is not None}
            for role, run in shown_runs.items()
        },
        stepped_down=choice.stepped_down,
        notes=notes,
    )


def _rung(role: str, candidate: Candidate | None, over_budget: tuple[str, ...]) -> Rung:
    if candidate is None:
        return Rung(role, ran=False)
    return Rung(role, True, candidate.floor_ok, candidate.beats_template, over_budget)
