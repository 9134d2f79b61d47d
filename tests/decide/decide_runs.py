"""Suites for the decision tests: synthetic runs built in memory, and rules defined by the tests.

Per-row metrics are generated from the evaluate registry (every registered metric gets a value in
its good direction unless a spec spoils it), so the rows look like the scorer's and the tests do
not hard-code metric lists. Runs are the decision stage's own records; :func:`record_run` writes
one into an MLflow store for the tests that go through tracking (compare, the round trip).
Rules come from :func:`make_rules`, never from the shipped rules file, so editing
``experiments/decision_rules.yaml`` changes no test's outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.decide.config import DecisionRules
from harness.decide.guarded import aggregate_rows
from harness.decide.records import RecordedRun, SuiteRuns

# The research log's thresholds (the shipped rules file's values when these tests were written).
RULES_DATA: dict[str, Any] = {
    "version": 2,
    "floor": {
        "json_valid_rate": {"min": 0.95}, "cjk_leak_rate": {"max": 0.0}, "nested_json_rate": {"max": 0.0},
        "special_token_leak_rate": {"max": 0.0}, "numeric_fidelity": {"min": 0.95}, "disclaimer_rate": {"min": 0.9},
    },
    "quality": {"metrics": ["grounded_insight", "actionability", "economy"], "win_share": 0.5, "tie_tolerance": 0.0,
                "min_categories": 5},
    "bootstrap": {"resamples": 2000, "confidence": 0.95, "seed": 20240517},
    "step_up": {"require": "any"},
    "budget": {"latency_s_per_summary": {"max": 15.0}, "peak_gpu_mem_gb": {"max": 40.0}, "train_time_s": {"max": 14400}},
    "guarded": {"must_be_true": ["json_valid"], "must_be_false": ["cjk_leak", "special_token_leak", "nested_json"],
                "min": {"numeric_fidelity": 1.0}},
}  # fmt: skip

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
    **dict.fromkeys(("rougeL_f", "rouge1_f", "rouge2_f"), (BASE_ROUGE, 0.05)),
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
    """Only for :func:`record_run`: in-memory suites hold finished runs."""
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

    rows: list[dict[str, Any]] = []
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


def make_rules(ladder: Sequence[tuple[str, str]] = (("small", "3B"), ("large", "7B")), **sections: Any) -> DecisionRules:
    """Rules with the research log's thresholds and ``ladder`` as (role, stands_for), cheapest first."""
    data = {**RULES_DATA, "candidates": [{"role": r, "stands_for": s} for r, s in ladder], **sections}
    return DecisionRules.model_validate(data)


def write_rules(path: Path, rules: DecisionRules) -> Path:
    """The rules as a YAML file (for the CLI and run_compare, which read a file)."""
    path.write_text(yaml.safe_dump(rules.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False), "utf-8")
    return path


def recorded_run(spec: RunSpec, start_time: int = 1_700_000_000_000, suite: str = "cpu") -> RecordedRun:
    """One finished run built in memory: tags, aggregate metrics with cost, scores and artifacts."""
    rows = spec.rows if spec.rows is not None else synthetic_rows(spec)
    aggregate = aggregate_rows(rows)
    cost = {**(GOOD_COST if spec.role != "template" else {"latency_s_per_summary": 0.01}), **spec.cost}
    name = spec.model_name or ("template" if spec.role == "template" else f"tiny-qwen2-{spec.role}")
    tags = {
        "suite": suite,
        "role": spec.role,
        "variant": spec.role,
        "model_name": name,
        "stand_in": "true" if spec.stand_in and spec.role != "template" else "false",
        "hardware": "cpu",
    }
    outputs = spec.outputs
    if outputs is None and spec.predictions:
        outputs = [
            {"categoryId": r["categoryId"], "output": f"{spec.role} output {r['categoryId']}"} for r in rows
        ]
    return RecordedRun(f"run-{spec.role}-{start_time}", "0", spec.role, start_time, tags,
                       {**aggregate, **cost}, {"rows": rows, "aggregate": aggregate}, outputs, spec.facts)  # fmt: skip


def suite_of(*specs: RunSpec, suite: str = "cpu") -> SuiteRuns:
    """A suite of in-memory runs, later specs starting later."""
    runs = [recorded_run(spec, 1_700_000_000_000 + 60_000 * i, suite) for i, spec in enumerate(specs)]
    return SuiteRuns(suite, {run.role: run for run in runs})


def record_run(uri: str, run: RecordedRun, tmp: Path, status: str = "FINISHED") -> str:
    """Writes an in-memory run into the store as a ``status`` run; returns its MLflow id."""
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    client = MlflowClient(uri)
    created = client.create_run("0", start_time=run.start_time, tags=run.tags)
    run_id = created.info.run_id
    client.log_batch(run_id, metrics=[Metric(k, float(v), 0, 0) for k, v in run.metrics.items()])
    folder = tmp / run_id
    folder.mkdir(parents=True)
    (folder / "scores.json").write_text(json.dumps(run.scores), encoding="utf-8")
    client.log_artifact(run_id, str(folder / "scores.json"))
    for fname, items in {"predictions.jsonl": run.predictions, "facts.jsonl": run.facts}.items():
        if items is not None:
            text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
            (folder / fname).write_text(text, encoding="utf-8")
            client.log_artifact(run_id, str(folder / fname))
    client.set_terminated(run_id, status, end_time=run.start_time + 1000)
    return run_id


Recorder = Callable[..., dict[str, str]]
