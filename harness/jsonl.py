"""JSON Lines reading and writing with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from harness.errors import InputError


def iter_jsonl(path: str | Path, required: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    """Yields one object per non-blank line, raising :class:`InputError` on the first bad line.

    Args:
        path: the JSONL file.
        required: keys every object must carry.
    """
    path = Path(path)
    required = tuple(required)
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(path, f"cannot open: {exc.strerror or exc}") from None
    with handle:
        try:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(path, f"malformed JSON ({exc.msg})", f"line {lineno}") from None
                if not isinstance(obj, dict):
                    raise InputError(path, f"expected a JSON object, got {type(obj).__name__}", f"line {lineno}")
                missing = [k for k in required if k not in obj]
                if missing:
                    raise InputError(path, f"missing field {missing[0]!r}", f"line {lineno}")
                yield obj
        except UnicodeDecodeError:
            raise InputError(path, "not UTF-8 text") from None


def read_jsonl(path: str | Path, required: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Reads a whole JSONL file; see :func:`iter_jsonl`."""
    return list(iter_jsonl(path, required))


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> int:
    """Writes rows as UTF-8 JSON Lines (Hangul unescaped); returns the number written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
