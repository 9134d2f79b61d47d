"""One MLflow run's life: start or resume it, log masked params/tags, end it with an honest status.

A run that dies halfway must say so in the UI (KILLED for Ctrl-C or SIGTERM, FAILED for an
exception) instead of hanging in RUNNING forever, and it must be resumable by id. Everything that
reaches the store passes through :mod:`harness.tracking.masking`.
"""

from __future__ import annotations

import math
import signal
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Self

from harness.tracking.masking import mask_mapping, mask_text
from harness.tracking.store import artifact_root, ensure_store, tracking_uri

MAX_PARAM_LEN = 6000
MAX_REASON_LEN = 500
END_REASON_TAG = "harness.end_reason"
"""Why a run ended KILLED or FAILED (the signal, the exception, or a process that died unclosed)."""
RESUMED_FROM_TAG = "harness.resumed_from"
"""On a resumed run: how its earlier attempt ended (the end reason moves here when it resumes)."""


class RunTerminated(BaseException):
    """Raised in the main thread when SIGTERM arrives, so the run can be closed as KILLED."""

    signum = signal.SIGTERM


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise RunTerminated(f"signal {signum}")


def end_reason(exc_type: type[BaseException], exc: BaseException | None) -> str:
    """The END_REASON_TAG text for an exception that ended a run."""
    if issubclass(exc_type, RunTerminated):
        return "SIGTERM"
    if issubclass(exc_type, KeyboardInterrupt):
        return "SIGINT (Ctrl-C)"
    return f"{exc_type.__name__}: {exc}"[:MAX_REASON_LEN]


def experiment_id_for(name: str, uri: str) -> str:
    """Gets or creates an experiment; local stores keep its artifacts beside the database.

    Two processes may create the same experiment at once; the loser of that race reads the
    winner's experiment instead of failing.
    """
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(uri)
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    root = artifact_root(uri)
    location = None
    if root is not None:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
        location = str(Path(root) / safe)
    try:
        return client.create_experiment(name, artifact_location=location)
    except MlflowException:
        found = client.get_experiment_by_name(name)
        if found is None:
            raise
        return found.experiment_id


def end_dead_run(run_id: str, reason: str, uri: str | None = None) -> bool:
    """Ends a run still RUNNING in the store as FAILED with ``reason``; False when it was not RUNNING.

    For a run whose process died without closing it (SIGKILL, out of memory, a lost machine):
    nothing else would ever end it, and the UI would show it running forever.
    """
    from mlflow import MlflowClient

    client = MlflowClient(uri or tracking_uri())
    if run_status(run_id, uri) != "RUNNING":
        return False
    client.set_tag(run_id, END_REASON_TAG, mask_text(reason)[:MAX_REASON_LEN])
    client.set_terminated(run_id, status="FAILED")
    return True


def _note_resume(run_id: str, uri: str) -> None:
    """Moves the earlier attempt's end reason to RESUMED_FROM_TAG (the run is about to run again)."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(uri)
    try:
        run = client.get_run(run_id)
    except MlflowException:
        return
    reason = run.data.tags.get(END_REASON_TAG)
    client.set_tag(run_id, RESUMED_FROM_TAG, f"{run.info.status}: {reason or 'no reason recorded'}"[:MAX_REASON_LEN])
    if reason is not None:
        client.delete_tag(run_id, END_REASON_TAG)


def run_status(run_id: str, uri: str | None = None) -> str | None:
    """The run's status (RUNNING, FINISHED, FAILED, KILLED), or None when the store lacks it."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        return MlflowClient(uri or tracking_uri()).get_run(run_id).info.status
    except MlflowException:
        return None


class TrackedRun:
    """Context manager around one MLflow run (new, or resumed by ``resume_run_id``).

    On exit the run ends FINISHED, KILLED (KeyboardInterrupt, SIGTERM) or FAILED (any other
    exception); the exception still propagates.
    """

    def __init__(
        self, experiment: str, run_name: str, resume_run_id: str | None = None, uri: str | None = None
    ) -> None:
        self.experiment = experiment
        self.run_name = run_name
        self.resume_run_id = resume_run_id
        self.uri = uri or tracking_uri()
        self.run_id = ""
        self.experiment_id = ""
        self.status = "RUNNING"
        self._old_handler: Any = None
        self._existing_params: dict[str, str] = {}

    def __enter__(self) -> Self:
        import mlflow

        ensure_store(self.uri)
        mlflow.set_tracking_uri(self.uri)
        self.experiment_id = experiment_id_for(self.experiment, self.uri)
        if self.resume_run_id:
            _note_resume(self.resume_run_id, self.uri)
            run = mlflow.start_run(run_id=self.resume_run_id)
            self._existing_params = dict(run.data.params)
        else:
            run = mlflow.start_run(experiment_id=self.experiment_id, run_name=mask_text(self.run_name))
        self.run_id = run.info.run_id
        try:
            self._old_handler = signal.signal(signal.SIGTERM, _raise_terminated)
        except ValueError:  # not the main thread: SIGTERM keeps its default meaning
            self._old_handler = None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        import mlflow

        if self._old_handler is not None:
            signal.signal(signal.SIGTERM, self._old_handler)
        if exc_type is None:
            self.status = "FINISHED"
        elif issubclass(exc_type, KeyboardInterrupt | RunTerminated):
            self.status = "KILLED"
        else:
            self.status = "FAILED"
        if exc_type is not None:
            mlflow.set_tag(END_REASON_TAG, mask_text(end_reason(exc_type, exc)))
        mlflow.end_run(status=self.status)

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Logs masked params; on resume, keys already logged keep their first value.

        MLflow refuses to change a logged param, and a resumed run may see a new git commit, so
        changed values are recorded as a ``resume.changed_params`` tag instead of failing the run.
        """
        import mlflow

        masked = {k: v[:MAX_PARAM_LEN] for k, v in mask_mapping(params).items()}
        fresh = {k: v for k, v in masked.items() if k not in self._existing_params}
        changed = sorted(
            k for k, v in masked.items() if k in self._existing_params and self._existing_params[k] != v
        )
        if fresh:
            mlflow.log_params(fresh)
            self._existing_params.update(fresh)
        if changed:
            mlflow.set_tag("resume.changed_params", ",".join(changed)[:MAX_PARAM_LEN])

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        import mlflow

        mlflow.set_tags(mask_mapping(tags))

    def log_metrics(self, metrics: Mapping[str, float | int | bool | None], step: int | None = None) -> None:
        """Logs numeric metrics; None becomes NaN so every contracted name is present in the run."""
        import mlflow

        clean = {k: (math.nan if v is None else float(v)) for k, v in metrics.items()}
        mlflow.log_metrics(clean, step=step)

    def log_text_artifact(self, path: Path, name: str | None = None) -> None:
        """Logs a text file under its name (or ``name``) after masking credentials in a copy."""
        import mlflow

        text = mask_text(path.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / (name or path.name)
            copy.write_text(text, encoding="utf-8")
            mlflow.log_artifact(str(copy))
