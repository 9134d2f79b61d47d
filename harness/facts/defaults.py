"""Defaults shared by the facts engine, its CLI and the data-quality report, kept import-free so
the CLI starts fast."""

DEFAULT_SAMPLE_SIZE = 100
"""Reviews per category that go through the Korean analyser for keywords (the work bound)."""

GROWTH_SPAN = 6
"""Years of growthData by default: the export's last review year and the five before it."""


def growth_window(first_year: int | None, last_year: int | None, span: int = GROWTH_SPAN) -> tuple[int, ...]:
    """The default years of growthData, from the years the export's reviews span.

    The window ends at the export's last review year (so its latest, possibly partial, year is
    never left out) and reaches ``span`` years back, or to the first year with reviews when that
    is later (no run of leading empty years). The research log's fixed 2020-2025 was a fact of its
    export, not a rule. Without a dated review there is no window: ``()``.

    Args:
        first_year: year of the export's earliest dated review (None without one).
        last_year: year of the export's end, normally its latest dated review (None without one).
        span: the most years the window covers.
    """
    if last_year is None:
        return ()
    start = last_year - span + 1
    if first_year is not None:
        start = max(start, min(first_year, last_year))
    return tuple(range(start, last_year + 1))
