"""Scores raw outputs against facts (and golden references): one row per prediction, then aggregates.

Rows keep the order of the predictions and a category may appear several times (several outputs
of one variant are scored one by one). Facts are indexed once per category, so scoring many outputs
of one category costs little more than parsing their numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.errors import InputError
from harness.evaluate.fidelity import FactIndex
from harness.evaluate.metric_registry import MetricRegistry, RowInputs
from harness.evaluate.metrics import METRICS
from harness.ids import category_key


@dataclass
class ScoreReport:
    """Per-row scores in predictions order and their aggregate (DESIGN.md's names)."""

    rows: list[dict[str, Any]]
    aggregate: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "aggregate": self.aggregate}

    def to_json(self, indent: int | None = 2) -> str:
        """The ``scores.json`` text (Hangul unescaped; a lone surrogate escaped, so it encodes)."""
        from harness.jsonl import dumps

        return dumps(self.to_dict(), indent=indent)


def score_output(
    raw: str,
    facts: dict[str, Any],
    references: Sequence[Mapping[str, Any]] = (),
    index: FactIndex | None = None,
    generation: Mapping[str, Any] | None = None,
    metrics: MetricRegistry = METRICS,
) -> dict[str, Any]:
    """All per-row metrics of one raw output (without ``categoryId``); never raises for a metric.

    Args:
        raw: the output exactly as the variant emitted it.
        facts: the category's facts.
        references: golden reference rows for the category; ROUGE is null without them.
        index: the category's prebuilt ``FactIndex`` (built from ``facts`` when omitted).
        generation: the variant's per-row generation record, if it wrote one.
        metrics: the registry to score with (tests pass their own).
    """
    build = (lambda: index) if index is not None else None
    return metrics.score_row(RowInputs(raw, facts, references, generation, build))


def _require(obj: Mapping[str, Any], key: str, source: str | None, where: str) -> Any:
    if key not in obj:
        raise InputError(source, f"missing field {key!r}", where)
    return obj[key]


class _CategoryIndexes:
    """Builds each category's ``FactIndex`` once, on first use, so a bad facts object fails only its rows."""

    def __init__(self, facts: Mapping[str, dict[str, Any]]) -> None:
        self._facts = facts
        self.built: dict[str, FactIndex] = {}

    def for_category(self, key: str) -> Callable[[], FactIndex]:
        def build() -> FactIndex:
            if key not in self.built:
                self.built[key] = FactIndex.from_facts(self._facts[key])
            return self.built[key]

        return build


def score_predictions(
    facts_by_id: Mapping[Any, dict[str, Any]],
    predictions: Sequence[Mapping[str, Any]],
    references: Sequence[Mapping[str, Any]] | None = None,
    *,
    source: str | None = None,
    where: Sequence[str] | None = None,
    generation: Sequence[Mapping[str, Any] | None] | None = None,
    metrics: MetricRegistry = METRICS,
) -> ScoreReport:
    """Scores every prediction; rows follow ``predictions`` order.

    Every registered metric gets a value or null in every row; a metric that raised is null with
    its reason under the row's ``metric_errors`` and counted in ``aggregate["metric_errors"]``.

    Args:
        facts_by_id: facts keyed by categoryId (any form ``category_key`` accepts).
        predictions: ``{"categoryId", "output"}`` rows.
        references: golden ``{"categoryId", "marketOverviewSummary", "growthSummary"}`` rows, or None.
        source: the predictions file, for error messages.
        where: per-prediction locations (``"line 7"``) for error messages; default ``"record N"``.
        generation: per-prediction generation records (aligned with ``predictions``; None where a
            variant recorded none), read by metrics that declare ``needs=["generation"]``.
        metrics: the registry to score with (tests pass their own).

    Raises:
        InputError: a prediction lacks a field, has a non-string output, or names an unknown category.
    """
    facts = {category_key(k): v for k, v in facts_by_id.items()}
    refs: dict[str, list[Mapping[str, Any]]] = {}
    for ref in references or ():
        refs.setdefault(category_key(ref.get("categoryId")), []).append(ref)
    indexes = _CategoryIndexes(facts)
    rows: list[dict[str, Any]] = []
    for i, pred in enumerate(predictions):
        loc = where[i] if where is not None and i < len(where) else f"record {i + 1}"
        cid = _require(pred, "categoryId", source, loc)
        raw = _require(pred, "output", source, loc)
        if not isinstance(raw, str):
            raise InputError(source, f"field 'output' must be a string, got {type(raw).__name__}", loc)
        key = category_key(cid)
        if key not in facts:
            raise InputError(source, f"unknown categoryId {cid!r} (not in the facts file)", loc)
        record = generation[i] if generation is not None and i < len(generation) else None
        inputs = RowInputs(raw, facts[key], refs.get(key, ()), record, indexes.for_category(key))
        rows.append({"categoryId": cid, **metrics.score_row(inputs)})
    aggregate: dict[str, Any] = dict(metrics.aggregate_rows(rows))
    aggregate["n_rows"] = len(rows)
    aggregate["metric_errors"] = sum(len(r.get("metric_errors", ())) for r in rows)
    aggregate["numbers_stated"] = sum(r.get("numbers_stated") or 0 for r in rows)
    aggregate["numbers_unsupported"] = sum(len(r.get("unsupported_numbers") or ()) for r in rows)
    aggregate["numbers_contradicted"] = sum(len(r.get("contradicted_numbers") or ()) for r in rows)
    if references is not None:
        aggregate["rows_without_reference"] = sum(1 for r in rows if category_key(r["categoryId"]) not in refs)
        aggregate["references_unmatched"] = sum(len(v) for k, v in refs.items() if k not in facts)
    aggregate["failed_derivations"] = sum(len(ix.failed_derivations) for ix in indexes.built.values())
    return ScoreReport(rows, aggregate)
