"""``harness run``: one experiment file in, one complete MLflow run out.

Generation writes each prediction to the run's local folder before anything else happens, so a
run killed halfway keeps its work and can be resumed; normalizing, scoring and logging happen once
all golden categories have an output, identically for every variant.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from harness.errors import InputError
from harness.evaluate.cost import CostFigures
from harness.ids import category_key
from harness.runner.config import ExperimentConfig, load_experiment
from harness.runner.golden import GoldenSet, load_golden
from harness.runner.provenance import git_commit, hardware, package_versions
from harness.runner.scoring import Scored, golden_order, row_metric_names, score
from harness.runner.stages import Stages
from harness.runner.variants import Variant
from harness.runner.workdir import PREDICTIONS, Recovered, RunFolder

if TYPE_CHECKING:
    from harness.tracking.per_row import PerRowMode

ResumeMode = Literal["auto", "resume", "fresh"]
WORK_DIR_ENV = "HARNESS_WORK_DIR"


@dataclass(frozen=True)
class RunResult:
    """What ``harness run`` reports: the MLflow run, its metrics and where the local files are."""

    run_id: str
    experiment_id: str
    metrics: dict[str, float]
    folder: Path
    resumed: bool
    per_row_view: str


class _Context:
    """The :class:`RunContext` lent to variants: the local folder and the run's logging."""

    def __init__(self, run_dir: Path, tracked: Any) -> None:
        self.run_dir = run_dir
        self.run_id: str | None = tracked.run_id
        self._tracked = tracked

    def log_params(self, params: Mapping[str, Any]) -> None:
        self._tracked.log_params(params)

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        self._tracked.log_metrics(metrics, step=step)


def work_folder(config: ExperimentConfig, uri: str) -> RunFolder:
    """``<store>/work/<suite>/<name>``: beside a SQLite store, or under the repo's ``mlruns/`` otherwise
    (``$HARNESS_WORK_DIR/<suite>/<name>`` when that is set: each engineer's own disk with a team server).

    Checked before anything is created: both names are safe folder names and the folder resolves
    to exactly that place (see :mod:`harness.runner.workdir`).
    """
    from harness.tracking.store import DEFAULT_STORE_DIR, sqlite_path

    override = os.environ.get(WORK_DIR_ENV, "").strip()
    db = sqlite_path(uri)
    work = Path(override) if override else (db.parent if db is not None else DEFAULT_STORE_DIR) / "work"
    return RunFolder.for_experiment(work, config.suite, config.name)


def _resume_id(
    folder: RunFolder, mode: ResumeMode, config: ExperimentConfig, uri: str, path: Path
) -> str | None:
    """Decides whether this invocation continues an interrupted run; see ``harness run --help``."""
    from harness.tracking.runlog import run_status

    if mode == "fresh":
        return None
    state = folder.state()
    if not state and mode == "resume":  # a machine that never saw the run: find it in the store
        from harness.runner.store_resume import adopt_from_store

        state = adopt_from_store(folder, config, uri)
    if not state or state.get("status") == "FINISHED" or not state.get("run_id"):
        return None
    if mode == "auto":
        raise InputError(
            path,
            f"an interrupted run of this experiment exists ({state['run_id']}): pass --resume or --fresh",
        )
    if state.get("config_hash") != config.config_hash():
        raise InputError(path, "the config changed since the interrupted run; pass --fresh to start over")
    if run_status(state["run_id"], uri) is None:
        raise InputError(path, f"the interrupted run {state['run_id']} is not in the store; pass --fresh")
    return str(state["run_id"])


def run_params(config: ExperimentConfig, variant: Variant, golden: GoldenSet, path: Path) -> dict[str, Any]:
    """Params: the variant's own, what ran, on which data, from which code and libraries."""
    info = variant.describe()
    params: dict[str, Any] = {
        "experiment": config.name,
        "experiment_file": str(path),
        "variant": config.variant.kind,
        "model_name": info.model_name,
        "base_model": info.base_model or "none",
        "adapter": info.adapter or "none",
        "data_hash": golden.data_hash,
        "golden_version": golden.version,
        "golden_categories": len(golden.facts),
        "config_hash": config.config_hash(),
        "git_commit": git_commit(),
    }
    params.update(package_versions())
    params.update(variant.params())
    return params


