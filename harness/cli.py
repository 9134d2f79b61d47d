"""The ``harness`` command line: one root app; each stage package adds its own commands.

Stage modules import their heavy dependencies (torch, mlflow, kiwipiepy) inside the command
bodies, so ``harness --help`` and the light verbs start fast.
"""

from __future__ import annotations

import importlib
import sys

import typer

from harness.errors import EXIT_BAD_INPUT, InputError, Stopped
from harness.registry import UnknownNameError

app = typer.Typer(
    name="harness",
    help="Evaluation-first experiment harness for Korean market-report summaries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module defines ``register(app: typer.Typer) -> None``.
STAGE_CLIS = (
    "harness.data.cli",
    "harness.facts.cli",
    "harness.writers.cli",
    "harness.evaluate.cli",
    "harness.runner.cli",
    "harness.train.cli",
    "harness.decide.cli",
    "harness.calibrate.cli",
    "harness.serve.cli",
)



@app.callback()
def _root() -> None:
    """Evaluation-first experiment harness for Korean market-report summaries."""


@app.command()
def version() -> None:
    """Print the harness version."""
    from harness import __version__

    typer.echo(__version__)


for _module in STAGE_CLIS:
    importlib.import_module(_module).register(app)


def main() -> None:
    """Entry point: bad input becomes exit status 2 and one line on stderr, never a traceback."""
    try:
        app(standalone_mode=True)
    except (InputError, UnknownNameError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except Stopped as exc:  # SIGINT/SIGTERM after the command cleaned up: one line, the shell's status
        print(f"stopped: {exc}", file=sys.stderr)
        sys.exit(128 + exc.signum)
