"""The report's tables, built once so the Markdown and HTML reports can never disagree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harness.decide.bootstrap import Interval
from harness.decide.decision import Check, Decision
from harness.decide.guarded import GuardedResult
from harness.decide.metrics import cost_names, known_metrics
from harness.decide.records import SuiteRuns
from harness.decide.rules import RULE_BUDGET, RULE_FLOOR, RULE_STEP_UP, RULE_TEMPLATE

HELD = {True: "holds", False: "FAILS", None: "not measured"}
RULE_TITLES = {
    RULE_FLOOR: "Rule 1: operational floor (every candidate)",
    RULE_TEMPLATE: "Rule 2: beats template-only per category",
    RULE_BUDGET: "Rule 3: cost of each candidate above the cheapest against the budget",
    RULE_STEP_UP: "Rule 3: each candidate's gain over the next cheaper one beyond noise",
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
    """Intervals per variant name in report order (template, the ladder cheapest first, guarded ...)."""
    out: dict[str, Mapping[str, Interval]] = dict(decision.intervals)
    for role in guarded:
        out[f"guarded {role}"] = extra[role]
    return out


def what_ran(decision: Decision, suite: SuiteRuns) -> Table:
    rows = []
    for role in decision.run_ids:
        run = suite.by_role[role]
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


def ladder_table(decision: Decision) -> Table:
    """One line per rung, cheapest first: did it run, qualify, fit the budget, and what became of it."""
    over = {c.subject for c in decision.checks if c.rule == RULE_BUDGET and c.held is False}
    gains = {s.upper: s for s in decision.step_ups}
    rows = []
    for role in decision.ladder:
        cand = decision.candidates.get(role)
        if cand is None:
            rows.append([role, "no", "-", "-", "-", "-", "did not run"])
            continue
        step = gains.get(role)
        gain = "-" if step is None else f"{'beyond noise' if step.beyond_noise else 'within noise'} over {step.lower}"
        budget = "over" if role in over else ("fits" if role != decision.ladder[0] else "not checked (cheapest)")
        if role == decision.chosen:
            outcome = "CHOSEN"
        elif role in decision.stepped_down:
            outcome = "stepped down from"
        else:
            outcome = "qualifies" if cand.floor_ok and cand.beats_template else "does not qualify"
        floor = "holds" if cand.floor_ok else "FAILS"
        beats = "holds" if cand.beats_template else "FAILS"
        rows.append([role, "yes", floor, beats, budget, gain, outcome])
    return Table(
        "The ladder (cheapest first)",
        ["candidate", "ran", "floor", "beats template", "budget", "gain over cheaper", "outcome"],
        rows,
        "From the costliest qualifying candidate down: kept while it fits the budget and its gain over the next "
        "cheaper qualifying one is beyond noise; template-only when none qualifies.",
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
    meaning = " ".join(f"{m}: {refs[m].description}" for m in names)
    return Table("Cost", ["variant", *names], rows, f"A figure a run did not measure reads 'not measured'. {meaning}")


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
    outcome: str = ""
    """``keep``, ``fall_back`` or ``template_only``: the verdict box's colour."""
