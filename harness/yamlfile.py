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


def read_yaml(path: str | Path) -> Any:
    """The parsed document (``None`` for an empty file); :class:`InputError` if unreadable or malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise InputError(path, f"malformed YAML ({getattr(exc, 'problem', None) or exc})", where) from None
