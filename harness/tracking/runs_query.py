"""Reading a suite's runs back from MLflow, and logging the decision run.

The decision stage reads only through here, never from local files, so a team tracking server
works exactly like the local SQLite store. For each role (``template`` and any candidate role) it
takes the latest run, by start time, whose status is FINISHED; older, failed, killed or
still-running runs of the role are listed as skipped so the report can say what it ignored. Runs
come back as the decision stage's own records (:mod:`harness.decide.records`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mlflow.entities import Metric, ViewType
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from harness.decide.records import TEMPLATE_ROLE, RecordedRun, SkippedRun, SuiteRuns
from harness.errors import InputError
from harness.jsonl import read_jsonl

DECISION_ROLE = "decision"
NOT_SUITE_ROLES = frozenset({DECISION_ROLE, "guarded", ""})
"""Roles that are not a variant's run (the decision run itself); every other role is read."""


def _client(tracking_uri: str | None) -> MlflowClient:
    if tracking_uri is None:
        from harness.tracking.store import ensure_store
        from harness.tracking.store import tracking_uri as default_uri

        ensure_store()
        tracking_uri = default_uri()
    return MlflowClient(tracking_uri=tracking_uri)


def _search(client: MlflowClient, filter_string: str) -> list[Any]:
    """All active runs matching the filter, across experiments, newest first.

    Raises:
        InputError: the tracking store cannot be read (a server down, a bad URI).
    """
    try:
        return _search_all(client, filter_string)
    except MlflowException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(client.tracking_uri, f"cannot read runs ({first})") from None


def _search_all(client: MlflowClient, filter_string: str) -> list[Any]:
    exp_ids = [e.experiment_id for e in _all_experiments(client)]
    if not exp_ids:
        return []
    runs: list[Any] = []
    token: str | None = None
    while True:
        page = client.search_runs(
            exp_ids, filter_string, ViewType.ACTIVE_ONLY, 1000, ["attributes.start_time DESC"], token
        )
        runs.extend(page)
        token = page.token
        if not token:
            break
    runs.sort(key=lambda r: (-(r.info.start_time or 0), r.info.run_id))
    return runs


def _all_experiments(client: MlflowClient) -> list[Any]:
    out: list[Any] = []
    token: str | None = None
    while True:
        page = client.search_experiments(ViewType.ACTIVE_ONLY, 1000, None, None, token)
        out.extend(page)
        token = page.token
        if not token:
            return out


def _quote(value: str) -> str:
    return "'" + value.replace("'", "\\'") + "'"


def latest_suite(tracking_uri: str | None = None) -> str | None:
    """The suite of the most recently started run that carries a role (for a default ``--suite``)."""
    client = _client(tracking_uri)
    for run in _search(client, "tags.suite != ''"):
        if run.data.tags.get("role", "") not in NOT_SUITE_ROLES:
            return run.data.tags["suite"]
    return None


def load_suite(suite: str, tracking_uri: str | None = None) -> SuiteRuns:
    """Reads the latest FINISHED run of each role in ``suite`` with its artifacts.

    Raises:
        InputError: the suite has no finished runs, or a chosen run lacks a readable scores.json.
    """
    # MLflow's per-download progress bars would bury the report's one-line summary.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    client = _client(tracking_uri)
    runs = _search(client, f"tags.suite = {_quote(suite)}")
    by_role: dict[str, RecordedRun] = {}
    skipped: list[SkippedRun] = []
    for run in runs:
        role = run.data.tags.get("role", "")
        if role in NOT_SUITE_ROLES:
            continue
        if run.info.status != "FINISHED":
            skipped.append(SkippedRun(run.info.run_id, role, f"status {run.info.status}"))
        elif role in by_role:
            skipped.append(SkippedRun(run.info.run_id, role, "an older finished run of the same role"))
        else:
            by_role[role] = _read_run(client, run, role)
    if not by_role:
        raise InputError(
            f"suite {suite!r}",
            "no FINISHED runs with a role in the tracking store",
            client.tracking_uri,
        )
    ordered = sorted(by_role.items(), key=lambda kv: (kv[0] != TEMPLATE_ROLE, kv[0]))
    return SuiteRuns(suite, dict(ordered), skipped)


def _read_run(client: MlflowClient, run: Any, role: str) -> RecordedRun:
    run_id = run.info.run_id
    names = {a.path for a in client.list_artifacts(run_id)}
    with tempfile.TemporaryDirectory(prefix="harness-compare-") as tmp:

        def fetch(name: str) -> Path | None:
            return Path(client.download_artifacts(run_id, name, tmp)) if name in names else None

        scores_path = fetch("scores.json")
        if scores_path is None:
            raise InputError(f"run {run_id} ({role})", "has no scores.json artifact")
        scores = _read_scores(scores_path, f"run {run_id} ({role}) scores.json")
        pred_path, facts_path, ref_path = (
            fetch("predictions.jsonl"),
            fetch("facts.jsonl"),
            fetch("references.jsonl"),
        )
        predictions = read_jsonl(pred_path, ("categoryId", "output")) if pred_path else None
        facts = read_jsonl(facts_path, ("categoryId",)) if facts_path else None
        references = read_jsonl(ref_path, ("categoryId",)) if ref_path else None
    return RecordedRun(
        run_id=run_id,
        experiment_id=run.info.experiment_id,
        role=role,
        start_time=int(run.info.start_time or 0),
        tags=dict(run.data.tags),
        metrics=dict(run.data.metrics),
        scores=scores,
        predictions=predictions,
        facts=facts,
        references=references,
    )


def _read_scores(path: Path, label: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(label, f"unreadable ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise InputError(label, "expected an object with a 'rows' list")
    for i, row in enumerate(data["rows"]):
        if not isinstance(row, dict) or "categoryId" not in row:
            raise InputError(label, "row without 'categoryId'", f"rows[{i}]")
    if not isinstance(data.get("aggregate", {}), dict):
        raise InputError(label, "'aggregate' is not an object")
    return data


def start_decision_run(
    suite: str, experiment_id: str, *, tags: Mapping[str, str], tracking_uri: str | None = None
) -> str:
    """Creates the RUNNING run tagged ``role=decision`` that a comparison logs into; returns its id."""
    client = _client(tracking_uri)
    all_tags = {"suite": suite, "role": DECISION_ROLE, **tags}
    return str(client.create_run(experiment_id, tags=all_tags, run_name=f"decision-{suite}").info.run_id)


def finish_decision_run(
    run_id: str, *, metrics: Mapping[str, float], artifacts: Iterable[Path], tracking_uri: str | None = None
) -> None:
    """Logs the decision's metrics and report files and ends the run FINISHED; a failure propagates
    and the caller (``decide.compare.run_compare``) ends the run FAILED, once."""
    client = _client(tracking_uri)
    items = [Metric(k, float(v), 0, 0) for k, v in sorted(metrics.items())]
    for start in range(0, len(items), 500):
        client.log_batch(run_id, metrics=items[start : start + 500])
    for path in artifacts:
        client.log_artifact(run_id, str(path))
    client.set_terminated(run_id, "FINISHED")


def fail_decision_run(run_id: str, tracking_uri: str | None = None) -> None:
    """Ends a decision run that stopped halfway (a promotion refused, a report not written) as FAILED."""
    _client(tracking_uri).set_terminated(run_id, "FAILED")
