"""The report's quality, calibration and power sections: can the verdict say yes, and how surely?

A "template-only" verdict is evidence only if the same rules would keep a writer that deserves it.
These tables show the reader that they would (the calibration writers of known quality run through
the very rules of this report), what each quality metric rewards and cannot see (from the metric's
own docstring, so code and report cannot drift apart), and how large a difference the golden set
can detect at all.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.calibrate.check import PREDICTIONS_DIR, Calibration
from harness.decide.bootstrap import PairedComparison
from harness.decide.config import DecisionRules
from harness.decide.decision import Decision
from harness.decide.plots import wins_losses
from harness.decide.power import DEFAULT_POWER, estimate
from harness.decide.report import Section
from harness.decide.tables import HELD, Plot, Table
from harness.errors import InputError
from harness.repo import in_repo

_PARAGRAPHS = ("Rewards:", "Must not reward:", "Cannot see:")


def docstring_parts(func: object) -> dict[str, str]:
    """The first line and the Rewards / Must not reward / Cannot see paragraphs of a docstring."""
    doc = inspect.getdoc(func) or ""
    parts = {"summary": doc.split("\n", 1)[0].strip()}
    for block in re.split(r"\n\s*\n", doc):
        flat = " ".join(block.split())
        for label in _PARAGRAPHS:
            if flat.startswith(label):
                parts[label.rstrip(":")] = flat[len(label) :].strip()
    return parts


def quality_metrics_table(metrics: Sequence[str]) -> Table:
    """What each of the rules' quality metrics rewards, must not reward and cannot see."""
    from harness.evaluate import quality

    rows = []
    for name in metrics:
        func = getattr(quality, name, None)
        if func is None:
            rows.append([name, "(not one of the research log's quality metrics)", "", "", ""])
            continue
        parts = docstring_parts(func)
        rows.append(
            [name, parts["summary"], parts.get("Rewards", ""), parts.get("Must not reward", ""), parts.get("Cannot see", "")]
        )
    return Table(
        "Quality as the research log defines it",
        ["metric", "what", "rewards", "must not reward", "cannot see"],
        rows,
        "The research log keeps the larger model when its review-text insights and actionable implications (실행 시사점) are "
        "consistently more specific than template-only; these metrics measure that against each category's "
        "facts, never against a hand-written summary.",
    )


def difference_text(cmp: PairedComparison | None) -> str:
    """A writer-minus-template comparison in one cell: mean [interval] and categories won and lost."""
    if cmp is None:
        return "n/a"
    iv = cmp.interval
    if iv.n == 0:
        return "no paired category"
    if cmp.no_difference:
        return f"0: no category of {iv.n} differs"
    return f"{iv.mean:+.3g} [{iv.low:+.3g}, {iv.high:+.3g}] {cmp.wins}W {cmp.losses}L of {iv.n}"


def calibration_table(calibration: Calibration, rules: DecisionRules) -> Table:
    """Each calibration writer against the template under this report's rules."""
    pct = round(rules.bootstrap.confidence * 100)
    rows = []
    for name, result in calibration.results.items():
        comparisons = result.candidate.versus_template
        floor = HELD[result.candidate.floor_ok]
        rows.append(
            [
                name,
                result.writer.description,
                result.writer.expected,
                floor,
                *(difference_text(comparisons.get(m)) for m in rules.quality.metrics),
                "kept" if result.kept else "not kept",
                result.stopped_by,
            ]
        )
    return Table(
        "Calibration: writers of known quality through these rules",
        ["writer", "what it is", "must be", "floor", *(f"{m} (writer - template)" for m in rules.quality.metrics),
         "verdict", "why"],
        rows,
        f"Canned outputs (experiments/predictions/calibration/, `make calibration`) scored and decided exactly "
        f"like this suite's runs, each as the one candidate against the template; differences are means over "
        f"golden categories with the {pct}% paired bootstrap interval and categories won (W) and lost (L).",
    )


def statements_table(calibration: Calibration) -> Table:
    return Table(
        "Calibration statements",
        ["statement", "result"],
        [[s.text, HELD[s.held]] for s in calibration.statements],
        "The verdict is evidence only if all four hold: it can say yes to a writer that deserves it and no "
        "to the rest.",
    )


