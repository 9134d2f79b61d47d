"""Scores raw outputs against facts (and golden references): one row per prediction, then aggregates.

Rows keep the order of the predictions and a category may appear several times (several outputs
of one variant are scored one by one). Facts are indexed once per category, so scoring many outputs
of one category costs little more than parsing their numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.errors import InputError
from harness.evaluate import content
from harness.evaluate import format_metrics as fmt
from harness.evaluate.fidelity import FactIndex, numeric_fidelity
from harness.evaluate.metrics import aggregate_rows
from harness.evaluate.rouge import rouge_scores
from harness.ids import category_key
from harness.writers.contract import SUMMARY_KEYS
from harness.writers.normalize import normalize_output


@dataclass
class ScoreReport:
    """Per-row scores in predictions order and their aggregate (DESIGN.md's names)."""

    rows: list[dict[str, Any]]
    aggregate: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "aggregate": self.aggregate}

    def to_json(self, indent: int | None = 2) -> str:
        """The ``scores.json`` text (Hangul unescaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def score_output(
    raw: str,
    facts: dict[str, Any],
    references: Sequence[Mapping[str, Any]] = (),
    index: FactIndex | None = None,
) -> dict[str, Any]:
    """All per-row metrics of one raw output (without ``categoryId``).

    Args:
        raw: the output exactly as the variant emitted it.
        facts: the category's facts.
        references: golden reference rows for the category; ROUGE is null without them.
        index: the category's prebuilt ``FactIndex`` (built from ``facts`` when omitted).
    """
    index = index or FactIndex.from_facts(facts)
    normalized = normalize_output(raw)
    summary = normalized.summary
    checks = [check for key in SUMMARY_KEYS for check in index.check_text(summary[key])]
    hits = content.banned_hits(summary)
    row: dict[str, Any] = {
        "json_valid": fmt.json_valid(raw),
        "json_repaired": normalized.json_ok,
        "nested_json": fmt.nested_json(raw, normalized),
        "cjk_leak": fmt.cjk_leak(raw),
        "special_token_leak": fmt.special_token_leak(raw),
        "numeric_fidelity": numeric_fidelity(checks),
        "unsupported_numbers": [c.stated.text for c in checks if not c.supported],
        "numbers_stated": len(checks),
        "key_fact_coverage": content.key_fact_coverage(facts, checks),
        "disclaimer": content.disclaimer(summary),
        "sentence_count_ok": content.sentences_ok(summary),
        "banned_phrase": bool(hits),
        "banned_phrases": hits,
        "insight_specificity": content.insight_specificity(summary, facts, checks),
        "repairs": list(normalized.repairs),
    }
    row.update(rouge_scores(summary, references))
    return row


def _require(obj: Mapping[str, Any], key: str, source: str | None, where: str) -> Any:
    if key not in obj:
        raise InputError(source, f"missing field {key!r}", where)
    return obj[key]


def score_predictions(
    facts_by_id: Mapping[Any, dict[str, Any]],
    predictions: Sequence[Mapping[str, Any]],
    references: Sequence[Mapping[str, Any]] | None = None,
    *,
    source: str | None = None,
    where: Sequence[str] | None = None,
) -> ScoreReport:
    """Scores every prediction; rows follow ``predictions`` order.

    Args:
        facts_by_id: facts keyed by categoryId (any form ``category_key`` accepts).
        predictions: ``{"categoryId", "output"}`` rows.
        references: golden ``{"categoryId", "marketOverviewSummary", "growthSummary"}`` rows, or None.
        source: the predictions file, for error messages.
        where: per-prediction locations (``"line 7"``) for error messages; default ``"record N"``.

    Raises:
        InputError: a prediction lacks a field, has a non-string output, or names an unknown category.
    """
    facts = {category_key(k): v for k, v in facts_by_id.items()}
    refs: dict[str, list[Mapping[str, Any]]] = {}
    for ref in references or ():
        refs.setdefault(category_key(ref.get("categoryId")), []).append(ref)
    indexes: dict[str, FactIndex] = {}
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
        if key not in indexes:
            indexes[key] = FactIndex.from_facts(facts[key])
        rows.append({"categoryId": cid, **score_output(raw, facts[key], refs.get(key, ()), indexes[key])})
    aggregate: dict[str, Any] = dict(aggregate_rows(rows))
    aggregate["n_rows"] = len(rows)
    aggregate["numbers_stated"] = sum(r["numbers_stated"] for r in rows)
    aggregate["numbers_unsupported"] = sum(len(r["unsupported_numbers"]) for r in rows)
    if references is not None:
        aggregate["rows_without_reference"] = sum(1 for r in rows if category_key(r["categoryId"]) not in refs)
        aggregate["references_unmatched"] = sum(len(v) for k, v in refs.items() if k not in facts)
    aggregate["failed_derivations"] = sum(len(ix.failed_derivations) for ix in indexes.values())
    return ScoreReport(rows, aggregate)
