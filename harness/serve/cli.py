"""``harness rollback``: point the served alias back at the previous champion."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def rollback(
    model_name: Annotated[
        str | None, typer.Option(help="registered model (default: registry.model_name in the rules file)")
    ] = None,
    rules: Annotated[Path, typer.Option(help="decision rules file")] = Path("experiments/decision_rules.yaml"),
) -> None:
    """Swap the aliases champion and previous (running it again undoes it)."""
    from harness.decide.config import load_rules
    from harness.tracking.model_registry import roll_back

    name = model_name or load_rules(rules).registry.model_name
    move = roll_back(name)
    typer.echo(f"{name}: champion -> version {move.champion}, previous -> version {move.previous}")


def register(app: typer.Typer) -> None:
    """Adds this stage's commands to the root app."""
    app.command("rollback")(rollback)
