"""``harness summarize`` (a writer variant over a facts file) and ``harness report`` (one category).

Bad input (a facts object the writer cannot read, an unknown category, a missing prediction)
becomes :class:`harness.errors.InputError`, so the user gets one line naming the file, the record
and the problem, and exit status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from harness.errors import InputError
from harness.ids import category_key
from harness.jsonl import iter_jsonl, write_jsonl


def _where(index: int, facts: dict[str, Any], field: str | None = None) -> str:
    where = f"record {index} (categoryId {facts.get('categoryId')!r})"
    return f"{where}, field {field}" if field else where


def load_facts(path: Path) -> list[dict[str, Any]]:
    """All facts objects of a JSONL file; every object must carry ``categoryId``."""
    rows = list(iter_jsonl(path, required=("categoryId",)))
    if not rows:
        raise InputError(path, "holds no facts objects")
    return rows


def select_category(path: Path, rows: list[dict[str, Any]], category_id: str | None,
                    category_name: str | None) -> dict[str, Any]:
    """The one facts object picked by id, or by name (exact first, then a unique substring match)."""
    if (category_id is None) == (category_name is None):
        raise InputError(None, "give exactly one of --category-id and --category-name")
    if category_id is not None:
        key = category_key(category_id)
        found = [r for r in rows if category_key(r["categoryId"]) == key]
        if not found:
            raise InputError(path, f"no category with categoryId {category_id!r}")
        return found[0]
    name = (category_name or "").strip()
    exact = [r for r in rows if name in (str(r.get("categoryName", "")).strip(), str(r.get("categoryPath", "")).strip())]
    found = exact or [r for r in rows if name and name in str(r.get("categoryPath") or r.get("categoryName", ""))]
    if not found:
        raise InputError(path, f"no category named {name!r}")
    if len(found) > 1:
        ids = ", ".join(str(r["categoryId"]) for r in found[:10])
        raise InputError(path, f"category name {name!r} matches {len(found)} categories (categoryId {ids}); "
                               "use --category-id")
    return found[0]


def register(app: typer.Typer) -> None:
    """Adds ``summarize`` and ``report`` to the root app."""

    @app.command()
    def summarize(
        facts: Annotated[Path, typer.Option("--facts", help="Facts JSONL (one object per category).")],
        out: Annotated[Path, typer.Option("--out", help="Predictions JSONL to write.")],
        variant: Annotated[str, typer.Option("--variant", help="Writer variant (see WRITERS).")] = "template",
    ) -> None:
        """Write one prediction per facts object: {"categoryId", "output"} with the raw output text."""
        from harness.writers.facts_view import FactsShapeError
        from harness.writers.template import WRITERS

        writer = WRITERS.get(variant)
        predictions = []
        for index, row in enumerate(load_facts(facts), start=1):
            try:
                output = writer(row)
            except FactsShapeError as exc:
                raise InputError(facts, exc.problem, _where(index, row, exc.field)) from None
            predictions.append({"categoryId": row["categoryId"], "output": output})
        count = write_jsonl(out, predictions)
        typer.echo(f"wrote {count} predictions (variant {variant}) to {out}")

    @app.command()
    def report(
        facts: Annotated[Path, typer.Option("--facts", help="Facts JSONL.")],
        out: Annotated[Path, typer.Option("--out", help="Report JSON to write.")],
        category_id: Annotated[str | None, typer.Option("--category-id", help="Category to report.")] = None,
        category_name: Annotated[str | None, typer.Option("--category-name", help="Category name or path.")] = None,
        predictions: Annotated[Path | None, typer.Option("--predictions", help="Model predictions JSONL.")] = None,
        model_name: Annotated[str | None, typer.Option("--model-name", help="Name of the model that wrote them.")] = None,
    ) -> None:
        """Write the backend's category report (charts, summaries, assumptions, source, facts)."""
        from harness.writers.facts_view import FactsShapeError
        from harness.writers.report import model_report, template_report

        rows = load_facts(facts)
        chosen = select_category(facts, rows, category_id, category_name)
        index = next(i for i, r in enumerate(rows, start=1) if r is chosen)
        if predictions is not None and not model_name:
            raise InputError(None, "--predictions needs --model-name (the report names the model that wrote it)")
        if model_name and predictions is None:
            raise InputError(None, "--model-name is given without --predictions")
        try:
            if predictions is None:
                doc = template_report(chosen)
            else:
                key = category_key(chosen["categoryId"])
                preds = [p for p in iter_jsonl(predictions, required=("categoryId", "output"))
                         if category_key(p["categoryId"]) == key]
                if not preds:
                    raise InputError(predictions, f"no prediction for categoryId {chosen['categoryId']!r}")
                if not isinstance(preds[0]["output"], str):
                    raise InputError(predictions, "field 'output' must be a string",
                                     f"categoryId {chosen['categoryId']!r}")
                if len(preds) > 1:
                    typer.echo(f"{len(preds)} predictions for categoryId {chosen['categoryId']}; using the first", err=True)
                doc = model_report(chosen, preds[0]["output"], model_name or "")
        except FactsShapeError as exc:
            raise InputError(facts, exc.problem, _where(index, chosen, exc.field)) from None
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        source = doc["source"]
        label = source["type"] + (f" {source['model']}" if source.get("model") else "")
        if source.get("fallbackFrom"):
            label += f" (fallback: {source['fallbackFrom']} output invalid after normalization)"
        typer.echo(f"wrote report for categoryId {doc['categoryId']} ({doc['categoryName']}, source {label}) to {out}")
