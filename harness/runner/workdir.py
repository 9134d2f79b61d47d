"""The run's local folder: predictions appended and flushed row by row, so a killed run keeps them.

Generation is the expensive step (minutes per category for a 7B model on a slow card), so every
prediction is on disk the moment it exists. A re-run reads the folder back to skip categories
already predicted (``--resume``) or clears it (``--fresh``). ``state.json`` remembers which MLflow
run the folder belongs to and the config hash, so a resume never mixes two different experiments.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from harness.errors import InputError
from harness.ids import category_key

PREDICTIONS = "predictions.jsonl"
TIMINGS = "timings.jsonl"
STATE = "state.json"
LOCK = ".lock"


@dataclass(frozen=True)
class Recovered:
    """What an earlier attempt left: rows that parsed, and the torn last line, if any, that did not."""

    predictions: list[dict[str, Any]]
    timings: list[dict[str, Any]]
    torn_lines: int

    @property
    def done_ids(self) -> set[str]:
        return {category_key(row["categoryId"]) for row in self.predictions}


def _read_rows(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Parses JSONL, tolerating only a torn final line (a write cut off by a kill)."""
    if not path.exists():
        return [], 0
    lines = path.read_text(encoding="utf-8").splitlines()
    rows: list[dict[str, Any]] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            if lineno == len(lines):
                return rows, 1
            raise InputError(
                path, "malformed JSON in a run folder (not a torn last line)", f"line {lineno}"
            ) from None
    return rows, 0


class RunFolder:
    """One experiment's local folder, locked while a process writes to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock: IO[str] | None = None
        self._pred: IO[str] | None = None
        self._timing: IO[str] | None = None

    def acquire(self) -> None:
        """Takes the folder's lock; a second run of the same experiment at once is refused."""
        self.path.mkdir(parents=True, exist_ok=True)
        handle = (self.path / LOCK).open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise InputError(self.path, "another run of this experiment is writing here right now") from None
        self._lock = handle

    def release_writers(self) -> None:
        """Closes the append handles (everything in them is already flushed)."""
        for handle in (self._pred, self._timing):
            if handle is not None:
                handle.close()
        self._pred = self._timing = None

    def release(self) -> None:
        self.release_writers()
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def state(self) -> dict[str, Any] | None:
        path = self.path / STATE
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return None

    def write_state(self, **state: Any) -> None:
        tmp = self.path / (STATE + ".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path / STATE)

    def clear(self) -> None:
        """Removes everything an earlier attempt wrote (the lock file stays: we hold it)."""
        for child in self.path.iterdir():
            if child.name == LOCK:
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    def recover(self) -> Recovered:
        preds, torn = _read_rows(self.path / PREDICTIONS)
        timings, _ = _read_rows(self.path / TIMINGS)
        if torn:  # rewrite without the torn tail so appends start on a clean line
            self._rewrite(PREDICTIONS, preds)
        return Recovered(predictions=preds, timings=timings, torn_lines=torn)

    def _rewrite(self, name: str, rows: list[dict[str, Any]]) -> None:
        with (self.path / name).open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    def append(self, prediction: dict[str, Any], timing: dict[str, Any]) -> None:
        """Appends one prediction and its timing, flushed and fsynced before returning."""
        if self._pred is None:
            self._pred = (self.path / PREDICTIONS).open("a", encoding="utf-8")
            self._timing = (self.path / TIMINGS).open("a", encoding="utf-8")
        assert self._timing is not None
        for handle, row in ((self._pred, prediction), (self._timing, timing)):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def file(self, name: str) -> Path:
        return self.path / name
