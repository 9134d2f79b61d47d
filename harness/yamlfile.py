"""YAML reading with errors that name the file and line: the YAML twin of :mod:`harness.jsonl`.

Experiments, decision rules, the gate baseline and the golden set's files are all YAML; reading
them through one function keeps the "cannot read" and "malformed YAML (problem)" lines the same
everywhere, with the line number where the parser knows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.errors import InputError

MAX_YAML_BYTES = 1_000_000
"""Every YAML the harness reads is a hand-written config of a few kilobytes; a bigger one is a
mistake (or an attack) that would otherwise be parsed, validated and logged as an artifact."""


def read_yaml(path: str | Path, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """The parsed document (``None`` for an empty file); :class:`InputError` if unreadable, over
    ``max_bytes``, not UTF-8, nested too deeply or malformed."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(path, f"is {size:,} bytes, over the {max_bytes:,}-byte limit for a YAML config")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise InputError(path, "nested too deeply to read (over Python's recursion limit)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise InputError(path, f"malformed YAML ({getattr(exc, 'problem', None) or exc})", where) from None
