"""Normalizes and scores raw outputs with the evaluate stage, identically for every variant.

The runner and the gate both go through here, so a metric means the same thing in an MLflow run,
in the gate table and in the decision report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from harness.ids import category_key
from harness.runner.golden import GoldenSet

COST_METRICS = ("latency_s_per_summary", "tokens_per_s", "peak_gpu_mem_gb", "train_time_s")


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


def _row_metrics() -> list[Any]:
    from harness.evaluate import METRICS

    return [metric for _, metric in METRICS.items() if getattr(metric, "per_row", True)]


def aggregate_names() -> list[str]:
    """Every aggregate the scorer reports (DESIGN.md's names: ``<name>_rate`` for bool metrics)."""
    return [f"{m.name}_rate" if m.kind == "bool" else m.name for m in _row_metrics()]


def row_metric_names() -> list[str]:
    """Per-row metric names (``json_valid``, ``numeric_fidelity``, ...); cost metrics are run-level."""
    return [m.name for m in _row_metrics()]


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


def _report_data(report: Any) -> dict[str, Any]:
    data = report.to_json()
    return json.loads(data) if isinstance(data, str) else dict(data)


def score(golden: GoldenSet, predictions: list[dict[str, Any]]) -> Scored:
    """Scores raw ``{"categoryId", "output"}`` rows against the golden facts and references."""
    from harness.evaluate import score_predictions

    references = golden.reference_rows or None
    report = score_predictions(golden.facts_by_id(), predictions, references)
    return Scored(normalized=normalize_rows(predictions), report=_report_data(report))


def order_like_golden(golden: GoldenSet, predictions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Predictions in golden order (a resumed run appends in completion order), repeats kept together."""
    rank = {key: i for i, key in enumerate(golden.ids)}
    return sorted(predictions, key=lambda row: rank.get(category_key(row["categoryId"]), len(rank)))
