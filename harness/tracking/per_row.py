"""Per-category results in the MLflow UI: inputs, raw output and every row metric, one line each.

The preferred view is ``mlflow.genai.evaluate`` over outputs that were generated first (no
``predict_fn``: MLflow would call it again from a thread pool, re-running a slow model and
scrambling the measured latency). Its scorers do not recompute anything: they return the values
the harness already scored, so the UI and ``scores.json`` can never disagree. When the GenAI API
cannot run (an MLflow build without it, or a failure offline), the same rows go to an MLflow
table artifact and the run is tagged with the reason.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from harness.tracking.masking import mask_text, mask_value

PerRowMode = Literal["genai", "table", "none"]
WORKERS_ENV = "MLFLOW_GENAI_EVAL_MAX_WORKERS"
DEFAULT_WORKERS = 2  # MLflow's 10 threads contend for one SQLite writer; 2 measured fastest on 2 cores
TABLE_NAME = "per_category.json"


@dataclass(frozen=True)
class RowRecord:
    """One scored output: what went in, what came out, the reference, and its row metrics."""

    category_id: str
    category_name: str
    facts_json: str
    output: str
    reference: dict[str, str] | None
    scores: dict[str, Any]


def _scalar(value: Any) -> float | bool | None:
    """A scorer value MLflow accepts; None (skipped in aggregates) for nulls and NaN."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if math.isnan(float(value)) else float(value)
    return None


def _rationale(name: str, scores: dict[str, Any]) -> str | None:
    """Why a row lost numeric fidelity: the numbers it stated that the facts do not support."""
    missing = scores.get("unsupported_numbers")
    if name == "numeric_fidelity" and missing:
        return "unsupported: " + ", ".join(map(str, missing))
    return None


def _make_scorer(metric_names: Sequence[str], records: Sequence[RowRecord]) -> Any:
    """One scorer that returns every row metric as its own Feedback.

    One scorer with many feedbacks instead of one scorer per metric: MLflow then runs one scorer
    call per row instead of fourteen, which measured about three times faster on 16 rows.
    Null metrics (no number stated, no reference) are left out, so MLflow's means skip them.
    """
    from mlflow.entities import Feedback
    from mlflow.genai import scorer

    def harness_metrics(inputs: dict[str, Any]) -> list[Any]:
        scores = records[int(inputs["row"])].scores
        values = ((name, _scalar(scores.get(name))) for name in metric_names)
        return [
            Feedback(name=name, value=value, rationale=_rationale(name, scores))
            for name, value in values
            if value is not None
        ]

    return scorer(name="harness_metrics")(harness_metrics)


def _genai(records: Sequence[RowRecord], metric_names: Sequence[str]) -> None:
    import mlflow

    data = []
    for i, rec in enumerate(records):
        row: dict[str, Any] = {
            "inputs": {
                "row": i,
                "categoryId": rec.category_id,
                "categoryName": rec.category_name,
                "facts": mask_text(rec.facts_json),
            },
            "outputs": mask_text(rec.output),
        }
        if rec.reference:
            row["expectations"] = {"reference": mask_value(rec.reference)}
        data.append(row)
    _drop_earlier_traces()
    previous = os.environ.get(WORKERS_ENV)
    os.environ.setdefault(WORKERS_ENV, str(DEFAULT_WORKERS))
    try:
        with contextlib.redirect_stdout(sys.stderr):  # MLflow prints a banner; stdout is for our summary
            mlflow.genai.evaluate(data=data, scorers=[_make_scorer(metric_names, records)])
    finally:
        if previous is None:
            os.environ.pop(WORKERS_ENV, None)


def _drop_earlier_traces() -> None:
    """Deletes the active run's traces from an earlier attempt, so a resumed run that was killed
    while logging them shows each category once (not 28 traces for 16 categories)."""
    import mlflow
    from mlflow import MlflowClient

    run = mlflow.active_run()
    if run is None:
        return
    client = MlflowClient()
    ids: list[str] = []
    token = None
    while True:
        page = client.search_traces(experiment_ids=[run.info.experiment_id], run_id=run.info.run_id,
                                    include_spans=False, page_token=token)  # fmt: skip
        ids += [trace.info.trace_id for trace in page]
        token = page.token
        if not token:
            break
    if ids:
        client.delete_traces(run.info.experiment_id, trace_ids=ids)


def _table(records: Sequence[RowRecord], metric_names: Sequence[str]) -> None:
    import mlflow

    columns: dict[str, list[Any]] = {
        "categoryId": [], "categoryName": [], "output": [], "facts": [], "unsupported_numbers": []
    }  # fmt: skip
    for name in metric_names:
        columns[name] = []
    for rec in records:
        columns["categoryId"].append(rec.category_id)
        columns["categoryName"].append(rec.category_name)
        columns["output"].append(mask_text(rec.output))
        columns["facts"].append(mask_text(rec.facts_json))
        columns["unsupported_numbers"].append(
            ", ".join(map(str, rec.scores.get("unsupported_numbers") or []))
        )
        for name in metric_names:
            columns[name].append(_scalar(rec.scores.get(name)))
    mlflow.log_table(data=columns, artifact_file=TABLE_NAME)


def log_per_row(
    records: Sequence[RowRecord],
    metric_names: Sequence[str],
    mode: PerRowMode = "genai",
    warn: Callable[[str], None] | None = None,
) -> str:
    """Logs per-category results into the active run; returns the view actually used.

    ``genai`` falls back to ``table`` on failure (the reason goes to ``warn`` and to the
    ``per_row.fallback_reason`` tag); ``none`` logs nothing (fast tests).
    """
    import mlflow

    if mode == "none" or not records:
        return "none"
    if mode == "genai":
        try:
            _genai(records, metric_names)
            mlflow.set_tag("per_row.view", "genai")
            return "genai"
        except Exception as exc:  # noqa: BLE001 - any failure of the optional view degrades to a table
            reason = f"{type(exc).__name__}: {exc}"[:500]
            mlflow.set_tag("per_row.fallback_reason", mask_text(reason))
            if warn is not None:
                warn(f"mlflow.genai.evaluate failed, logging a table instead ({reason})")
    _table(records, metric_names)
    mlflow.set_tag("per_row.view", "table")
    return "table"
