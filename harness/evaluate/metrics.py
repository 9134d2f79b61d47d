"""The metric registry: every metric's name, direction and aggregation, read by the gate and the rules.

Names are DESIGN.md's and are the MLflow keys, so they live in one place. A ``bool`` metric is
stored per row as true/false and aggregates to ``<name>_rate``; a ``float`` metric aggregates to
its mean over the rows where it is not null. Cost metrics are measured by the runner, not the
scorer (``per_row=False``), but are registered here so their direction can be looked up too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from harness.registry import Registry


@dataclass(frozen=True)
class Metric:
    """One metric.

    Attributes:
        name: the per-row name (DESIGN.md's), e.g. ``json_valid``.
        higher_is_better: the direction the gate and the decision rules compare in.
        kind: ``"bool"`` aggregates to ``<name>_rate``; ``"float"`` to the mean, nulls skipped.
        description: what it measures, for tables and the decision report.
        per_row: False for run-level cost figures the runner logs (the scorer does not compute them).
    """

    name: str
    higher_is_better: bool
    kind: Literal["bool", "float"]
    description: str
    per_row: bool = True

    @property
    def aggregate_name(self) -> str:
        return f"{self.name}_rate" if self.kind == "bool" else self.name

    def aggregate(self, values: Iterable[Any]) -> float | None:
        """Mean of the non-null values (bools as 1/0); None when every value is null."""
        numbers = [float(v) for v in values if isinstance(v, bool | int | float) and not math.isnan(v)]
        return sum(numbers) / len(numbers) if numbers else None


METRICS: Registry[Metric] = Registry("metric")

for _metric in (
    Metric("json_valid", True, "bool", "raw output, trimmed, is one JSON object passing the summary schema"),
    Metric("json_repaired", True, "bool", "the summary passes the schema after normalization"),
    Metric("nested_json", False, "bool", "a summary value is itself a JSON object, or escaped JSON"),
    Metric("cjk_leak", False, "bool", "Han ideographs or kana anywhere in the raw output"),
    Metric("special_token_leak", False, "bool", "chat-template tokens such as <|im_end|> in the raw output"),
    Metric("numeric_fidelity", True, "float", "share of stated numbers supported by the facts"),
    Metric("key_fact_coverage", True, "float", "share of key facts (top-3 share, HHI, rating, reviews, zero-review ratio) stated"),
    Metric("rouge1_f", True, "float", "ROUGE-1 F against the golden reference (Korean morphemes)"),
    Metric("rouge2_f", True, "float", "ROUGE-2 F against the golden reference (Korean morphemes)"),
    Metric("rougeL_f", True, "float", "ROUGE-L F against the golden reference (Korean morphemes)"),
    Metric("disclaimer", True, "bool", "the first sentence of each summary states the review-count proxy premise"),
    Metric("sentence_count_ok", True, "bool", "market overview 4-6 and growth 5-8 sentences"),
    Metric("banned_phrase", False, "bool", "revenue amounts, currency or forbidden vague phrasing"),
    Metric("insight_specificity", True, "float", "distinct supported facts, brands, keywords, segments and scenarios used"),
    Metric("latency_s_per_summary", False, "float", "generation seconds per summary (runner)", per_row=False),
    Metric("tokens_per_s", True, "float", "generated tokens per second (runner)", per_row=False),
    Metric("peak_gpu_mem_gb", False, "float", "peak GPU memory in GiB (runner)", per_row=False),
    Metric("train_time_s", False, "float", "LoRA training wall time in seconds (runner)", per_row=False),
):
    METRICS.add(_metric.name, _metric)


def metric_for(key: str) -> Metric:
    """The metric behind a row name (``json_valid``) or an aggregate name (``json_valid_rate``)."""
    if key.endswith("_rate") and key[: -len("_rate")] in METRICS:
        metric = METRICS.get(key[: -len("_rate")])
        if metric.kind == "bool":
            return metric
    return METRICS.get(key)


def row_metrics() -> list[Metric]:
    """The metrics the scorer computes per row, in registry order."""
    return [metric for _, metric in METRICS.items() if metric.per_row]


def aggregate_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, float | None]:
    """Aggregate of every per-row metric over ``rows`` under its aggregate name."""
    rows = list(rows)
    return {m.aggregate_name: m.aggregate(row.get(m.name) for row in rows) for m in row_metrics()}
