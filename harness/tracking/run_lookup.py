"""Finding an interrupted run of an experiment in the tracking store, for a machine that never saw it.

A GPU notebook that dies takes its local run folder with it; the MLflow run (KILLED or FAILED),
the predictions it logged on the way down and its logged adapter are still in the store. A
``harness run --resume`` elsewhere finds that run by experiment name and config hash.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ADOPTABLE = ("KILLED", "FAILED")


def interrupted_run(suite: str, name: str, config_hash: str, uri: str) -> str | None:
    """The newest KILLED or FAILED run of experiment ``name`` with this config hash, or None.

    A run still RUNNING in the store is never taken over: it may be running on another machine
    right now (the runner then starts a new run, and says so).
    """
    from mlflow import MlflowClient

    from harness.tracking.runs_query import _quote

    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name(suite)
    if experiment is None:
        return None
    runs = client.search_runs(
        [experiment.experiment_id],
        f"tags.experiment = {_quote(name)} and tags.config_hash = {_quote(config_hash)}"
        " and attributes.status != 'FINISHED'",
        order_by=["attributes.start_time DESC"],
        max_results=1,
    )
    if not runs or runs[0].info.status not in ADOPTABLE:
        return None
    return str(runs[0].info.run_id)


def fetch_run_file(run_id: str, name: str, dst: Path, uri: str) -> bool:
    """Copies the run's top-level artifact ``name`` to ``dst``; False when the run did not log it."""
    from mlflow import MlflowClient

    client = MlflowClient(uri)
    if name not in {a.path for a in client.list_artifacts(run_id)}:
        return False
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    with tempfile.TemporaryDirectory(prefix="harness-resume-") as tmp:
        shutil.copyfile(client.download_artifacts(run_id, name, tmp), dst)
    return True
