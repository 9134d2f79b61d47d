"""Output helpers the benchmarks share: each owns one marked section of ``benchmarks/RESULTS.md`` and
rewrites only that, prints its figures as JSON (optionally to a file) and tables them the same way."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("RESULTS.md")


def replace_section(section: str, start: str, end: str, results: Path = RESULTS) -> None:
    """Puts ``section`` (which carries its own ``start``/``end`` markers) in place of the old one.

    Other benchmarks' sections stay byte for byte; a section seen for the first time is appended.
    """
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    body = section.rstrip("\n")
    if start in text and end in text:
        text = text[: text.index(start)] + body + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    results.write_text(text, encoding="utf-8")


def emit_json(result: Mapping[str, Any], path: Path | None = None) -> None:
    """Prints a benchmark's figures as JSON and, with ``--json PATH``, writes the same text there."""
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if path is not None:
        path.write_text(text + "\n", encoding="utf-8")


def figure_table(figures: Mapping[str, float], counts: Collection[str]) -> list[str]:
    """A two-column markdown table: the ``counts`` keys as integers, every other figure to 2 decimals."""
    lines = ["| figure | value |", "|---|---|"]
    for key, value in figures.items():
        lines.append(f"| {key} | {value:,.0f} |" if key in counts else f"| {key} | {value:,.2f} |")
    return lines
