"""evaluate stage: the metric registry, numeric fidelity, Korean ROUGE and ``harness score``."""

from harness.evaluate.metrics import METRICS, Metric, aggregate_rows, metric_for
from harness.evaluate.scoring import ScoreReport, score_output, score_predictions

__all__ = ["METRICS", "Metric", "ScoreReport", "aggregate_rows", "metric_for", "score_output", "score_predictions"]
