"""Runs the calibration writers through the real decision rules and states whether the rules hold.

Each writer's canned outputs (``experiments/predictions/calibration/<name>.jsonl``) are scored
exactly like a run (the same scorer, golden facts and references) and decided exactly like a run
(``harness.decide.rules.decide`` with the rules file), as the one candidate against the template.
No model, no MLflow: the records are built in memory, so this is cheap enough for CI.

The rules are evidence only if all four statements hold: the template as a model is not kept; the
expert summaries are kept; the fact-stuffer is not kept (so it cannot beat the expert); each
degraded writer loses to the template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.calibrate.writers import WRITERS, CalibrationWriter
from harness.decide.config import DecisionRules
from harness.decide.decision import Decision
from harness.decide.records import RecordedRun, SuiteRuns
from harness.decide.rules import decide
from harness.errors import InputError
from harness.jsonl import read_jsonl
from harness.runner.golden import GoldenSet

PREDICTIONS_DIR = Path("experiments/predictions/calibration")


@dataclass(frozen=True)
class WriterResult:
    """One writer scored and decided against the template."""

    writer: CalibrationWriter
    aggregate: dict[str, Any]
    rows: list[dict[str, Any]]
    decision: Decision

    @property
    def candidate(self) -> Any:
        return self.decision.candidates[self.decision.ladder[-1]]

    @property
    def kept(self) -> bool:
        """The rules would keep this writer over the template (floor cleared, template beaten)."""
        return self.candidate.floor_ok and self.candidate.beats_template

    @property
    def stopped_by(self) -> str:
        """Which rule stopped it: the floor metrics it missed, or the quality metrics it did not win."""
        if self.kept:
            return "kept"
        missed = [c.metric for c in self.decision.checks if c.rule.startswith("1") and c.held is False]
        if missed:
            return "floor: " + ", ".join(dict.fromkeys(missed))
        lost = [c.metric for c in self.decision.checks if c.rule.startswith("2") and not c.held]
        return "does not beat the template on " + ", ".join(dict.fromkeys(lost))


@dataclass(frozen=True)
class Statement:
    """One calibration statement and whether the rules made it true."""

    text: str
    held: bool


@dataclass(frozen=True)
class Calibration:
    results: dict[str, WriterResult]
    statements: list[Statement]

    @property
    def ok(self) -> bool:
        return all(s.held for s in self.statements)


def predictions_path(name: str, folder: Path = PREDICTIONS_DIR) -> Path:
    return folder / f"{name}.jsonl"


def _record(role: str, name: str, aggregate: Mapping[str, Any], rows: list[dict[str, Any]]) -> Any:
    metrics = {k: float(v) for k, v in aggregate.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    return RecordedRun(
        run_id=f"calibration:{name}",
        experiment_id="calibration",
        role=role,
        start_time=0,
        tags={"model_name": f"calibration writer {name}", "stand_in": "true", "suite": "calibration", "role": role},
        metrics=metrics,
        scores={"rows": rows, "aggregate": dict(aggregate)},
        predictions=None,
        facts=None,
        references=None,
    )


def needs_references(rules: DecisionRules) -> bool:
    """The rules compare a reference-based metric (ROUGE), so writers must be scored with references."""
    return any(name.startswith("rouge") for name in (*rules.floor, *rules.quality.metrics))


def score_writer(
    golden: GoldenSet, predictions: Sequence[Mapping[str, Any]], references: bool, source: Path | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Aggregate and rows of one writer's outputs, scored like a run (facts, and the references when asked)."""
    from harness.evaluate import score_predictions

    refs = (golden.reference_rows or None) if references else None
    report = score_predictions(golden.facts_by_id(), list(predictions), refs, source=str(source))
    return report.aggregate, report.rows


def calibrate(golden: GoldenSet, rules: DecisionRules, folder: Path = PREDICTIONS_DIR) -> Calibration:
    """Scores and decides every calibration writer; the statements say whether the rules hold.

    ROUGE is the slow part of scoring and descriptive here, so writers are scored against the
    references only when the rules decide on a reference-based metric.
    """
    references = needs_references(rules)
    scored: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for writer in WRITERS:
        path = predictions_path(writer.name, folder)
        if not path.exists():
            raise InputError(path, "calibration predictions are missing (run `make calibration`)")
        rows = read_jsonl(path, required=("categoryId", "output"))
        scored[writer.name] = score_writer(golden, rows, references, path)
    template = _record("template", "template", *scored["template"])
    results = {}
    for writer in WRITERS:
        role = rules.ladder[-1]  # the costliest rung: the writer stands in for the model the log would keep
        candidate = _record(role, writer.name, *scored[writer.name])
        decision = decide(SuiteRuns("calibration", {"template": template, role: candidate}), rules)
        results[writer.name] = WriterResult(writer, scored[writer.name][0], scored[writer.name][1], decision)
    return Calibration(results, statements(results))


def statements(results: Mapping[str, WriterResult]) -> list[Statement]:
    """The four calibration statements (issue 16), evaluated on the writers' results."""
    degraded = [name for name, r in results.items() if r.writer.expected == "loses"]
    return [
        Statement("the template's own outputs, as a model, are not kept", not results["template"].kept),
        Statement("the expert summaries are kept", results["expert"].kept),
        Statement(
            "the fact-stuffer is not kept, so it does not beat the expert",
            not results["stuffer"].kept and results["expert"].kept,
        ),
        Statement(
            f"every degraded writer ({', '.join(degraded)}) loses to the template",
            all(not results[name].kept for name in degraded),
        ),
    ]
