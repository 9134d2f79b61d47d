"""evaluate stage: the metric registry, numeric fidelity, Korean ROUGE and ``harness score``."""

from harness.evaluate.cost import COST_METRICS, CostFigures
from harness.evaluate.metric_registry import Metric, MetricRegistry, RowInputs
from harness.evaluate.metrics import METRICS, aggregate_rows, metric_for, named_metrics
from harness.evaluate.scoring import ScoreReport, score_output, score_predictions

__all__ = [
    "COST_METRICS",
    "METRICS",
    "CostFigures",
    "Metric",
    "MetricRegistry",
    "RowInputs",
    "ScoreReport",
    "aggregate_rows",
    "metric_for",
    "named_metrics",
    "score_output",
    "score_predictions",
]
