"""Commands of this stage (filled in by the stage's issue)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Adds this stage's commands to the root app."""
