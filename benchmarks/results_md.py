"""Each benchmark owns one marked section of ``benchmarks/RESULTS.md`` and rewrites only that."""

from __future__ import annotations

from pathlib import Path

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
