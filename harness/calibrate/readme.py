"""The README's calibration and power figures, generated from the calibration run so they cannot go stale.

The figures move whenever a metric, the scorer or the golden set changes (numeric fidelity's reading
rules moved ``economy`` twice in one day), and hand-copied numbers drifted each time.
``python -m harness.calibrate.readme README.md`` (part of ``make readme``) rewrites the two blocks
between their markers from the shipped rules (``experiments/decision_rules.yaml``); ``--check``
only says whether they are current (a test runs that check).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.calibrate.check import PREDICTIONS_DIR, Calibration, WriterResult, calibrate
from harness.decide.calibration_tables import difference_text, power_rows
from harness.decide.config import DecisionRules, load_rules
from harness.markdown_block import replace_block, rewrite_cli

RULES_FILE = Path("experiments/decision_rules.yaml")
GENERATOR = "generated from the calibration writers by `make readme`"
CALIBRATION_BLOCK = "calibration-figures"
POWER_BLOCK = "power-figures"
_DESCRIPTIVE = ("numeric_fidelity", "insight_specificity")


def _mean(aggregate: Mapping[str, Any], metric: str) -> str:
    value = aggregate.get(metric)
    if not isinstance(value, int | float):
        return "n/a"
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"


def _verdict(result: WriterResult) -> str:
    return "**kept**" if result.kept else f"not kept ({result.stopped_by})"


def calibration_block(calibration: Calibration, rules: DecisionRules) -> str:
    """Each writer's means, floor and verdict; then every writer's differences from the template."""
    metrics = list(rules.quality.metrics)
    shown = [*metrics, *(m for m in _DESCRIPTIVE if m not in metrics)]
    lines = [
        f"| writer | what it is | must be | {' | '.join(f'`{m}`' for m in shown)} | floor | verdict |",
        "|---" * (len(shown) + 5) + "|",
    ]
    for name, r in calibration.results.items():
        floor = "holds" if r.candidate.floor_ok else "misses"
        cells = [name, r.writer.description, r.writer.expected, *(_mean(r.aggregate, m) for m in shown), floor]
        lines.append("| " + " | ".join([*cells, _verdict(r)]) + " |")
    pct = round(rules.bootstrap.confidence * 100)
    lines += [
        "",
        f"Writer minus template per golden category: mean [{pct}% paired bootstrap interval], categories won (W)"
        " and lost (L):",
        "",
        f"| writer | {' | '.join(f'`{m}`' for m in metrics)} |",
        "|---" * (len(metrics) + 1) + "|",
    ]
    for name, r in calibration.results.items():
        diffs = [difference_text(r.candidate.versus_template.get(m)) for m in metrics]
        lines.append("| " + " | ".join([name, *diffs]) + " |")
    held = sum(s.held for s in calibration.statements)
    lines += ["", f"Statements holding: {held} of {len(calibration.statements)}:"]
    lines += [f"- {'holds' if s.held else 'FAILS'}: {s.text}" for s in calibration.statements]
    return "\n".join(lines)


def power_block(calibration: Calibration, rules: DecisionRules) -> str:
    """The expert's paired differences: the smallest difference the set detects, the categories needed."""
    rows = power_rows(calibration.results["expert"].candidate.versus_template, rules)
    header = "| metric | categories | sd of differences | the expert's mean difference | smallest detectable |"
    lines = [header + " categories needed (effect: n) |", "|---" * 6 + "|"]
    lines += ["| " + " | ".join([f"`{metric}`", *cells]) + " |" for metric, *cells in rows]
    short = [f"`{metric}` ({observed} against {mdd})" for metric, _n, _sd, observed, mdd, _need in rows
             if _below(observed, mdd)]
    if short:
        lines += ["", "Below what the set detects reliably (80% power): the expert's " + ", ".join(short) + "."]
    return "\n".join(lines)


def _below(observed: str, mdd: str) -> bool:
    try:
        return float(observed) < float(mdd)
    except ValueError:
        return False


def render(text: str, where: str, calibration: Calibration, rules: DecisionRules) -> str:
    """``text`` with both blocks replaced by the current figures."""
    text = replace_block(text, CALIBRATION_BLOCK, GENERATOR, calibration_block(calibration, rules), where)
    return replace_block(text, POWER_BLOCK, GENERATOR, power_block(calibration, rules), where)


def shipped_calibration(root: Path = Path()) -> tuple[Calibration, DecisionRules]:
    """The calibration writers through the shipped rules on the shipped golden set."""
    from harness.runner.golden import load_golden

    rules = load_rules(root / RULES_FILE)
    return calibrate(load_golden(root / "golden"), rules, root / PREDICTIONS_DIR), rules


def main(argv: list[str]) -> int:
    """Rewrites the README's calibration and power figures (``--check``: exit 1 when stale)."""

    def update(text: str, path: Path) -> str:
        calibration, rules = shipped_calibration(path.resolve().parent)
        return render(text, str(path), calibration, rules)

    return rewrite_cli(argv, update, "calibration figures")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
