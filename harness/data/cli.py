"""``harness data check`` (quality report of an export pair) and ``harness data synth`` (sample data)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

data_app = typer.Typer(help="Load, check and synthesise product/review exports.", no_args_is_help=True)


class Scale(StrEnum):
    """Synthetic data sizes: ``small`` is committed under data/sample, ``large`` is for benchmarks."""

    small = "small"
    large = "large"


@data_app.command("check")
def check(
    products: Annotated[Path, typer.Option("--products", help="products_all.csv")],
    reviews: Annotated[Path, typer.Option("--reviews", help="reviews_all.csv")],
    json_out: Annotated[Path | None, typer.Option("--json", help="also write the report as JSON here")] = None,
) -> None:
    """Load both exports and print the data-quality report (rows kept/dropped and why)."""
    from harness.data.load import load_exports
    from harness.facts.sanitize import export_text_counts

    exports = load_exports(products, reviews)
    exports.quality.text_safety = export_text_counts(exports.products, exports.reviews)
    typer.echo(exports.quality.render())
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(exports.quality.to_dict(), ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
        typer.echo(f"wrote {json_out}")


@data_app.command("synth")
def synth(
    out: Annotated[Path, typer.Option("--out", help="directory for products_all.csv and reviews_all.csv")],
    seed: Annotated[int, typer.Option("--seed", help="random seed: same seed, same bytes")] = 7,
    scale: Annotated[Scale, typer.Option("--scale", help="small (committed sample) or large (benchmarks)")] = Scale.small,
) -> None:
    """Write a synthetic export pair in the real export's shape."""
    from harness.data.synth.generate import generate

    result = generate(out, seed=seed, scale=scale.value, progress=True)
    typer.echo(
        f"wrote {result.products_path} ({result.products:,} products, {result.categories:,} categories) "
        f"and {result.reviews_path} ({result.reviews:,} reviews)"
    )


def register(app: typer.Typer) -> None:
    """Adds the ``data`` command group to the root app."""
    app.add_typer(data_app, name="data")
