"""The data-quality report: every row read is either kept or dropped for a named, counted reason.

The old pipeline's most common silent failure was a category whose reviews matched no product, so
the report puts the join rate next to the row counts, and every coercion that turned a cell into a
missing value is counted per column.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class FileQuality:
    """Counts for one input file."""

    path: str
    encoding: str
    rows_read: int = 0
    rows_kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    coerce_failures: dict[str, int] = field(default_factory=dict)
    bad_literals: dict[str, int] = field(default_factory=dict)
    missing_optional_columns: list[str] = field(default_factory=list)

    def drop(self, reason: str, count: int) -> None:
        """Records ``count`` rows dropped for ``reason`` (zero counts are not recorded)."""
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + int(count)


def _per_year(counts: dict[int, int]) -> str:
    return ", ".join(f"{year}: {n:,}" for year, n in counts.items())


@dataclass
class QualityReport:
    """What loading found, for the CLI table, the JSON file and the facts engine's data-quality field.

    Attributes:
        products / reviews: per-file counts (rows read, kept, dropped by reason, coercions).
        products_without_brand / products_without_category: kept, counted.
        duplicate_product_ids: rows after the first with an id already seen (dropped: keep first).
        reviews_unknown_product: kept reviews whose product_id is not among the kept products.
        ratings_out_of_range: reviews dropped because the rating is outside 1..5.
        ratings_missing: reviews kept with a missing or non-numeric rating.
        dates_unparseable: reviews kept with a non-empty date that did not parse (NaT).
        dates_missing: reviews kept with an empty date.
        text_column: the review-text alias that was used, or None when the export has no text.
        reviews_without_text: kept reviews whose text is missing or blank.
        review_years: kept reviews per year of their date (undated ones are not in it).
        growth_years: the years of growthData (first, last); by default the facts engine's window
            for this export (:func:`harness.facts.defaults.growth_window`), or what
            ``harness facts --years`` chose (:meth:`set_growth_years`). None without dated reviews.
        growth_years_source: ``"export"`` (the default window) or ``"option"`` (``--years``).
        text_safety: what the sanitiser masks, removes and drops (``harness data check`` fills it;
            :func:`harness.facts.sanitize.export_text_counts`).
    """

    products: FileQuality
    reviews: FileQuality | None = None
    products_without_brand: int = 0
    products_without_category: int = 0
    duplicate_product_ids: int = 0
    reviews_unknown_product: int = 0
    ratings_out_of_range: int = 0
    ratings_missing: int = 0
    dates_unparseable: int = 0
    dates_missing: int = 0
    text_column: str | None = None
    reviews_without_text: int = 0
    review_years: dict[int, int] = field(default_factory=dict)
    growth_years: tuple[int, int] | None = None
    growth_years_source: str = "export"

    def set_growth_years(self, years: tuple[int, ...], source: str) -> None:
        """Records the growth window the facts used (``years`` consecutive; empty for none)."""
        self.growth_years = (years[0], years[-1]) if years else None
        self.growth_years_source = source

    def reviews_outside_growth_years(self) -> dict[int, int]:
        """Kept dated reviews per year outside the growth window (all of them without one)."""
        first, last = self.growth_years or (1, 0)
        return {year: n for year, n in sorted(self.review_years.items()) if not first <= year <= last}

    def growth_years_note(self) -> str:
        """The window and what falls outside it, in one line (the facts CLI's summary line)."""
        outside = self.reviews_outside_growth_years()
        if self.growth_years is None:
            window = "no growthData years (no dated review)"
        else:
            how = "from the export's review dates" if self.growth_years_source == "export" else "from --years"
            window = f"growthData years {self.growth_years[0]}-{self.growth_years[1]} ({how})"
        if not outside:
            return f"{window}; every dated review is inside them"
        return f"{window}; {sum(outside.values()):,} reviews outside them are not in growthData ({_per_year(outside)})"
    text_safety: dict[str, int] = field(default_factory=dict)

    @property
    def review_join_rate(self) -> float | None:
        """Share of kept reviews whose product is known (None without reviews)."""
        if self.reviews is None or not self.reviews.rows_kept:
            return None
        return 1.0 - self.reviews_unknown_product / self.reviews.rows_kept

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the ``harness data check --json`` file)."""
        out = asdict(self)
        out["review_join_rate"] = self.review_join_rate
        out["review_years"] = {str(year): n for year, n in sorted(self.review_years.items())}
        out["growth_years"] = list(self.growth_years) if self.growth_years else None
        out["reviews_outside_growth_years"] = {str(y): n for y, n in self.reviews_outside_growth_years().items()}
        return out

    def rows(self) -> list[tuple[str, str]]:
        """The report as (label, value) pairs in reading order."""
        lines: list[tuple[str, str]] = []
        for name, part in (("products", self.products), ("reviews", self.reviews)):
            if part is None:
                continue
            lines.append((f"{name}: file", f"{part.path} ({part.encoding})"))
            lines.append((f"{name}: rows read", f"{part.rows_read:,}"))
            lines.append((f"{name}: rows kept", f"{part.rows_kept:,}"))
            for reason, count in sorted(part.dropped.items()):
                lines.append((f"{name}: dropped, {reason}", f"{count:,}"))
            for column, count in sorted(part.coerce_failures.items()):
                lines.append((f"{name}: unparseable {column} (set missing)", f"{count:,}"))
            for column, count in sorted(part.bad_literals.items()):
                lines.append((f"{name}: bad literal in {column} (set empty)", f"{count:,}"))
            if part.missing_optional_columns:
                lines.append((f"{name}: absent optional columns", ", ".join(part.missing_optional_columns)))
        lines.append(("products without brand", f"{self.products_without_brand:,}"))
        lines.append(("products without category", f"{self.products_without_category:,}"))
        lines.append(("duplicate product ids (kept first)", f"{self.duplicate_product_ids:,}"))
        if self.reviews is not None:
            rate = self.review_join_rate
            lines.append(("reviews of unknown products (kept)", f"{self.reviews_unknown_product:,}"))
            lines.append(("review join rate", "n/a" if rate is None else f"{rate:.2%}"))
            lines.append(("ratings outside 1..5 (dropped)", f"{self.ratings_out_of_range:,}"))
            lines.append(("ratings missing (kept)", f"{self.ratings_missing:,}"))
            lines.append(("review dates missing / unparseable", f"{self.dates_missing:,} / {self.dates_unparseable:,}"))
            lines.append(("review text column", self.text_column or "none (no text column)"))
            lines.append(("reviews without text", f"{self.reviews_without_text:,}"))
            years = sorted(self.review_years)
            lines.append(("review years (dated reviews)", f"{years[0]}-{years[-1]}" if years else "none"))
            window = self.growth_years
            source = "default: last review year and up to 5 before" if self.growth_years_source == "export" else "--years"
            lines.append(("growth window (growthData years)", f"{window[0]}-{window[1]} ({source})" if window else "none"))
            outside = self.reviews_outside_growth_years()
            lines.append(("reviews outside the growth window (kept)",
                          f"{sum(outside.values()):,} ({_per_year(outside)})" if outside else "0"))
        for key, count in self.text_safety.items():
            lines.append((f"sanitiser: {key.replace('_', ' ')}", f"{count:,}"))
        return lines

    def render(self) -> str:
        """A readable two-column table (rich), as text."""
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Data quality", show_header=True, header_style="bold")
        table.add_column("check")
        table.add_column("value", justify="right")
        for label, value in self.rows():
            table.add_row(label, value)
        buffer = io.StringIO()
        Console(file=buffer, width=110, force_terminal=False, color_system=None).print(table)
        return buffer.getvalue()