def run_tags(config: ExperimentConfig, variant: Variant, golden: GoldenSet) -> dict[str, str]:
    info = variant.describe()
    return {
        "suite": config.suite,
        "role": config.role,
        "variant": config.variant.kind,
        "model_name": info.model_name,
        "stand_in": "true" if info.stand_in else "false",
        "hardware": hardware(),
        "git_commit": git_commit(),
        "golden_version": golden.version,
        "config_hash": config.config_hash(),
        "experiment": config.name,
    }


def after_generation_tags(variant: Variant) -> dict[str, str]:
    """Tags only known once the variant ran: the GPU torch saw (torch loads lazily) and the adapter path."""
    info = variant.describe()
    tags = {"hardware": hardware()}
    if info.adapter:
        tags["adapter"] = info.adapter
    return tags


def cost_figures(variant: Variant, timings: list[dict[str, Any]]) -> CostFigures:
    """Cost measured per prediction (latency, tokens), overridden by the variant's own figures.

    A figure nobody measured stays None and is not logged (``tokens_per_s`` of the template, GPU
    memory on a CPU run): the report says "not measured" rather than a 0 that passes every budget.
    """
    latencies = [t["latency_s"] for t in timings if t.get("latency_s") is not None]
    tokens = [t["new_tokens"] for t in timings if t.get("new_tokens") is not None]
    measured = CostFigures(
        latency_s_per_summary=sum(latencies) / len(latencies) if latencies else None,
        tokens_per_s=sum(tokens) / sum(latencies) if tokens and sum(latencies) > 0 else None,
    )
    return measured.overridden_by(variant.cost_metrics())


def generation_records(
    predictions: list[dict[str, Any]], timings: list[dict[str, Any]]
) -> list[dict[str, Any] | None]:
    """Each prediction's generation record, matched per category in order of writing.

    A kill between a prediction and its timing line leaves that one without a record; matching
    per category (not by position) keeps every later row paired with its own record.
    """
    queues: dict[str, list[dict[str, Any] | None]] = {}
    for timing in timings:
        queues.setdefault(category_key(timing.get("categoryId")), []).append(timing.get("generation"))
    out: list[dict[str, Any] | None] = []
    for pred in predictions:
        queue = queues.get(category_key(pred["categoryId"]))
        out.append(queue.pop(0) if queue else None)
    return out


def generate_into(
    variant: Variant, golden: GoldenSet, folder: RunFolder, recovered: Recovered, ctx: Any, label: str
) -> int:
    """Generates the golden categories not yet predicted, appending each row as it arrives."""
    from tqdm import tqdm

    done = recovered.done_ids
    todo = [f for f in golden.facts if category_key(f["categoryId"]) not in done]
    if not todo:
        return 0
    variant.prepare(ctx, golden.ids)
    count = 0
    last = time.perf_counter()
    with tqdm(total=len(todo), desc=label, unit="cat", file=sys.stderr, mininterval=1.0) as bar:
        for pred in variant.generate(todo, ctx):
            now = time.perf_counter()
            latency = pred.latency_s if pred.latency_s is not None else now - last
            last = now
            timing: dict[str, Any] = {"categoryId": pred.category_id, "latency_s": latency, "new_tokens": pred.new_tokens}
            if pred.generation is not None:
                timing["generation"] = dict(pred.generation)
            folder.append(pred.to_row(), timing)
            count += 1
            bar.update(1)
    return count


def _write_outputs(folder: RunFolder, config: ExperimentConfig, golden: GoldenSet, scored: Scored,
                   predictions: list[dict[str, Any]]) -> list[Path]:  # fmt: skip
    from harness.jsonl import dumps, write_jsonl

    write_jsonl(folder.file(PREDICTIONS), predictions)  # golden order, torn lines dropped
    write_jsonl(folder.file("normalized.jsonl"), scored.normalized)
    write_jsonl(folder.file("facts.jsonl"), golden.facts)
    folder.file("scores.json").write_text(dumps(scored.report, indent=2), encoding="utf-8")
    folder.file("config.yaml").write_text(
        yaml.safe_dump(config.resolved(), allow_unicode=True, sort_keys=False), "utf-8"
    )
    names = (PREDICTIONS, "normalized.jsonl", "scores.json", "facts.jsonl", "config.yaml")
    return [folder.file(n) for n in names]


def _per_row_records(golden: GoldenSet, scored: Scored, predictions: list[dict[str, Any]]) -> list[Any]:
    from harness.tracking.per_row import RowRecord

    facts = golden.facts_by_id()
    records = []
    for pred, row in zip(predictions, scored.rows, strict=False):
        key = category_key(pred["categoryId"])
        item = facts.get(key, {})
        records.append(RowRecord(
            category_id=key, category_name=str(item.get("categoryName", "")),
            facts_json=json.dumps(item, ensure_ascii=False), output=pred["output"],
            reference=golden.references.get(key), scores=row,
        ))  # fmt: skip
    return records


