"""Normalizes and scores raw outputs with the evaluate stage, identically for every variant.

The runner and the gate both go through here, so a metric means the same thing in an MLflow run,
in the gate table and in the decision report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.evaluate.metric_registry import MetricRegistry
from harness.evaluate.metrics import METRICS
from harness.ids import category_key
from harness.runner.golden import GoldenSet


@dataclass(frozen=True)
class Scored:
    """Normalized rows, the ScoreReport as JSON data, and its aggregate."""

    normalized: list[dict[str, Any]]
    report: dict[str, Any]

    @property
    def aggregate(self) -> dict[str, Any]:
        return dict(self.report.get("aggregate", {}))

    @property
    def rows(self) -> list[dict[str, Any]]:
        return list(self.report.get("rows", []))


def row_metric_names(metrics: MetricRegistry = METRICS) -> list[str]:
    """Per-row metric names (``json_valid``, ``numeric_fidelity``, ...); cost figures are run-level."""
    return [m.name for m in metrics.metrics()]


def normalize_rows(predictions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One ``normalized.jsonl`` row per prediction: the cleaned pair, repairs and contract status."""
    from harness.writers.normalize import normalize_output

    out = []
    for row in predictions:
        norm = normalize_output(row["output"])
        out.append(
            {
                "categoryId": row["categoryId"],
                **norm.summary,
                "repairs": list(norm.repairs),
                "json_ok": norm.json_ok,
            }
        )
    return out


def score(
    golden: GoldenSet,
    predictions: list[dict[str, Any]],
    generation: Sequence[Mapping[str, Any] | None] | None = None,
    metrics: MetricRegistry = METRICS,
) -> Scored:
    """Scores raw ``{"categoryId", "output"}`` rows against the golden facts and references.

    ``generation`` holds the variant's per-row generation records, aligned with ``predictions``.
    """
    from harness.evaluate.scoring import score_predictions

    references = golden.reference_rows or None
    report = score_predictions(golden.facts_by_id(), predictions, references, generation=generation, metrics=metrics)
    return Scored(normalized=normalize_rows(predictions), report=json.loads(report.to_json()))


def golden_order(golden: GoldenSet, predictions: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indexes of ``predictions`` in golden order (a resumed run appends in completion order), repeats together."""
    rank = {key: i for i, key in enumerate(golden.ids)}
    return sorted(range(len(predictions)), key=lambda i: rank.get(category_key(predictions[i]["categoryId"]), len(rank)))

