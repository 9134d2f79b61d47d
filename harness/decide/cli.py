"""``harness compare``: the decision report from a suite's MLflow runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Adds ``harness compare`` to the root app."""

    @app.command()
    def compare(
        suite: Annotated[
            str | None, typer.Option(help="suite tag of the runs; default: the suite of the latest run")
        ] = None,
        rules: Annotated[Path, typer.Option(help="decision rules file")] = Path(
            "experiments/decision_rules.yaml"
        ),
        out_dir: Annotated[Path, typer.Option("--out-dir", help="where decision.md/.html go")] = Path(
            "reports"
        ),
        log_run: Annotated[
            bool,
            typer.Option("--log-run/--no-log-run", help="log a role=decision MLflow run with the reports"),
        ] = True,
        promote: Annotated[
            bool,
            typer.Option(
                "--promote",
                help="register every candidate as a version of the rules' registered model and move the alias"
                " champion to the verdict (the replaced champion becomes previous)",
            ),
        ] = False,
    ) -> None:
        """Apply the decision rules to a suite's runs and write reports/decision.md and .html."""
        from harness.decide.compare import run_compare

        result = run_compare(suite, rules, out_dir, log_run=log_run, promote=promote)
        typer.echo(result.decision.headline)
        for role, g in result.guarded.items():
            typer.echo(
                f"guarded {role}: template fallback on {g.fallbacks}/{g.total} outputs ({g.fallback_rate:.1%})"
            )
        typer.echo(f"reports: {out_dir / 'decision.md'}, {out_dir / 'decision.html'}")
        if result.decision_run_id:
            typer.echo(f"decision run: {result.decision_run_id}")
        if result.promotion is not None:
            p = result.promotion
            previous = f"version {p.previous}" if p.previous else "none"
            typer.echo(f"promoted: models:/{p.registered_model}@champion = version {p.champion}"
                       f" ({p.champion_candidate}); @previous = {previous}")  # fmt: skip
            for note in p.notes:
                typer.echo(f"note: {note}")
