"""Recorded suites for the decision tests: synthetic runs written into a test's MLflow store.

Per-row metrics are generated from the evaluate registry (every registered metric gets a value in
its good direction unless a spec spoils it), so the rows look like the scorer's and the tests do
not hard-code metric lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATEGORIES = [str(i) for i in range(101, 111)]
# Per-category spread so that differences are not constant (a constant difference has a zero-width interval).
SPREAD = [1.0, 0.8, 1.2, 0.9, 1.1, 1.0, 0.7, 1.3, 1.0, 0.95]
BASE_SPECIFICITY = [3.0, 5.0, 2.0, 4.0, 6.0, 3.0, 4.0, 5.0, 2.0, 3.0]
BASE_ROUGE = [0.20, 0.25, 0.18, 0.22, 0.30, 0.21, 0.19, 0.27, 0.24, 0.23]
# Quality metrics move with a run's shift, each in its own units from its own per-category base.
QUALITY: dict[str, tuple[list[float], float]] = {
    "insight_specificity": (BASE_SPECIFICITY, 1.0),
    "grounded_insight": (BASE_SPECIFICITY, 1.0),
    "actionability": ([b / 3 for b in BASE_SPECIFICITY], 0.5),
    "economy": ([2 * b for b in BASE_ROUGE], 0.05),
    **{m: (BASE_ROUGE, 0.05) for m in ("rougeL_f", "rouge1_f", "rouge2_f")},
}
QUALITY_UNITS = {name: unit for name, (_, unit) in QUALITY.items()}
GOOD_COST = {
    "latency_s_per_summary": 2.0,
    "tokens_per_s": 40.0,
    "peak_gpu_mem_gb": 16.0,
    "train_time_s": 3600.0,
}


@dataclass
class RunSpec:
    """One synthetic run: its role, how much better than the template it writes, what it spoils."""

    role: str
    shift: Sequence[float] | float = 0.0
    bad_rows: dict[str, int] = field(default_factory=dict)
    cost: dict[str, float] = field(default_factory=dict)
    status: str = "FINISHED"
    model_name: str | None = None
    stand_in: bool = True
    predictions: bool = True
    rows: list[dict[str, Any]] | None = None
    outputs: list[dict[str, Any]] | None = None
    facts: list[dict[str, Any]] | None = None


def _shifts(spec: RunSpec) -> list[float]:
    if isinstance(spec.shift, int | float):
        return [spec.shift * s for s in SPREAD]
    return list(spec.shift)


def synthetic_rows(spec: RunSpec) -> list[dict[str, Any]]:
    """Score rows in scores.json's shape for the golden categories."""
    from harness.evaluate import METRICS

    rows = []
    shifts = _shifts(spec)
    for i, key in enumerate(CATEGORIES):
        row: dict[str, Any] = {"categoryId": int(key)}
        for _, metric in METRICS.items():  # noqa: PERF102 (Registry has no .values())
            if metric.kind == "bool":
                good = bool(metric.higher_is_better)
                row[metric.name] = (not good) if i < spec.bad_rows.get(metric.name, 0) else good
            elif metric.name == "numeric_fidelity":
                row[metric.name] = 0.5 if i < spec.bad_rows.get(metric.name, 0) else 1.0
            elif metric.name in QUALITY:
                base, unit = QUALITY[metric.name]
                row[metric.name] = base[i] + shifts[i] * unit
            else:
                row[metric.name] = 0.5
        rows.append(row)
    return rows


def record_run(uri: str, suite: str, spec: RunSpec, start_time: int, tmp: Path) -> str:
    """Writes one finished (or failed) run with tags, aggregate metrics and artifacts; returns its id."""
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    from harness.decide.guarded import aggregate_rows

    rows = spec.rows if spec.rows is not None else synthetic_rows(spec)
    aggregate = aggregate_rows(rows)
    cost = {**(GOOD_COST if spec.role != "template" else {"latency_s_per_summary": 0.01}), **spec.cost}
    name = spec.model_name or ("template" if spec.role == "template" else f"tiny-qwen2-{spec.role}")
    client = MlflowClient(uri)
    tags = {
        "suite": suite,
        "role": spec.role,
        "variant": spec.role,
        "model_name": name,
        "stand_in": "true" if spec.stand_in and spec.role != "template" else "false",
        "hardware": "cpu",
    }
    run = client.create_run("0", start_time=start_time, tags=tags)
    run_id = run.info.run_id
    client.log_batch(run_id, metrics=[Metric(k, float(v), 0, 0) for k, v in {**aggregate, **cost}.items()])
    folder = tmp / run_id
    folder.mkdir(parents=True)
    (folder / "scores.json").write_text(json.dumps({"rows": rows, "aggregate": aggregate}), encoding="utf-8")
    client.log_artifact(run_id, str(folder / "scores.json"))
    outputs = spec.outputs
    if outputs is None and spec.predictions:
        outputs = [
            {"categoryId": r["categoryId"], "output": f"{spec.role} output {r['categoryId']}"} for r in rows
        ]
    files = {"predictions.jsonl": outputs, "facts.jsonl": spec.facts}
    for fname, items in files.items():
        if items is not None:
            text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
            (folder / fname).write_text(text, encoding="utf-8")
            client.log_artifact(run_id, str(folder / fname))
    client.set_terminated(run_id, spec.status, end_time=start_time + 1000)
    return run_id


Recorder = Callable[..., dict[str, str]]
