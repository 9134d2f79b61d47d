"""The decision report's content, built as an ordered list of sections over one set of inputs.

A section is a function ``ReportInputs -> Section`` (tables, plots, and numbers for
``decision.json``); :data:`SECTIONS` lists them in report order, and the Markdown and HTML
renderers show whatever they return. A new part of the report (promotion, say) is one function
added to ``SECTIONS``; the quality, calibration and power section is one already.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.decide import plots, tables
from harness.decide.bootstrap import Interval
from harness.decide.config import DecisionRules
from harness.decide.decision import Decision
from harness.decide.guarded import GuardedResult
from harness.decide.metrics import known_metrics
from harness.decide.promote import Promotion, promotion_table
from harness.decide.records import SuiteRuns
from harness.decide.rules import variant_intervals
from harness.decide.tables import Plot, Table

COST_AXIS = "latency_s_per_summary"


@dataclass(frozen=True)
class ReportInputs:
    """Everything a section may read: the decision, its runs, the guarded compositions and the rules."""

    decision: Decision
    suite: SuiteRuns
    guarded: dict[str, GuardedResult]
    rules: DecisionRules
    metrics: list[str]
    intervals: dict[str, Mapping[str, Interval]]
    colors: dict[str, str]
    promotion: Promotion | None = None
    """What ``harness compare --promote`` registered, None without ``--promote``."""


@dataclass(frozen=True)
class Section:
    """Tables and plots a section adds, in order, and what it adds to ``decision.json``."""

    tables: list[Table] = field(default_factory=list)
    plots: list[Plot] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)


def shown_metrics(rules: DecisionRules) -> list[str]:
    """Metrics with per-row values that the report shows per variant: quality first, then the floor."""
    refs = known_metrics()
    return [m for m in dict.fromkeys([*rules.quality.metrics, *rules.floor]) if refs[m].row]


def metric_groups(rules: DecisionRules, metrics: list[str]) -> list[tuple[str, list[str]]]:
    """Panels of the metrics plot: the floor rates share a 0..1 scale; each quality metric gets its own."""
    floor = [m for m in metrics if m in rules.floor and m not in rules.quality.metrics]
    groups = [(m, [m]) for m in metrics if m in rules.quality.metrics]
    return [*groups, ("operational floor", floor)] if floor else groups


def report_inputs(
    decision: Decision, suite: SuiteRuns, guarded: dict[str, GuardedResult], rules: DecisionRules,
    promotion: Promotion | None = None,
) -> ReportInputs:
    metrics = shown_metrics(rules)
    refs = known_metrics()
    g_intervals = {
        role: variant_intervals(g.rows, [refs[m] for m in metrics], rules) for role, g in guarded.items()
    }
    intervals = tables.variants_intervals(decision, guarded, g_intervals)
    colors = plots.variant_colors(decision.ladder)
    return ReportInputs(decision, suite, guarded, rules, metrics, intervals, colors, promotion)


def verdict_section(inp: ReportInputs) -> Section:
    """What ran, the ladder, and every rule with its evidence."""
    d = inp.decision
    return Section([tables.what_ran(d, inp.suite), tables.ladder_table(d), tables.rules_at_a_glance(d),
                    *tables.rule_tables(d)])  # fmt: skip


def promotion_section(inp: ReportInputs) -> Section:
    """The registered versions and where ``champion`` and ``previous`` point now (``--promote``)."""
    if inp.promotion is None:
        return Section()
    return Section([promotion_table(inp.promotion)], numbers={"promotion": inp.promotion.to_dict()})


def quality_section(inp: ReportInputs) -> Section:
    """What the quality metrics reward, the calibration writers through these rules, and the set's power."""
    from harness.decide.calibration_tables import report_section

    return report_section(inp.decision, inp.rules, inp.decision.notes)


def metrics_section(inp: ReportInputs) -> Section:
    """Each shown metric per variant, and per category against the template."""
    out = [tables.metrics_table(inp.intervals, inp.metrics, inp.rules.bootstrap.confidence)]
    if inp.decision.candidates:
        out.append(tables.per_category_table(inp.decision))
    groups = metric_groups(inp.rules, inp.metrics)
    figures = [Plot("metrics", "Each metric per variant with its interval",
                           plots.metrics_per_variant(inp.intervals, groups, inp.colors))]  # fmt: skip
    comparisons = {role: c.versus_template for role, c in inp.decision.candidates.items()}
    if comparisons:
        figures.append(Plot("wins", "Per-category wins and losses against the template",
                                   plots.wins_losses(comparisons)))  # fmt: skip
    return Section(out, figures)


def guarded_section(inp: ReportInputs) -> Section:
    """What would ship: each candidate's output where it passes the guard, the template's otherwise."""
    if not inp.guarded:
        return Section()
    return Section([tables.guarded_table(inp.guarded, inp.decision, inp.metrics)])


def cost_section(inp: ReportInputs) -> Section:
    """Cost figures per variant and the quality-against-cost plot."""
    main_q = inp.rules.quality.metrics[0]
    cost = {role: agg.get(COST_AXIS) for role, agg in inp.decision.aggregates.items()}
    cost.update({f"{plots.GUARDED}{role}": g.aggregate.get(COST_AXIS) for role, g in inp.guarded.items()})
    quality = {v: iv[main_q] for v, iv in inp.intervals.items() if main_q in iv}
    figure = plots.quality_vs_cost(quality, cost, main_q, COST_AXIS, inp.colors)
    return Section([tables.cost_table(inp.decision)],
                   [Plot("cost", f"Quality against cost ({main_q} vs {COST_AXIS})", figure)])  # fmt: skip


SECTIONS: list[Callable[[ReportInputs], Section]] = [
    verdict_section,
    promotion_section,
    quality_section,
    metrics_section,
    guarded_section,
    cost_section,
]


def build_report(inp: ReportInputs) -> tuple[tables.ReportContent, dict[str, Any]]:
    """Every section's tables and plots in :data:`SECTIONS` order, and ``decision.json``'s numbers."""
    sections = [section(inp) for section in SECTIONS]
    d = inp.decision
    content = tables.ReportContent(
        d.suite,
        d.verdict,
        d.headline,
        [t for s in sections for t in s.tables],
        [p for s in sections for p in s.plots],
        list(d.notes),  # after the sections: they may add notes
        d.outcome,
    )
    numbers = decision_numbers(inp)
    for section in sections:
        numbers.update(section.numbers)
    return content, numbers


def decision_numbers(inp: ReportInputs) -> dict[str, Any]:
    """The machine-readable decision (``decision.json``)."""
    d = inp.decision
    return {
        "suite": d.suite,
        "verdict": d.verdict,
        "chosen": d.chosen,
        "ladder": d.ladder,
        "headline": d.headline,
        "runs": d.run_ids,
        "labels": d.labels,
        "checks": [c.to_dict() for c in d.checks],
        "versus_template": {
            r: {m: c.to_dict() for m, c in cand.versus_template.items()} for r, cand in d.candidates.items()
        },
        "step_ups": [s.to_dict() for s in d.step_ups],
        "stepped_down": list(d.stepped_down),
        "intervals": {v: {m: iv.to_dict() for m, iv in per.items()} for v, per in inp.intervals.items()},
        "aggregates": d.aggregates,
        "guarded": {
            r: {
                "fallbacks": g.fallbacks,
                "total": g.total,
                "fallback_rate": g.fallback_rate,
                "fallback_reasons": g.fallback_reasons,
                "rescored": g.rescored,
                "aggregate": g.aggregate,
            }
            for r, g in inp.guarded.items()
        },
        "notes": list(d.notes),
    }
