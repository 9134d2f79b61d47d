"""The rules engine: keep the large model, fall back to the small one, or ship the template.

It applies DESIGN.md's four decision rules to the latest finished run of each role, with every
threshold from :mod:`harness.decide.config`. Each rule produces :class:`Check` rows (the number,
the threshold, whether it held) so the report can show the evidence behind the verdict, not just
the verdict.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.decide.bootstrap import Interval, PairedComparison, bootstrap_mean, paired_bootstrap
from harness.decide.config import DecisionRules
from harness.decide.metrics import MetricRef, as_number, known_metrics, per_category
from harness.errors import InputError
from harness.tracking.runs_query import RecordedRun, SuiteRuns

Verdict = Literal["keep_large", "fall_back_small", "template_only"]

VERDICT_TITLES: dict[str, str] = {
    "keep_large": "keep the large model",
    "fall_back_small": "fall back to the small model",
    "template_only": "template-only",
}


@dataclass(frozen=True)
class Check:
    """One rule applied to one subject: the evidence and whether it held (None: not measured)."""

    rule: str
    subject: str
    metric: str
    value: str
    threshold: str
    held: bool | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Candidate:
    """A model variant's standing against the floor and the template."""

    role: str
    label: str
    run_id: str
    floor_ok: bool
    beats_template: bool
    versus_template: dict[str, PairedComparison]


@dataclass(frozen=True)
class Decision:
    """The verdict with everything the report shows."""

    suite: str
    verdict: Verdict
    reason: str
    labels: dict[str, str]
    run_ids: dict[str, str]
    checks: list[Check]
    candidates: dict[str, Candidate]
    large_vs_small: dict[str, PairedComparison]
    intervals: dict[str, dict[str, Interval]]
    aggregates: dict[str, dict[str, float]]
    notes: list[str] = field(default_factory=list)

    @property
    def headline(self) -> str:
        target = {"keep_large": "large", "fall_back_small": "small"}.get(self.verdict)
        who = f" ({self.labels[target]})" if target else ""
        return f"Verdict: {VERDICT_TITLES[self.verdict]}{who}. {self.reason}"


def model_label(run: RecordedRun, rules: DecisionRules) -> str:
    """How the report names what ran: a CPU stand-in is named as a stand-in, never as the model."""
    if run.role == "template":
        return "template (deterministic)"
    target = rules.roles.get(run.role, run.role)  # type: ignore[call-overload]
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
        checks.append(Check("1 floor", run.role, metric, _fmt(value), bound.text(), held))
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
                "2 beats template",
                f"{model.role} - template",
                metric,
                _interval_text(cmp),
                f"{pct}% interval above zero over >= {q.min_categories} categories",
                enough and cmp.interval.above_zero(),
            )
        )
        checks.append(
            Check(
                "2 beats template",
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
        checks.append(Check("3 cost budget", run.role, metric, text, bound.text(), held))
    return checks


def _large_vs_small(
    large: RecordedRun, small: RecordedRun, refs: Mapping[str, MetricRef], rules: DecisionRules
) -> tuple[list[Check], dict[str, PairedComparison], bool]:
    pct = round(rules.bootstrap.confidence * 100)
    comparisons = {m: _compare(large, small, refs[m], rules) for m in rules.quality.metrics}
    checks = [
        Check(
            "3 large vs small",
            "large - small",
            m,
            _interval_text(c),
            f"{pct}% interval above zero",
            c.interval.above_zero(),
        )
        for m, c in comparisons.items()
    ]
    above = [c.interval.above_zero() for c in comparisons.values()]
    below = any(c.interval.below_zero() for c in comparisons.values())
    need = all(above) if rules.large_over_small.require == "all" else any(above)
    return checks, comparisons, need and not below


def decide(suite: SuiteRuns, rules: DecisionRules) -> Decision:
    """Applies the rules to a suite's runs and returns the verdict with its evidence.

    Raises:
        InputError: model runs exist but no template run to compare them with.
    """
    refs = known_metrics()
    runs = suite.by_role
    template = runs.get("template")
    if template is None:
        raise InputError(f"suite {suite.suite!r}", "has no FINISHED template run to compare the models with")
    labels = {role: model_label(run, rules) for role, run in runs.items()}
    shown = [refs[m] for m in dict.fromkeys([*rules.floor, *rules.quality.metrics]) if refs[m].row]
    checks: list[Check] = []
    candidates: dict[str, Candidate] = {}
    for role in ("small", "large"):
        run = runs.get(role)
        if run is None:
            continue
        floor = _floor_checks(run, rules)
        quality, comparisons = _quality_checks(run, template, refs, rules)
        checks += floor + quality
        candidates[role] = Candidate(
            role,
            labels[role],
            run.run_id,
            all(c.held for c in floor),
            all(c.held for c in quality),
            comparisons,
        )
    budget: list[Check] = _budget_checks(runs["large"], rules) if "large" in runs else []
    checks += budget
    lvs: dict[str, PairedComparison] = {}
    large_better = True
    if "large" in runs and "small" in runs:
        lvs_checks, lvs, large_better = _large_vs_small(runs["large"], runs["small"], refs, rules)
        checks += lvs_checks
    verdict, reason = _verdict(candidates, budget, large_better)
    notes = [f"ignored run {s.run_id} ({s.role}): {s.reason}" for s in suite.skipped]
    return Decision(
        suite=suite.suite,
        verdict=verdict,
        reason=reason,
        labels=labels,
        run_ids={role: run.run_id for role, run in runs.items()},
        checks=checks,
        candidates=candidates,
        large_vs_small=lvs,
        intervals={role: variant_intervals(run.rows, shown, rules) for role, run in runs.items()},
        aggregates={
            role: {m: v for m in sorted(refs) if (v := aggregate_value(run, m)) is not None}
            for role, run in runs.items()
        },
        notes=notes,
    )


def _why_not(candidate: Candidate | None, role: str) -> str:
    if candidate is None:
        return f"the {role} model did not run"
    if not candidate.floor_ok:
        return f"the {role} model misses the operational floor"
    return f"the {role} model does not beat the template clearly"


def _verdict(
    candidates: Mapping[str, Candidate], budget: Sequence[Check], large_better: bool
) -> tuple[Verdict, str]:
    if not candidates:
        return "template_only", "Only the template ran; there is no model evidence."
    ok = {role: c.floor_ok and c.beats_template for role, c in candidates.items()}
    large, small = candidates.get("large"), candidates.get("small")
    if ok.get("large"):
        over = [c.metric for c in budget if c.held is False]
        if over:
            if ok.get("small"):
                return "fall_back_small", f"The large model is over the cost budget ({', '.join(over)})."
            return "template_only", (
                f"The large model is over the cost budget ({', '.join(over)}) and {_why_not(small, 'small')}."
            )
        if ok.get("small") and not large_better:
            return "fall_back_small", "Large minus small is within noise on the quality metrics."
        return "keep_large", "The large model clears the floor and beats the template on every quality rule."
    if ok.get("small"):
        return (
            "fall_back_small",
            f"The small model clears the floor and beats the template; {_why_not(large, 'large')}.",
        )
    if not any(c.floor_ok for c in candidates.values()):
        return (
            "template_only",
            "No model variant clears the operational floor; model output stays research-only.",
        )
    return (
        "template_only",
        "No model variant that clears the floor beats the template clearly; model output stays research-only.",
    )