def power_rows(
    comparisons: Mapping[str, object], rules: DecisionRules, power: float = DEFAULT_POWER
) -> list[list[str]]:
    """Per quality metric: categories, sd of differences, observed mean, smallest detectable, categories needed."""
    rows = []
    for metric in rules.quality.metrics:
        cmp = comparisons.get(metric)
        if cmp is None:
            continue
        diffs = list(cmp.diffs.values())  # type: ignore[attr-defined]
        observed = sum(diffs) / len(diffs) if diffs else 0.0
        effects = [e for e in (observed, observed / 2) if e > 0]
        est = estimate(diffs, rules.bootstrap.confidence, power, effects)
        need = "; ".join(f"{e:.3g}: {n} categories" for e, n in est.needed.items() if n is not None)
        rows.append(
            [
                metric,
                str(est.n),
                "n/a" if est.sd is None else f"{est.sd:.3g}",
                f"{observed:+.3g}",
                "n/a" if est.mdd is None else f"{est.mdd:.3g}",
                need or "no positive difference to size for",
            ]
        )
    return rows


def power_table(
    decision: Decision, calibration: Calibration | None, rules: DecisionRules, power: float = DEFAULT_POWER
) -> Table:
    """Smallest detectable difference and categories needed, from the paired differences' spread."""
    confidence = rules.bootstrap.confidence
    sources: list[tuple[str, Mapping[str, object]]] = []
    if calibration is not None and "expert" in calibration.results:
        sources.append(("expert - template (calibration)", calibration.results["expert"].candidate.versus_template))
    for role, candidate in decision.candidates.items():
        sources.append((f"{decision.labels.get(role, role)} - template", candidate.versus_template))
    rows = [[label, *row] for label, comparisons in sources for row in power_rows(comparisons, rules, power)]
    return Table(
        "Power of the golden set",
        ["paired differences", "metric", "categories", "sd of differences", "observed mean",
         f"smallest detectable ({round(confidence * 100)}%, power {power:.0%})", "categories needed (effect: n)"],
        rows,
        "From the spread of per-category paired differences (normal approximation, harness.decide.power): the "
        "smallest mean difference this golden set detects with the given power, and how many golden categories "
        "the observed effect (and half of it) would need. Grow the set with `harness golden pick` and `make golden`.",
    )


_CALIBRATIONS: dict[tuple[str, ...], Calibration] = {}
"""The last calibration, by rules, golden set and predictions folder: it does not depend on the suite."""


def report_section(
    decision: Decision, rules: DecisionRules, notes: list[str], golden: str | Path = "golden",
    predictions: str | Path = PREDICTIONS_DIR,
) -> Section:  # fmt: skip
    """Everything the report says about quality, calibration and power; a missing calibration is a note."""
    from harness.calibrate.check import calibrate
    from harness.runner.golden import load_golden

    calibration: Calibration | None = None
    folder = in_repo(predictions)
    try:
        golden_set = load_golden(golden)
        key = (rules.model_dump_json(), str(golden_set.folder), golden_set.data_hash, str(folder.resolve()))
        if key not in _CALIBRATIONS:
            _CALIBRATIONS.clear()
            _CALIBRATIONS[key] = calibrate(golden_set, rules, folder)
        calibration = _CALIBRATIONS[key]
    except InputError as exc:
        notes.append(f"calibration not run: {exc}")
    table_list = [quality_metrics_table(rules.quality.metrics)]
    plot_list: list[Plot] = []
    numbers: dict[str, Any] = {}
    if calibration is not None:
        table_list += [calibration_table(calibration, rules), statements_table(calibration)]
        comparisons = {name: r.candidate.versus_template for name, r in calibration.results.items()}
        plot_list.append(
            Plot("calibration", "Calibration writers: per-category difference from the template", wins_losses(comparisons))
        )
        numbers["calibration"] = {
            "statements": {s.text: s.held for s in calibration.statements},
            "writers": {
                name: {"kept": r.kept, "why": r.stopped_by, **{m: c.to_dict() for m, c in comparisons[name].items()}}
                for name, r in calibration.results.items()
            },
        }
    power = power_table(decision, calibration, rules)
    table_list.append(power)
    numbers["power"] = [dict(zip(power.header, row, strict=True)) for row in power.rows]
    return Section(table_list, plot_list, numbers)
