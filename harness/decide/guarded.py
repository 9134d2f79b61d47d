"""The guarded composition: what the team would actually ship.

Per output, the model's text ships when its scored row passes the floor checks from the rules
file (valid JSON, no CJK or chat-token leak, full numeric fidelity); otherwise the template's text
for the same category ships. The composed outputs are re-scored with the evaluate stage like any
variant, so the report compares them on equal terms and states how often the template stepped in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.decide.config import GuardedConfig
from harness.decide.metrics import as_number, cost_names
from harness.decide.records import RecordedRun
from harness.errors import InputError
from harness.ids import category_key


@dataclass(frozen=True)
class GuardedResult:
    """The composed outputs of one model role, their scores and how often the template stepped in."""

    role: str
    predictions: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    aggregate: dict[str, float]
    fallbacks: int
    total: int
    fallback_reasons: dict[str, int]
    rescored: bool
    notes: list[str] = field(default_factory=list)

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.total if self.total else 0.0


def failed_checks(row: Mapping[str, Any], checks: GuardedConfig) -> list[str]:
    """Names of the guard checks one scored row fails (a missing value fails its check)."""
    failed = [name for name in checks.must_be_true if as_number(row.get(name)) != 1.0]
    failed += [name for name in checks.must_be_false if as_number(row.get(name)) != 0.0]
    for name, least in checks.min.items():
        value = as_number(row.get(name))
        # A summary that states no number has nothing unsupported: null fidelity passes.
        if row.get(name) is not None and (value is None or value < least):
            failed.append(name)
    return failed


def aggregate_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """The evaluate stage's aggregation, without the metrics every row left null."""
    from harness.evaluate import aggregate_rows as evaluate_aggregate

    return {k: float(v) for k, v in evaluate_aggregate(rows).items() if v is not None}


def compose(model: RecordedRun, template: RecordedRun, checks: GuardedConfig) -> GuardedResult:
    """Builds and scores the guarded composition of ``model`` over ``template``.

    Raises:
        InputError: a run lacks predictions.jsonl, or its predictions and score rows disagree.
    """
    for run in (model, template):
        if run.predictions is None:
            raise InputError(f"run {run.run_id} ({run.role})", "has no predictions.jsonl artifact")
        if len(run.predictions) != len(run.rows):
            raise InputError(
                f"run {run.run_id} ({run.role})",
                f"{len(run.predictions)} predictions but {len(run.rows)} score rows",
            )
    assert model.predictions is not None and template.predictions is not None
    fallback: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for pred, row in zip(template.predictions, template.rows, strict=True):
        fallback.setdefault(category_key(pred["categoryId"]), (pred, row))
    predictions: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    reasons: dict[str, int] = {}
    fallbacks = 0
    notes: list[str] = []
    for pred, row in zip(model.predictions, model.rows, strict=True):
        failed = failed_checks(row, checks)
        key = category_key(pred["categoryId"])
        if failed and key in fallback:
            fallbacks += 1
            for name in failed:
                reasons[name] = reasons.get(name, 0) + 1
            pred, row = fallback[key]
        elif failed:
            notes.append(f"category {key}: no template output to fall back to; the model output was kept")
        predictions.append({"categoryId": pred["categoryId"], "output": pred["output"]})
        sources.append(dict(row))
    rows, rescored = _rescore(model, template, predictions, sources, notes)
    aggregate = aggregate_rows(rows)
    for name in cost_names():
        if name in model.metrics:
            aggregate[name] = float(model.metrics[name])
    return GuardedResult(
        model.role,
        predictions,
        rows,
        aggregate,
        fallbacks,
        len(predictions),
        dict(sorted(reasons.items())),
        rescored,
        notes,
    )


def _rescore(
    model: RecordedRun,
    template: RecordedRun,
    predictions: list[dict[str, Any]],
    sources: list[dict[str, Any]],
    notes: list[str],
) -> tuple[list[dict[str, Any]], bool]:
    """Scores the composed outputs; metrics the re-score cannot compute come from the source rows.

    Reference-based metrics (ROUGE) need the golden references; when the runs did not log them,
    the source run's value is exact (same output, same references) and is carried over.
    """
    facts = model.facts or template.facts
    if not facts:
        notes.append("facts.jsonl missing from the runs: per-row scores were taken from the source runs")
        return sources, False
    from harness.evaluate import score_predictions

    facts_by_id = {category_key(f["categoryId"]): f for f in facts}
    references = model.references or template.references
    report = score_predictions(facts_by_id, predictions, references)
    rows = [dict(r) for r in report.rows]
    carried: set[str] = set()
    for row, source in zip(rows, sources, strict=True):
        for name, value in source.items():
            if row.get(name) is None and value is not None:
                row[name] = value
                carried.add(name)
    if carried:
        notes.append(f"carried from the source runs (no references logged): {', '.join(sorted(carried))}")
    return rows, True
