"""``harness facts``: one validated facts object per category, written as JSON Lines."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from harness.facts.defaults import DEFAULT_SAMPLE_SIZE


def _years(text: str | None) -> range | None:
    """Parses ``2020-2025`` (inclusive) into a range of years; None (the export's window) stays None."""
    from harness.errors import InputError

    if text is None:
        return None
    try:
        first, last = (int(part) for part in text.split("-", 1))
    except ValueError:
        raise InputError(None, f"--years must look like 2020-2025, got {text!r}") from None
    if last < first:
        raise InputError(None, f"--years runs backwards: {text!r}")
    return range(first, last + 1)


def facts(
    products: Annotated[Path, typer.Option("--products", help="products_all.csv")],
    reviews: Annotated[Path, typer.Option("--reviews", help="reviews_all.csv")],
    out: Annotated[Path, typer.Option("--out", help="facts JSONL to write (one object per category)")],
    category_id: Annotated[
        str | None, typer.Option("--category-id", help="only this category id (all paths that reuse it)")
    ] = None,
    category_contains: Annotated[
        str | None,
        typer.Option("--category-contains", help="only the category whose path contains this text (most reviews wins)"),
    ] = None,
    insights: Annotated[
        bool, typer.Option("--insights/--no-insights", help="review insights (Kiwi keywords, examples)")
    ] = True,
    keyword_sample: Annotated[
        int,
        typer.Option(
            "--keyword-sample", min=1,
            help="reviews per category sampled for keywords and examples (bounds the Kiwi work per category)",
        ),
    ] = DEFAULT_SAMPLE_SIZE,
    years: Annotated[
        str | None,
        typer.Option("--years", help="years of growthData, inclusive, e.g. 2020-2025 "
                     "[default: the export's last review year and up to five before it]"),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the per-category review sample")] = 0,
) -> None:
    """Compute every category's market facts and review insights from a product/review export."""
    from harness.data.load import load_exports
    from harness.facts.engine import compute_facts
    from harness.jsonl import write_jsonl

    started = time.perf_counter()
    print(f"loading {products} and {reviews} ...", file=sys.stderr)
    exports = load_exports(products, reviews, review_text=insights)  # without insights no text reaches the facts
    loaded = time.perf_counter()
    rows = compute_facts(
        exports.products,
        exports.reviews,
        category_id=category_id,
        category_contains=category_contains,
        insights=insights,
        keyword_sample=keyword_sample,
        years=_years(years),
        seed=seed,
        progress=True,
        notify=lambda note: print(f"note: {note}", file=sys.stderr),
    )
    written = write_jsonl(out, rows)
    done = time.perf_counter()
    if rows:  # the window the facts used (the loader's default unless --years chose one)
        window = rows[0]["growthWindow"]
        span = (window["firstYear"], window["lastYear"]) if window else ()
        exports.quality.set_growth_years(span, "option" if years is not None else "export")
    typer.echo(exports.quality.render())
    matched = sum(r["dataQuality"]["reviewsMatched"] for r in rows)
    rejected = sum(r["dataQuality"]["reviewsRatingRejected"] for r in rows)
    no_reviews = sum(1 for r in rows if r["dataQuality"]["reviewsMatched"] == 0)
    with_counts = sum(1 for r in rows if r["dataQuality"]["reviewsMatched"] == 0 and r["metrics"]["totalReviewCount"] > 0)
    reused = sorted({str(r["categoryId"]).split("~")[0] for r in rows if "sourceCategoryId" in r["dataQuality"]})
    unknown = rows[0]["dataQuality"]["exportReviewsUnknownProduct"] if rows else 0
    noun = "category" if written == 1 else "categories"
    typer.echo(f"wrote {written:,} {noun} to {out} (load {loaded - started:.1f} s, facts {done - loaded:.1f} s)")
    typer.echo(f"review rows matched to these categories: {matched:,}; rejected ratings: {rejected:,}; "
               f"reviews of unknown products in the export: {unknown:,}")
    typer.echo(exports.quality.growth_years_note())
    if no_reviews:
        typer.echo(f"categories without matched review rows: {no_reviews:,} "
                   f"({with_counts:,} of them have review_count > 0: check the join)")
    if reused:
        typer.echo(f"category ids reused for several paths (disambiguated as <id>~<n>): {', '.join(reused)}")


def register(app: typer.Typer) -> None:
    """Adds ``harness facts`` to the root app."""
    app.command("facts")(facts)
