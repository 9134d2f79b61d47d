"""``harness compare`` end to end: runs from MLflow -> rules -> guarded composition -> reports -> decision run.

The verdict is a :class:`harness.decide.decision.Decision`; the report's parts are the sections
of :mod:`harness.decide.report`.

Everything written is a function of the runs and the rules file (no timestamps, seeded
bootstrap, PNGs without version metadata), so comparing the same runs twice gives the same
verdict, the same numbers and the same files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.decide.config import DEFAULT_RULES, DecisionRules, load_rules
from harness.decide.decision import Decision
from harness.decide.guarded import GuardedResult, compose
from harness.decide.promote import Promotion, promote_decision
from harness.decide.records import SuiteRuns
from harness.decide.report import build_report, report_inputs
from harness.decide.report_html import render_html
from harness.decide.report_md import render_md
from harness.decide.rules import decide
from harness.decide.tables import ReportContent
from harness.errors import InputError
from harness.jsonl import write_jsonl
from harness.tracking import runs_query


@dataclass(frozen=True)
class CompareResult:
    """What one comparison produced."""

    decision: Decision
    guarded: dict[str, GuardedResult]
    files: list[Path]
    decision_run_id: str | None
    promotion: Promotion | None = None


def guarded_compositions(suite: SuiteRuns, decision: Decision, rules: DecisionRules) -> dict[str, GuardedResult]:
    """The guarded composition of every candidate that ran, in ladder order (failures become notes)."""
    out: dict[str, GuardedResult] = {}
    template = suite.by_role["template"]
    for role in decision.candidates:
        try:
            out[role] = compose(suite.by_role[role], template, rules.guarded)
        except InputError as exc:
            decision.notes.append(f"guarded composition of {role} not built: {exc}")
            continue
        decision.notes.extend(f"guarded {role}: {n}" for n in out[role].notes)
    return out


def decision_metrics(decision: Decision, numbers: dict[str, Any]) -> dict[str, float]:
    """Flat MLflow metrics of the decision run: the verdict's rung (0 = template-only), the guarded figures."""
    out: dict[str, float] = {"verdict_code": float(decision.verdict_rank)}
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
    promote: bool = False,
) -> CompareResult:
    """Reads the suite's runs, decides, writes the reports and logs the decision run.

    With ``promote``, every candidate is registered and the verdict becomes the ``champion``
    alias (:mod:`harness.decide.promote`) before the reports are written, so they name the
    versions and aliases; the models are logged into the decision run, which ``promote`` needs.
    """
    rules = load_rules(rules_path)
    if promote and not log_run:
        raise InputError("--promote", "needs the decision run (versions are logged into it); drop --no-log-run")
    if suite is None:
        suite = runs_query.latest_suite(tracking_uri)
        if suite is None:
            raise InputError("--suite", "no suite given and the tracking store holds no suite runs")
    suite_runs = runs_query.load_suite(suite, tracking_uri)
    decision = decide(suite_runs, rules)
    guarded = guarded_compositions(suite_runs, decision, rules)
    run_id = None
    if log_run:
        tags = {"verdict": decision.verdict, **{f"decided_from.{r}": i for r, i in decision.run_ids.items()}}
        experiment_id = suite_runs.by_role["template"].experiment_id
        run_id = runs_query.start_decision_run(suite, experiment_id, tags=tags, tracking_uri=tracking_uri)
    try:
        promotion = None
        if promote and run_id is not None:
            promotion = promote_decision(decision, suite_runs, guarded, rules, run_id, tracking_uri)
        inputs = report_inputs(decision, suite_runs, guarded, rules, promotion)
        content, numbers = build_report(inputs)
        files = write_reports(content, numbers, guarded, Path(out_dir))
        if run_id is not None:
            metrics = decision_metrics(decision, numbers)
            runs_query.finish_decision_run(run_id, metrics=metrics, artifacts=files, tracking_uri=tracking_uri)
    except BaseException:
        if run_id is not None:
            runs_query.fail_decision_run(run_id, tracking_uri)
        raise
    return CompareResult(decision, guarded, files, run_id, promotion)


def write_reports(
    content: ReportContent, numbers: dict[str, Any], guarded: dict[str, GuardedResult], out: Path
) -> list[Path]:
    """``decision.md``, ``.html``, ``.json``, the plots and each guarded composition's files; their paths."""
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
    return files