def run_experiment(
    path: str | Path,
    mode: ResumeMode = "auto",
    per_row: PerRowMode = "genai",
    uri: str | None = None,
    log: Callable[[str], None] | None = None,
    stages: Stages | None = None,
) -> RunResult:
    """Runs one experiment file end to end and returns the finished MLflow run.

    Args:
        path: the experiment YAML.
        mode: ``auto`` (refuse to guess when an interrupted run exists), ``resume`` or ``fresh``.
        per_row: per-category view in the UI: ``genai``, ``table`` or ``none``.
        uri: tracking URI (default: :func:`harness.tracking.store.tracking_uri`).
        log: where short progress notes go (default: stderr).
        stages: the variant classes and metrics to use (default: the registered ones).
    """
    from harness.runner.run_state import close_dead_run, state_fields, stopped
    from harness.tracking.per_row import log_per_row
    from harness.tracking.runlog import RunTerminated, TrackedRun
    from harness.tracking.store import ensure_store, tracking_uri

    note = log or (lambda msg: print(msg, file=sys.stderr))
    path = Path(path)
    config = load_experiment(path)
    golden = load_golden(config.golden)
    stages = stages or Stages()
    variant = stages.variant(config)
    uri = uri or tracking_uri()
    folder = work_folder(config, uri)  # refuses an unsafe folder before the store or the folder is touched
    uri = ensure_store(uri)
    folder.acquire()
    tracked: Any = None
    try:
        close_dead_run(folder, uri, note)
        resume_id = _resume_id(folder, mode, config, uri, path)
        if resume_id is None:
            folder.clear()
        recovered = folder.recover()
        if recovered.torn_lines:
            note(f"dropped {recovered.torn_lines} torn line(s) the interrupted attempt left")
        if resume_id:
            note(
                f"resuming run {resume_id}: {len(recovered.done_ids)} of {len(golden.facts)} categories done"
            )
        with TrackedRun(config.suite, config.name, resume_run_id=resume_id, uri=uri) as tracked:
            folder.write_state(**state_fields(tracked.run_id, config.config_hash(), "RUNNING"))
            tracked.set_tags(run_tags(config, variant, golden))
            tracked.log_params(run_params(config, variant, golden, path))
            ctx = _Context(folder.scratch(), tracked)
            try:
                generate_into(variant, golden, folder, recovered, ctx, config.name)
            except BaseException:
                folder.release_writers()
                if (folder.path / PREDICTIONS).exists():
                    tracked.log_text_artifact(folder.file(PREDICTIONS))  # keep what it wrote in MLflow too
                folder.write_state(**state_fields(tracked.run_id, config.config_hash(), "INTERRUPTED"))
                raise
            folder.release_writers()
            tracked.set_tags(after_generation_tags(variant))
            final = folder.recover()
            order = golden_order(golden, final.predictions)
            predictions = [final.predictions[i] for i in order]
            generation = generation_records(final.predictions, final.timings)
            note(f"scoring {len(predictions)} outputs against {len(golden.facts)} golden categories")
            scored = score(golden, predictions, [generation[i] for i in order], stages.metrics)
            for artifact in _write_outputs(folder, config, golden, scored, predictions):
                tracked.log_text_artifact(artifact)
            metrics = {**scored.aggregate, **cost_figures(variant, final.timings).measured()}
            tracked.log_metrics({k: v for k, v in metrics.items() if isinstance(v, int | float | type(None))})
            note(f"logging per-category results ({per_row})")
            view = log_per_row(
                _per_row_records(golden, scored, predictions), row_metric_names(stages.metrics), per_row, note
            )
            folder.write_state(**state_fields(tracked.run_id, config.config_hash(), "FINISHED"))
        clean = {
            k: float(v) for k, v in metrics.items() if isinstance(v, int | float) and not isinstance(v, bool)
        }
        return RunResult(tracked.run_id, tracked.experiment_id, clean, folder.path, bool(resume_id), view)
    except (KeyboardInterrupt, RunTerminated) as exc:  # the run is already KILLED; say so in one line
        raise stopped(exc, tracked.run_id if tracked else None, path, folder, len(golden.facts)) from None
    finally:
        folder.release()
