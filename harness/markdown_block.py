"""Generated blocks in a Markdown file: the text between two HTML-comment markers, rewritten whole.

The README carries figures that code computes (the metric table, the calibration and power
figures); each lives between ``<!-- NAME:begin (GENERATOR) -->`` and ``<!-- NAME:end -->`` so a
generator can rewrite it and a test can say when it is stale.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from harness.errors import InputError


def markers(name: str, generator: str) -> tuple[str, str]:
    """The begin and end markers of block ``name``; ``generator`` tells a reader how to refresh it."""
    return f"<!-- {name}:begin ({generator}) -->", f"<!-- {name}:end -->"


def replace_block(text: str, name: str, generator: str, body: str, where: str) -> str:
    """``text`` with block ``name`` replaced by ``body``; an InputError naming ``where`` without markers."""
    begin, end = markers(name, generator)
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise InputError(where, f"the {name} markers are missing ({begin!r} ... {end!r})")
    return text[: start + len(begin)] + "\n" + body + "\n" + text[stop:]


def rewrite_cli(argv: list[str], update: Callable[[str, Path], str], what: str) -> int:
    """``python -m <generator> [--check] [FILE]``: rewrites FILE (default README.md) with ``update``;
    with ``--check`` exits 1 when the file is stale, so a test and ``make readme`` share one entry."""
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"] or ["README.md"]
    path = Path(paths[0])
    text = path.read_text(encoding="utf-8")
    new = update(text, path)
    if new == text:
        return 0
    if check:
        print(f"{path}: the {what} is stale; run `make readme`", file=sys.stderr)
        return 1
    path.write_text(new, encoding="utf-8")
    print(f"{path}: {what} updated")
    return 0
