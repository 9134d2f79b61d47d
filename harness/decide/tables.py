"""The report's tables, built once so the Markdown and HTML reports can never disagree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harness.decide.bootstrap import Interval
from harness.decide.guarded import GuardedResult
from harness.decide.metrics import cost_names, known_metrics
from harness.decide.rules import Check, Decision
from harness.tracking.runs_query import SuiteRuns

HELD = {True: "holds", False: "FAILS", None: "not measured"}
RULE_TITLES = {
    "1 floor": "Rule 1: operational floor (every model variant)",
    "2 beats template": "Rule 2: beats template-only per category",
    "3 cost budget": "Rule 3: cost of the large model against the budget",
    "3 large vs small": "Rule 3: large minus small beyond noise",
}


@dataclass(frozen=True)
class Table:
    """A titled table of strings."""

    title: str
    header: list[str]
    rows: list[list[str]]
    intro: str = ""


def interval_text(iv: Interval | None) -> str:
    if iv is None or iv.n == 0:
        return "n/a"
    return f"{iv.mean:.4g} [{iv.low:.4g}, {iv.high:.4g}]"


def variants_intervals(
    decision: Decision, guarded: Mapping[str, GuardedResult], extra: Mapping[str, Mapping[str, Interval]]
) -> dict[str, Mapping[str, Interval]]:
    """Intervals per variant name in report order (template, small, large, guarded ...)."""
    out: dict[str, Mapping[str, Interval]] = dict(decision.intervals)
    for role in guarded:
        out[f"guarded {role}"] = extra[role]
    return out


def what_ran(decision: Decision, suite: SuiteRuns) -> Table:
    rows = []
    for role, run in suite.by_role.items():
        rows.append(
            [
                role,
                decision.labels[role],
                "yes" if run.stand_in else "no",
                run.tags.get("hardware", "?"),
                run.run_id,
            ]
        )
    return Table(
        "What actually ran",
        ["role", "model", "CPU stand-in", "hardware", "MLflow run"],
        rows,
        "The latest FINISHED run of each role in the suite, by start time.",
    )


def rules_at_a_glance(decision: Decision) -> Table:
    """One line per rule and subject: held, or which metrics failed."""
    groups: dict[tuple[str, str], list[Check]] = {}
    for check in decision.checks:
        groups.setdefault((check.rule, check.subject), []).append(check)
    rows = []
    for (rule, subject), checks in groups.items():
        failed = sorted({c.metric for c in checks if c.held is False})
        unmeasured = sorted({c.metric for c in checks if c.held is None})
        result = f"FAILS ({', '.join(failed)})" if failed else "holds"
        if unmeasured:
            result += f"; not measured: {', '.join(unmeasured)}"
        rows.append([RULE_TITLES.get(rule, rule), subject, result])
    return Table(
        "Rules at a glance", ["rule", "subject", "result"], rows, "Details with every number follow below."
    )


def rule_tables(decision: Decision) -> list[Table]:
    tables = []
    for rule, title in RULE_TITLES.items():
        rows = [
            [c.subject, c.metric, c.value, c.threshold, HELD[c.held]]
            for c in decision.checks
            if c.rule == rule
        ]
        if rows:
            tables.append(Table(title, ["subject", "metric", "value", "threshold", "result"], rows))
    return tables


def metrics_table(
    intervals: Mapping[str, Mapping[str, Interval]], metrics: list[str], confidence: float
) -> Table:
    variants = list(intervals)
    refs = known_metrics()
    rows = [
        [m, *(interval_text(intervals[v].get(m)) for v in variants), refs[m].description if m in refs else ""]
        for m in metrics
    ]
    return Table(
        "Metrics per variant",
        ["metric", *variants, "meaning"],
        rows,
        f"Mean over golden categories with its {round(confidence * 100)}% bootstrap interval.",
    )


def per_category_table(decision: Decision) -> Table:
    header = ["category"]
    columns = []
    for role, cand in decision.candidates.items():
        for metric, cmp in cand.versus_template.items():
            header.append(f"{role} - template: {metric}")
            columns.append(cmp.diffs)
    keys = list(dict.fromkeys(k for col in columns for k in col))
    rows = []
    for key in keys:
        cells = []
        for col in columns:
            d = col.get(key)
            cells.append("-" if d is None else f"{d:+.4g} ({'win' if d > 0 else 'loss' if d < 0 else 'tie'})")
        rows.append([key, *cells])
    return Table(
        "Per-category results against the template",
        header,
        rows,
        "Differences are signed so that positive favours the model.",
    )


def guarded_table(guarded: Mapping[str, GuardedResult], decision: Decision, metrics: list[str]) -> Table:
    rows = []
    for role, g in guarded.items():
        reasons = ", ".join(f"{k} x{v}" for k, v in g.fallback_reasons.items()) or "none"
        values = [f"{g.aggregate[m]:.4g}" if m in g.aggregate else "n/a" for m in metrics]
        rows.append(
            [
                f"guarded {role}",
                f"{g.fallbacks}/{g.total}",
                f"{g.fallback_rate:.1%}",
                reasons,
                "yes" if g.rescored else "no",
                *values,
            ]
        )
    return Table(
        "Guarded composition (what would ship)",
        ["variant", "template fallbacks", "fallback rate", "failed checks", "re-scored", *metrics],
        rows,
        "Per output: the model text where it passes the guard checks, the template text otherwise.",
    )


def cost_table(decision: Decision) -> Table:
    names = cost_names()
    rows = []
    for role, agg in decision.aggregates.items():
        rows.append([role, *(f"{agg[m]:.4g}" if m in agg else "not measured" for m in names)])
    refs = known_metrics()
    meaning = "; ".join(f"{m}: {refs[m].description}" for m in names)
    return Table("Cost", ["variant", *names], rows, f"A figure a run did not measure reads 'not measured'. {meaning}.")


@dataclass(frozen=True)
class Plot:
    """One embedded figure: a file stem, a caption and PNG bytes."""

    name: str
    title: str
    png: bytes


@dataclass(frozen=True)
class ReportContent:
    """Everything both report formats show, in order."""

    suite: str
    verdict: str
    headline: str
    tables: list[Table]
    plots: list[Plot]
    notes: list[str]
