"""Metric names and directions as the decision stage needs them.

The rules file and the MLflow runs use aggregate names (``json_valid_rate``), while the per-row
scores in ``scores.json`` use row names (``json_valid``). ``harness.evaluate.METRICS`` is the one
source for both and for which direction is better.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.ids import category_key


@dataclass(frozen=True)
class MetricRef:
    """One metric as named in the rules file, with its per-row key (None for run-level figures)."""

    name: str
    row: str | None
    higher_is_better: bool
    description: str = ""


def known_metrics() -> dict[str, MetricRef]:
    """Aggregate name -> reference, from the evaluate registry (cost figures included, without rows)."""
    from harness.evaluate.metrics import named_metrics

    return {
        name: MetricRef(name, m.row, bool(m.higher_is_better), m.description)
        for name, m in named_metrics().items()
    }


def cost_names() -> list[str]:
    """The run-level cost figures (``CostFigures``' fields), in table order."""
    return [name for name, ref in known_metrics().items() if ref.row is None]


def as_number(value: Any) -> float | None:
    """A row value as a float (bools count 1/0); None, NaN and non-numbers give None."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        number = float(value)
        return None if math.isnan(number) else number
    return None


def per_category(rows: Iterable[Mapping[str, Any]], row_key: str) -> dict[str, float]:
    """Mean of one row metric per category (a category may have several scored outputs).

    Rows whose value is null are skipped; a category with only null values is absent, and the
    caller counts it through the pairing (``only_a``/``only_b``).
    """
    sums: dict[str, list[float]] = {}
    for row in rows:
        value = as_number(row.get(row_key))
        if value is None:
            continue
        sums.setdefault(category_key(row.get("categoryId")), []).append(value)
    return {key: sum(vals) / len(vals) for key, vals in sums.items()}
