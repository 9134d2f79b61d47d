"""``harness run``, ``harness suite``, ``harness gate`` and ``harness golden build``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from harness.repo import in_repo
from harness.tracking import team_server as team_defaults

if TYPE_CHECKING:
    from harness.runner.run import ResumeMode
    from harness.tracking.per_row import PerRowMode

EXPERIMENTS_DIR = Path("experiments")
GATE_EXPERIMENTS = ("template_only.yaml", "cpu-small.yaml")
NOT_EXPERIMENTS = ("decision_rules.yaml",)

golden_app = typer.Typer(help="Golden set: frozen inputs, expected facts, references.", no_args_is_help=True)
store_app = typer.Typer(help="The MLflow tracking store.", no_args_is_help=True)


class PerRow(StrEnum):
    """How per-category results appear in the MLflow UI."""

    genai = "genai"
    table = "table"
    none = "none"

    @property
    def mode(self) -> PerRowMode:
        modes: dict[PerRow, PerRowMode] = {PerRow.genai: "genai", PerRow.table: "table", PerRow.none: "none"}
        return modes[self]


def _experiments_dir() -> Path:
    return in_repo(EXPERIMENTS_DIR)


def suite_files(suite: str, folder: Path) -> list[Path]:
    """Experiment files of one suite: the template first (every model is compared with it), then by file name."""
    from harness.runner.config import TEMPLATE_ROLE, load_experiment, load_raw

    chosen = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name in NOT_EXPERIMENTS or path.stem.startswith("base") or path.stem.startswith("suite"):
            continue
        raw = load_raw(path)
        if raw.get("suite") == suite:
            config = load_experiment(path)
            chosen.append((config.role != TEMPLATE_ROLE, path.name, path))
    return [p for _, _, p in sorted(chosen)]


def _print_result(result: object) -> None:
    from harness.runner.run import RunResult

    assert isinstance(result, RunResult)
    shown = ", ".join(
        f"{k}={result.metrics[k]:.3f}"
        for k in ("json_valid_rate", "numeric_fidelity", "disclaimer_rate", "rougeL_f")
        if k in result.metrics
    )
    how = "resumed" if result.resumed else "new"
    typer.echo(f"run {result.run_id} ({how}, experiment {result.experiment_id}): {shown}")
    typer.echo(f"local files: {result.folder}")


def register(app: typer.Typer) -> None:
    """Adds this stage's commands to the root app."""

    @app.command("run")
    def run(
        experiment: Path = typer.Argument(..., help="experiments/NAME.yaml"),
        resume: bool = typer.Option(
            False,
            "--resume",
            help="continue the interrupted run of this experiment (skips categories already predicted; a new run if none)",
        ),
        fresh: bool = typer.Option(False, "--fresh", help="discard an interrupted run and start a new one"),
        per_row: PerRow = typer.Option(PerRow.genai, "--per-row", help="per-category view in the MLflow UI"),
    ) -> None:
        """Run one experiment file and log it as one MLflow run (tracking URI: $MLFLOW_TRACKING_URI or mlruns/)."""
        from harness.errors import InputError
        from harness.runner.run import run_experiment

        if resume and fresh:
            raise InputError(experiment, "--resume and --fresh exclude each other")
        mode: ResumeMode = "resume" if resume else "fresh" if fresh else "auto"
        _print_result(run_experiment(experiment, mode=mode, per_row=per_row.mode))

    @app.command("suite")
    def suite(
        name: str = typer.Argument("cpu", help="the suite: every experiment whose `suite:` is this"),
        folder: Path = typer.Option(None, "--experiments", help="folder of experiment files"),
        fresh: bool = typer.Option(False, "--fresh", help="start every run anew"),
        per_row: PerRow = typer.Option(PerRow.genai, "--per-row"),
    ) -> None:
        """Run every experiment of a suite, template first, into the same tracking store."""
        from harness.errors import InputError
        from harness.runner.run import run_experiment
        from harness.tracking.store import ensure_store

        folder = folder or _experiments_dir()
        files = suite_files(name, folder)
        if not files:
            raise InputError(folder, f"no experiment has suite: {name}")
        ensure_store()  # before runs fan out
        for path in files:
            typer.echo(f"== {path}")
            _print_result(run_experiment(path, mode="fresh" if fresh else "resume", per_row=per_row.mode))

    @app.command("gate")
    def gate(
        golden: Path = typer.Option(
            Path("golden"), "--golden", help="golden folder (inputs, facts, baseline.yaml)"
        ),
        experiment: list[Path] = typer.Option(
            None,
            "--experiment",
            help="experiment files to gate (default: template_only and cpu-small if present)",
        ),
        skip_facts: bool = typer.Option(False, "--skip-facts", help="do not recompute the golden facts"),
    ) -> None:
        """Recompute golden facts, score the gated variants, compare with golden/baseline.yaml; exit 1 on regression."""
        from harness.runner.gate import render, run_gate

        files = experiment or [_experiments_dir() / name for name in GATE_EXPERIMENTS]
        result = run_gate(golden, files, check_facts=not skip_facts)
        typer.echo(render(result))
        if not result.passed:
            raise typer.Exit(1)

    @golden_app.command("build")
    def build(
        sample: Path = typer.Option(
            Path("data/sample"), "--sample", help="folder with products_all.csv, reviews_all.csv"
        ),
        golden: Path = typer.Option(Path("golden"), "--golden", help="golden folder with categories.yaml"),
    ) -> None:
        """Freeze the golden categories' inputs from the sample and recompute golden/facts.jsonl."""
        from harness.runner.golden_build import build_golden

        result = build_golden(sample, golden)
        typer.echo(
            f"golden: {result.categories} categories, {result.products} products, {result.reviews} reviews, "
            f"{result.facts} facts objects; references stay hand-written, add a MANIFEST changelog line"
        )

    @golden_app.command("pick")
    def pick(
        export: Path = typer.Option(..., "--export", help="export folder with products_all.csv, reviews_all.csv"),
        golden: Path = typer.Option(Path("golden"), "--golden", help="golden folder whose categories.yaml grows"),
        add: int = typer.Option(20, "--add", min=1, help="how many categories to add"),
        min_reviews: int = typer.Option(100, "--min-reviews", help="least matched reviews a pick needs"),
        min_text: int = typer.Option(50, "--min-text", help="least reviews with text a pick needs"),
    ) -> None:
        """Append categories of an export to categories.yaml, spread over structures; then `make golden`."""
        from harness.runner.golden_pick import pick_from_export

        picks = pick_from_export(export, golden, add, min_reviews, min_text)
        for p in picks:
            typer.echo(f"{p.category_id}: {p.why}")
        typer.echo(
            f"added {len(picks)} of {add} asked to {golden / 'categories.yaml'}; freeze them with "
            f"`make golden SAMPLE={export} GOLDEN={golden}`, then add a MANIFEST changelog line"
        )

    @store_app.command("init")
    def store_init(
        uri: str = typer.Option(
            None, "--uri", help="tracking URI (default: $MLFLOW_TRACKING_URI or mlruns/mlflow.db)"
        ),
    ) -> None:
        """Create and migrate the SQLite store (WAL mode) before runs or the UI use it."""
        from harness.tracking.store import ensure_store

        typer.echo(ensure_store(uri))

    @store_app.command("team-server")
    def team_server(
        action: str = typer.Argument(..., help="start or stop"),
        folder: Path = typer.Option(team_defaults.DEFAULT_DIR, "--folder", help="cluster, artifacts and logs"),
        pg_port: int = typer.Option(team_defaults.DEFAULT_PG_PORT, "--pg-port", help="PostgreSQL port on 127.0.0.1"),
        mlflow_port: int = typer.Option(
            team_defaults.DEFAULT_MLFLOW_PORT, "--port", help="tracking server port on 127.0.0.1"
        ),
    ) -> None:
        """A team's MLflow tracking server on PostgreSQL, on 127.0.0.1 (see the README's "Team server")."""
        from harness.errors import InputError
        from harness.tracking.team_server import TeamServer, start, stop

        server = TeamServer(folder.resolve(), pg_port, mlflow_port)
        if action == "start":
            uri = start(server)
            typer.echo(f"team server up: export MLFLOW_TRACKING_URI={uri}   (backend {server.backend_uri})")
        elif action == "stop":
            stop(server)
            typer.echo(f"team server stopped; its data stays in {server.folder}")
        else:
            raise InputError(action, "the action is start or stop")

    app.add_typer(golden_app, name="golden")
    app.add_typer(store_app, name="store")
