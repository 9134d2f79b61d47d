"""JSON Lines reading and writing with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from harness.errors import InputError


def dumps(obj: Any, indent: int | None = None) -> str:
    """JSON with Hangul unescaped, except where it would not be valid UTF-8: a lone surrogate (a
    model can emit one; a predictions file can carry ``"\\ud800"``) is written as its ``\\u``
    escape, so the text always encodes and reads back to the same string."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, indent=indent)
    return text


def parse_line(line: str, path: str | Path, lineno: int) -> Any:
    """One JSON value, or :class:`InputError` naming the line (malformed, or nested too deeply)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"malformed JSON ({exc.msg})", f"line {lineno}") from None
    except RecursionError:
        raise InputError(path, "nested too deeply to read (over Python's recursion limit)", f"line {lineno}") from None


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
                obj = parse_line(line, path, lineno)
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
            handle.write(dumps(row) + "\n")
            count += 1
    return count
