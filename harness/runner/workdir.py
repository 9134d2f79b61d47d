"""The run's local folder: predictions appended and flushed row by row, so a killed run keeps them.

Generation is the expensive step (minutes per category for a 7B model on a slow card), so every
prediction is on disk the moment it exists. A re-run reads the folder back to skip categories
already predicted (``--resume``) or clears it (``--fresh``). ``state.json`` remembers which MLflow
run the folder belongs to and the config hash, so a resume never mixes two different experiments.

The folder is ``<work>/<suite>/<name>`` and nothing else: names are single path components of a
strict pattern (``name: "."`` once emptied every sibling experiment's folder, ``".."`` the store
itself), the folder must resolve to exactly that place (no symlink out), every file written is
checked to resolve inside it, and ``--fresh`` deletes only the entries listed in the folder's
manifest, which the runner appends to before it creates each one.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from harness.errors import InputError
from harness.ids import category_key
from harness.jsonl import dumps, parse_line

PREDICTIONS = "predictions.jsonl"
TIMINGS = "timings.jsonl"
STATE = "state.json"
LOCK = ".lock"
MANIFEST = "manifest.txt"
SCRATCH = "scratch"
# What runners before the manifest wrote; only these plain files are cleared in a folder without one.
LEGACY_FILES = (PREDICTIONS, TIMINGS, STATE, STATE + ".tmp", "normalized.jsonl", "scores.json", "facts.jsonl",
                "config.yaml")  # fmt: skip
NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}"
NAME_RULE = (
    f"must match {NAME_PATTERN}: letters, digits, '.', '_' and '-', starting with a letter or digit "
    "(it becomes a folder name)"
)
_NAME_RE = re.compile(NAME_PATTERN)


def safe_name(value: str) -> str:
    """``value`` when it is a safe single folder name (never ``.``, ``..``, a slash or blank), else ValueError."""
    if not _NAME_RE.fullmatch(value):
        raise ValueError(NAME_RULE)
    return value


def _inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is strictly below ``folder`` (both resolved)."""
    return folder in path.parents


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
            rows.append(parse_line(line, path, lineno))
        except InputError as exc:
            if lineno == len(lines):
                return rows, 1
            raise InputError(path, f"{exc.problem} in a run folder (not a torn last line)", f"line {lineno}") from None
    return rows, 0


class RunFolder:
    """One experiment's local folder under ``root``, locked while a process writes to it.

    Raises :class:`InputError` (before anything is created) when ``path`` is not strictly inside
    ``root`` or resolves elsewhere (a symlinked folder).
    """

    def __init__(self, path: Path, root: Path) -> None:
        root_real = root.resolve()
        relative = path.relative_to(root) if path.is_relative_to(root) else None
        expected = root_real.joinpath(*relative.parts) if relative is not None and relative.parts else None
        if expected is None or path.resolve() != expected:
            raise InputError(
                path, f"resolves to {path.resolve()}, outside its own work folder under {root_real}; refusing to use it"
            )
        self.path = expected
        self._lock: IO[str] | None = None
        self._pred: IO[str] | None = None
        self._timing: IO[str] | None = None
        self._manifest: list[str] = []

    @classmethod
    def for_experiment(cls, root: Path, suite: str, name: str) -> RunFolder:
        """``<root>/<suite>/<name>`` after checking both are safe names (one line, exit 2 otherwise)."""
        for key, value in (("suite", suite), ("name", name)):
            try:
                safe_name(value)
            except ValueError as exc:
                raise InputError(root, f"{exc} (got {value!r})", f"key '{key}'") from None
        return cls(root / suite / name, root)

    def acquire(self) -> None:
        """Takes the folder's lock; a second run of the same experiment at once is refused."""
        self.path.mkdir(parents=True, exist_ok=True)
        handle = self._checked(LOCK).open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise InputError(self.path, "another run of this experiment is writing here right now") from None
        self._lock = handle
        self._manifest = self._read_manifest()

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

    def _checked(self, name: str) -> Path:
        """``<folder>/<name>`` for a plain entry name that resolves inside the folder; InputError otherwise."""
        path = self.path / name
        if name in ("", ".", "..") or "/" in name or "\\" in name or not _inside(path.resolve(), self.path):
            raise InputError(path, f"resolves outside the run folder {self.path}; refusing to write or delete it")
        return path

    def _read_manifest(self) -> list[str]:
        path = self._checked(MANIFEST)
        if not path.exists():
            return []
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line]

    def file(self, name: str) -> Path:
        """The path of an entry the runner is about to write: checked, then listed in the manifest."""
        path = self._checked(name)
        if name not in self._manifest:
            with self._checked(MANIFEST).open("a", encoding="utf-8") as handle:
                handle.write(name + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            self._manifest.append(name)
        return path

    def scratch(self) -> Path:
        """A folder the runner creates for a variant's own files (SFT data, adapters); cleared with the rest."""
        path = self.file(SCRATCH)
        path.mkdir(exist_ok=True)
        return path

    def state(self) -> dict[str, Any] | None:
        path = self._checked(STATE)
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return None

    def write_state(self, **state: Any) -> None:
        tmp = self.file(STATE + ".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.file(STATE))

    def clear(self) -> None:
        """Removes what the manifest lists, after checking every entry (the lock file stays: we hold it).

        Anything else in the folder (a user's notes, files of another tool) is left alone; a folder
        from before the manifest existed loses only the plain files the runner is known to write.
        """
        names = self._read_manifest() or [n for n in LEGACY_FILES if (self.path / n).is_file()]
        targets = [self._checked(name) for name in names if name not in (LOCK, MANIFEST)]
        for target in targets:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
        self._checked(MANIFEST).unlink(missing_ok=True)
        self._manifest = []

    def recover(self) -> Recovered:
        """Reads back every file the runner appends to, rewriting each without a torn last line
        (appends must start on a clean line, or the next read finds malformed JSON mid-file)."""
        rows: dict[str, list[dict[str, Any]]] = {}
        torn_total = 0
        for name in (PREDICTIONS, TIMINGS):
            rows[name], torn = _read_rows(self._checked(name))
            if torn:
                self._rewrite(name, rows[name])
                torn_total += torn
        return Recovered(predictions=rows[PREDICTIONS], timings=rows[TIMINGS], torn_lines=torn_total)

    def _rewrite(self, name: str, rows: list[dict[str, Any]]) -> None:
        with self.file(name).open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(dumps(row) + "\n")

    def append(self, prediction: dict[str, Any], timing: dict[str, Any]) -> None:
        """Appends one prediction and its timing, flushed and fsynced before returning."""
        if self._pred is None:
            self._pred = self.file(PREDICTIONS).open("a", encoding="utf-8")
            self._timing = self.file(TIMINGS).open("a", encoding="utf-8")
        assert self._timing is not None
        for handle, row in ((self._pred, prediction), (self._timing, timing)):
            handle.write(dumps(row) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
