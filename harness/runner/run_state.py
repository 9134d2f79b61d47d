"""Run states kept honest: a run that died unclosed is found and ended, a stopped run says so in one line.

``state.json`` in the run folder records which MLflow run the folder belongs to, its status and the
process writing it. A process holds the folder's lock while it runs, so a later ``harness run``
that gets the lock and reads ``RUNNING`` knows that process is gone without closing its run
(``kill -9``, out of memory, a lost machine): the MLflow run would otherwise stay RUNNING forever.
It is ended FAILED with the reason before anything else happens, whether the user then resumes
it or starts over. Kept apart from :mod:`harness.runner.run` so that the run's main path stays
about generating, scoring and logging.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.errors import Stopped
from harness.runner.workdir import RunFolder
from harness.tracking.runlog import END_REASON_TAG, RESUMED_FROM_TAG, RunTerminated, end_dead_run

__all__ = ["END_REASON_TAG", "RESUMED_FROM_TAG", "close_dead_run", "state_fields", "stopped"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def state_fields(run_id: str, config_hash: str, status: str) -> dict[str, Any]:
    """What ``state.json`` records: the run, the config, the status and who wrote it when."""
    return {"run_id": run_id, "config_hash": config_hash, "status": status, "pid": os.getpid(),
            "host": socket.gethostname(), "written": _now()}  # fmt: skip


def close_dead_run(folder: RunFolder, uri: str, note: Callable[[str], None]) -> str | None:
    """Ends the folder's run FAILED when its process died without closing it; returns its id.

    Must be called with the folder's lock held (that is what proves the writer is gone).
    """
    state = folder.state()
    if not state or state.get("status") != "RUNNING" or not state.get("run_id"):
        return None
    run_id = str(state["run_id"])
    who = f"pid {state.get('pid', '?')} on {state.get('host', '?')}, last state {state.get('written', '?')}"
    reason = (f"the process that ran it ({who}) ended without closing it (SIGKILL, out of memory or a lost "
              f"machine); found by the next `harness run` at {_now()}")  # fmt: skip
    if end_dead_run(run_id, reason, uri):
        note(f"run {run_id} was left RUNNING by a process that died; marked FAILED ({reason})")
    folder.write_state(**{**state, "status": "INTERRUPTED"})
    return run_id


def stopped(exc: BaseException, run_id: str | None, experiment: Path, folder: RunFolder, total: int) -> Stopped:
    """The one line a SIGINT or SIGTERM ends ``harness run`` with (the run is already KILLED)."""
    signum = exc.signum if isinstance(exc, RunTerminated) else signal.SIGINT
    if not run_id:
        return Stopped(signum, f"{experiment}: {signum.name} before its MLflow run started; nothing to resume")
    try:
        done = len(folder.recover().done_ids)
    except Exception:  # noqa: BLE001 - the line is still worth printing without the count
        done = "?"  # type: ignore[assignment]
    return Stopped(signum, f"{experiment}: {signum.name}: run {run_id} marked KILLED; {done} of {total} categories "
                           f"kept in {folder.path}; `harness run {experiment} --resume` continues it")  # fmt: skip
