"""``harness score``: scores a predictions file against facts (and references) into scores.json."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from harness.errors import InputError
from harness.ids import category_key
from harness.jsonl import read_jsonl

_MAX_ROW_TABLE = 40  # beyond this the per-output table is noise; scores.json has every row


def _record_lines(path: Path) -> list[str]:
    """``"line N"`` for each non-blank line, so errors name the file line and not the record index."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return [f"line {n}" for n, line in enumerate(handle, start=1) if line.strip()]
    except (OSError, UnicodeDecodeError):
        return []


def _facts_by_id(path: Path) -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {}
    lines = _record_lines(path)
    for i, row in enumerate(read_jsonl(path, required=("categoryId",))):
        key = category_key(row["categoryId"])
        if key in facts:
            raise InputError(path, f"categoryId {row['categoryId']!r} appears twice", lines[i] if i < len(lines) else None)
        facts[key] = row
    return facts


def _read_references(path: Path) -> list[dict[str, Any]]:
    lines = _record_lines(path)
    refs = read_jsonl(path, required=("categoryId", "marketOverviewSummary", "growthSummary"))
    for i, ref in enumerate(refs):
        for key in ("marketOverviewSummary", "growthSummary"):
            if not isinstance(ref[key], str):
                raise InputError(path, f"field {key!r} must be a string", lines[i] if i < len(lines) else None)
    return refs


def check_coverage(facts: dict[str, Any], preds: list[dict[str, Any]], path: Path, lines: list[str]) -> None:
    """Each facts category must have exactly one output, or the averages mean something else.

    A repeated id counts twice in every average, and a file covering some categories scores
    only those; both stop with one line naming ``--allow-partial`` (then the aggregate records
    how far from one-per-category the file was: :func:`coverage_counts`).
    """
    if any(category_key(p["categoryId"]) not in facts for p in preds):
        return  # the scorer names the unknown id and its line
    seen: dict[str, list[str]] = {}
    for i, pred in enumerate(preds):
        seen.setdefault(category_key(pred["categoryId"]), []).append(lines[i] if i < len(lines) else f"record {i + 1}")
    hint = "; pass --allow-partial to score the rows as they are"
    for key, where in seen.items():
        if len(where) > 1:
            shown = ", ".join(w.removeprefix("line ") for w in where[:5])
            raise InputError(path, f"categoryId {key} appears {len(where)} times (lines {shown}): each output would "
                                   f"count in the averages{hint}")  # fmt: skip
    missing = [key for key in facts if key not in seen]
    if missing:
        listed = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(path, f"predictions cover {len(facts) - len(missing)} of {len(facts)} facts categories "
                               f"(no output for {listed}){hint}")  # fmt: skip


def coverage_counts(facts: dict[str, Any], preds: list[dict[str, Any]]) -> dict[str, int]:
    """How far a partial predictions file is from one output per facts category (recorded when allowed)."""
    keys = [category_key(p["categoryId"]) for p in preds]
    return {
        "categories_without_output": sum(1 for key in facts if key not in set(keys)),
        "rows_repeating_a_category": len(keys) - len(set(keys)),
    }


def _render(report: Any, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    from harness.evaluate.metrics import row_metrics

    console = Console()
    table = Table(title=f"scores ({report.aggregate['n_rows']} outputs) -> {out}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("better", justify="center")
    for metric in row_metrics():
        value = report.aggregate.get(metric.aggregate_name)
        shown = "-" if value is None else f"{value:.3f}"
        table.add_row(metric.aggregate_name, shown, "higher" if metric.higher_is_better else "lower")
    console.print(table)
    if report.aggregate.get("metric_errors"):
        console.print(f"{report.aggregate['metric_errors']} metric values are null because the metric failed "
                      "(rows' metric_errors say why)")  # fmt: skip
    if len(report.rows) <= _MAX_ROW_TABLE:
        console.print(_row_table(report.rows))
    worst = [r for r in report.rows if r.get("unsupported_numbers")][:5]
    for row in worst:
        console.print(f"categoryId {row['categoryId']}: unsupported {', '.join(row['unsupported_numbers'][:6])}")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _row_table(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    columns = ("json_valid", "numeric_fidelity", "key_fact_coverage", "disclaimer", "sentence_count_ok",
               "banned_phrase", "insight_specificity", "rougeL_f")
    table = Table(title="per output")
    table.add_column("categoryId")
    for name in columns:
        table.add_column(name, justify="right")
    table.add_column("unsupported", justify="right")
    for row in rows:
        table.add_row(str(row["categoryId"]), *(_cell(row.get(c)) for c in columns), str(len(row.get("unsupported_numbers") or [])))
    return table


def register(app: typer.Typer) -> None:
    """Adds ``harness score`` to the root app."""

    @app.command()
    def score(
        facts: Annotated[Path, typer.Option("--facts", help="facts JSONL (one object per category)")],
        predictions: Annotated[Path, typer.Option("--predictions", help="predictions JSONL: categoryId, output")],
        out: Annotated[Path, typer.Option("--out", help="scores JSON to write")],
        references: Annotated[
            Path | None, typer.Option("--references", help="golden references JSONL (enables ROUGE)")
        ] = None,
        allow_partial: Annotated[
            bool,
            typer.Option("--allow-partial", help="score even when some facts categories have no output or several "
                                                 "(the aggregate records how many)"),
        ] = False,
    ) -> None:
        """Score raw outputs: format, numeric fidelity, content and (with references) ROUGE."""
        from harness.evaluate.scoring import score_predictions

        facts_by_id = _facts_by_id(facts)
        preds = read_jsonl(predictions, required=("categoryId", "output"))
        lines = _record_lines(predictions)
        if not allow_partial:
            check_coverage(facts_by_id, preds, predictions, lines)
        refs = _read_references(references) if references is not None else None
        report = score_predictions(facts_by_id, preds, refs, source=str(predictions), where=lines)
        if allow_partial:
            report.aggregate.update(coverage_counts(facts_by_id, preds))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.to_json() + "\n", encoding="utf-8")
        _render(report, out)
