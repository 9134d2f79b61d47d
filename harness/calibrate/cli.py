"""``harness calibration build`` and ``harness calibration check`` (``make calibration``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

calibration_app = typer.Typer(
    help="Calibration writers of known quality, run through the real decision rules.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Adds the ``calibration`` command group to the root app."""

    @calibration_app.command("build")
    def build(
        golden: Annotated[Path, typer.Option(help="golden folder (facts, calibration/expert.jsonl)")] = Path("golden"),
        out_dir: Annotated[Path, typer.Option("--out-dir", help="where the predictions files go")] = Path(
            "experiments/predictions/calibration"
        ),
    ) -> None:
        """Write every calibration writer's predictions file (template, expert, stuffer, degraded)."""
        from harness.calibrate.writers import WRITERS, read_expert, writer_predictions
        from harness.jsonl import write_jsonl
        from harness.runner.golden import load_golden

        g = load_golden(golden)
        expert = read_expert(g.folder)
        out_dir.mkdir(parents=True, exist_ok=True)
        for writer in WRITERS:
            path = out_dir / f"{writer.name}.jsonl"
            write_jsonl(path, writer_predictions(writer, g.facts, expert))
            typer.echo(f"{path}: {len(g.facts)} outputs ({writer.description})")

    @calibration_app.command("check")
    def check(
        golden: Annotated[Path, typer.Option(help="golden folder")] = Path("golden"),
        rules: Annotated[Path, typer.Option(help="decision rules file")] = Path("experiments/decision_rules.yaml"),
        predictions: Annotated[Path, typer.Option(help="folder of the writers' predictions files")] = Path(
            "experiments/predictions/calibration"
        ),
    ) -> None:
        """Run each calibration writer through the rules against the template; exit 1 if a statement fails."""
        from harness.calibrate.check import calibrate
        from harness.decide.config import load_rules
        from harness.runner.golden import load_golden

        result = calibrate(load_golden(golden), load_rules(rules), predictions)
        for name, r in result.results.items():
            typer.echo(f"{name:13} {'kept' if r.kept else 'not kept':9} {r.stopped_by}")
        for statement in result.statements:
            typer.echo(f"{'holds' if statement.held else 'FAILS':6} {statement.text}")
        if not result.ok:
            raise typer.Exit(1)

    app.add_typer(calibration_app, name="calibration")
