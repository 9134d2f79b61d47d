"""Generated blocks in a Markdown file: the text between two HTML-comment markers, rewritten whole.

The README carries figures that code computes (the metric table, the calibration and power
figures); each lives between ``<!-- NAME:begin (GENERATOR) -->`` and ``<!-- NAME:end -->`` so a
generator can rewrite it and a test can say when it is stale.
"""

from __future__ import annotations

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
