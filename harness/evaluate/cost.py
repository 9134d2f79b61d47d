"""Cost figures as one typed record: what a variant measured, and nothing it did not.

A cost that was not measured (GPU memory on a CPU run, tokens per second of a writer that emits
no tokens) is None: it is left out of the MLflow run and reads "not measured" in the report,
never 0, because a 0 passes every budget and says something false. The field names are DESIGN.md's
cost metric names; their direction and description sit on the field, so the rules file, the report
and the README's metric table read them from here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any


def _cost(higher_is_better: bool, description: str) -> Any:
    return field(default=None, metadata={"higher_is_better": higher_is_better, "description": description})


@dataclass(frozen=True)
class CostFigures:
    """Run-level cost of one variant; None means not measured."""

    latency_s_per_summary: float | None = _cost(False, "Generation wall seconds per summary.")
    tokens_per_s: float | None = _cost(True, "Generated tokens per second (variants that emit tokens).")
    peak_gpu_mem_gb: float | None = _cost(False, "Peak GPU memory allocated, GB (measured on CUDA only).")
    train_time_s: float | None = _cost(False, "LoRA training wall time in seconds (0 for a variant that trains nothing).")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> CostFigures:
        """The cost fields of ``values`` (e.g. a run's MLflow metrics); other keys, None and NaN are skipped."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in values.items() if k in known and _number(v)})

    def measured(self) -> dict[str, float]:
        """Only the figures that were measured, under their metric names (what MLflow logs)."""
        return {f.name: value for f in fields(self) if (value := getattr(self, f.name)) is not None}

    def overridden_by(self, other: CostFigures) -> CostFigures:
        """These figures with every figure ``other`` measured taking precedence."""
        return replace(self, **other.measured())


@dataclass(frozen=True)
class CostMetric:
    """A cost figure as the rules and tables name it: run-level, so it has no per-row key."""

    name: str
    higher_is_better: bool
    description: str
    row: None = None

    @property
    def aggregate_name(self) -> str:
        return self.name


COST_METRICS: tuple[CostMetric, ...] = tuple(
    CostMetric(f.name, f.metadata["higher_is_better"], f.metadata["description"]) for f in fields(CostFigures)
)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
