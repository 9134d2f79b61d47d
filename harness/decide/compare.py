"""``harness compare`` end to end: runs from MLflow -> rules -> guarded composition -> reports -> decision run.

Everything written is a function of the runs and the rules file (no timestamps, seeded
bootstrap, PNGs without version metadata), so comparing the same runs twice gives the same
verdict, the same numbers and the same files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.decide import plots, tables
from harness.decide.calibration_tables import report_section
from harness.decide.config import DEFAULT_RULES, DecisionRules, load_rules
from harness.decide.guarded import GuardedResult, compose
from harness.decide.metrics import known_metrics
from harness.decide.report_html import render_html
from harness.decide.report_md import render_md
from harness.decide.rules import Decision, decide, variant_intervals
from harness.errors import InputError
from harness.jsonl import write_jsonl
from harness.tracking import runs_query

VERDICT_CODES = {"template_only": 0, "fall_back_small": 1, "keep_large": 2}


@dataclass(frozen=True)
class CompareResult:
    """What one comparison produced."""

    decision: Decision
    guarded: dict[str, GuardedResult]
    files: list[Path]
    decision_run_id: str | None


def shown_metrics(rules: DecisionRules) -> list[str]:
    """Metrics with per-row values that the report shows per variant: the floor, then quality."""
    refs = known_metrics()
    return [m for m in dict.fromkeys([*rules.quality.metrics, *rules.floor]) if refs[m].row]


def metric_groups(rules: DecisionRules, metrics: list[str]) -> list[tuple[str, list[str]]]:
    """Panels of the metrics plot: the floor rates share a 0..1 scale; each quality metric gets its own."""
    floor = [m for m in metrics if m in rules.floor and m not in rules.quality.metrics]
    groups = [(m, [m]) for m in metrics if m in rules.quality.metrics]
    return [*groups, ("operational floor", floor)] if floor else groups


def _guarded(suite: runs_query.SuiteRuns, rules: DecisionRules, notes: list[str]) -> dict[str, GuardedResult]:
    out: dict[str, GuardedResult] = {}
    template = suite.by_role["template"]
    for role in ("small", "large"):
        if role not in suite.by_role:
            continue
        try:
            out[role] = compose(suite.by_role[role], template, rules.guarded)
        except InputError as exc:
            notes.append(f"guarded composition of {role} not built: {exc}")
            continue
        notes += [f"guarded {role}: {n}" for n in out[role].notes]
    return out


def build_content(
    decision: Decision, suite: runs_query.SuiteRuns, guarded: dict[str, GuardedResult], rules: DecisionRules
) -> tuple[tables.ReportContent, dict[str, Any]]:
    """Tables, plots and the machine-readable numbers of one decision."""
    metrics = shown_metrics(rules)
    refs = known_metrics()
    g_intervals = {
        role: variant_intervals(g.rows, [refs[m] for m in metrics], rules) for role, g in guarded.items()
    }
    intervals = tables.variants_intervals(decision, guarded, g_intervals)
    main_q = rules.quality.metrics[0]
    cost_metric = "latency_s_per_summary"
    cost = {role: agg.get(cost_metric) for role, agg in decision.aggregates.items()}
    cost.update({f"guarded {role}": g.aggregate.get(cost_metric) for role, g in guarded.items()})
    comparisons = {role: c.versus_template for role, c in decision.candidates.items()}
    plot_list = [
        tables.Plot(
            "metrics",
            "Each metric per variant with its interval",
            plots.metrics_per_variant(intervals, metric_groups(rules, metrics)),
        ),
    ]
    if comparisons:
        plot_list.append(
            tables.Plot(
                "wins", "Per-category wins and losses against the template", plots.wins_losses(comparisons)
            )
        )
    plot_list.append(
        tables.Plot(
            "cost",
            f"Quality against cost ({main_q} vs {cost_metric})",
            plots.quality_vs_cost(
                {v: iv[main_q] for v, iv in intervals.items() if main_q in iv}, cost, main_q, cost_metric
            ),
        )
    )
    notes = list(decision.notes)
    section = report_section(decision, rules, notes)  # quality metrics, calibration, power (issue 16)
    table_list = [
        tables.what_ran(decision, suite),
        tables.rules_at_a_glance(decision),
        *tables.rule_tables(decision),
        *section.tables,
        tables.metrics_table(intervals, metrics, rules.bootstrap.confidence),
    ]
    if decision.candidates:
        table_list.append(tables.per_category_table(decision))
    if guarded:
        table_list.append(tables.guarded_table(guarded, decision, metrics))
    table_list.append(tables.cost_table(decision))
    plot_list += section.plots
    content = tables.ReportContent(decision.suite, decision.verdict, decision.headline, table_list, plot_list, notes)
    numbers = {
        "suite": decision.suite,
        "verdict": decision.verdict,
        "headline": decision.headline,
        "runs": decision.run_ids,
        "labels": decision.labels,
        "checks": [c.to_dict() for c in decision.checks],
        "versus_template": {
            r: {m: c.to_dict() for m, c in cand.versus_template.items()}
            for r, cand in decision.candidates.items()
        },
        "large_vs_small": {m: c.to_dict() for m, c in decision.large_vs_small.items()},
        "intervals": {v: {m: iv.to_dict() for m, iv in per.items()} for v, per in intervals.items()},
        "aggregates": decision.aggregates,
        "guarded": {
            r: {
                "fallbacks": g.fallbacks,
                "total": g.total,
                "fallback_rate": g.fallback_rate,
                "fallback_reasons": g.fallback_reasons,
                "rescored": g.rescored,
                "aggregate": g.aggregate,
            }
            for r, g in guarded.items()
        },
        "notes": notes,
        **section.numbers,
    }
    return content, numbers


def decision_metrics(numbers: dict[str, Any]) -> dict[str, float]:
    """Flat MLflow metrics of the decision run (the verdict as a code, the guarded figures)."""
    out: dict[str, float] = {"verdict_code": float(VERDICT_CODES[numbers["verdict"]])}
    for role, g in numbers["guarded"].items():
        out[f"guarded_{role}.fallback_rate"] = g["fallback_rate"]
        out.update({f"guarded_{role}.{k}": v for k, v in g["aggregate"].items()})
    for role, per in numbers["versus_template"].items():
        for metric, cmp in per.items():
            out.update(
                {
                    f"{role}_vs_template.{metric}.{k}": cmp[k]
                    for k in ("mean", "low", "high", "wins", "losses")
                    if cmp[k] == cmp[k]
                }
            )
    return out


def run_compare(
    suite: str | None = None,
    rules_path: str | Path = DEFAULT_RULES,
    out_dir: str | Path = "reports",
    *,
    tracking_uri: str | None = None,
    log_run: bool = True,
) -> CompareResult:
    """Reads the suite's runs, decides, writes the reports and logs the decision run."""
    rules = load_rules(rules_path)
    if suite is None:
        suite = runs_query.latest_suite(tracking_uri)
        if suite is None:
            raise InputError("--suite", "no suite given and the tracking store holds no suite runs")
    suite_runs = runs_query.load_suite(suite, tracking_uri)
    decision = decide(suite_runs, rules)
    guarded = _guarded(suite_runs, rules, decision.notes)
    content, numbers = build_content(decision, suite_runs, guarded, rules)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "decision.md", out / "decision.html", out / "decision.json"]
    files[0].write_text(render_md(content), encoding="utf-8")
    files[1].write_text(render_html(content), encoding="utf-8")
    files[2].write_text(
        json.dumps(numbers, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    for plot in content.plots:
        path = out / f"decision_{plot.name}.png"
        path.write_bytes(plot.png)
        files.append(path)
    for role, g in guarded.items():
        pred = out / f"guarded_{role}_predictions.jsonl"
        write_jsonl(pred, g.predictions)
        score = out / f"guarded_{role}_scores.json"
        score.write_text(
            json.dumps({"rows": g.rows, "aggregate": g.aggregate}, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        files += [pred, score]
    run_id = None
    if log_run:
        template = suite_runs.by_role["template"]
        tags = {"verdict": decision.verdict, **{f"decided_from.{r}": i for r, i in decision.run_ids.items()}}
        run_id = runs_query.log_decision_run(
            suite,
            template.experiment_id,
            tags=tags,
            metrics=decision_metrics(numbers),
            artifacts=files,
            tracking_uri=tracking_uri,
        )
    return CompareResult(decision, guarded, files, run_id)
