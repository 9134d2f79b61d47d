"""The deterministic template writer: the production default and the baseline every model must beat.

It reads one facts object (current or legacy shape) and writes the two executive paragraphs the
summary contract asks for. The paragraphs are assembled from sentences chosen by data bands (see
:mod:`harness.writers.overview` and :mod:`harness.writers.growth`), every number is formatted by
:mod:`harness.writers.numbers_format`, and nothing random or clock-dependent is involved, so the
same facts always give the same text and golden comparisons stay exact.

``WRITERS`` maps a variant name to a function facts -> raw output string (what a model would have
emitted), so ``harness summarize --variant NAME`` and the runner treat the template exactly like a
model whose output then goes through the normalizer and the metrics.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness.registry import Registry
from harness.writers.facts_view import FactsShapeError, view_facts
from harness.writers.growth import growth_summary
from harness.writers.overview import market_overview

RawWriter = Callable[[dict[str, Any]], str]
WRITERS: Registry[RawWriter] = Registry("writer variant")

__all__ = ["WRITERS", "FactsShapeError", "write_raw", "write_summary"]


def write_summary(facts: dict[str, Any]) -> dict[str, str]:
    """Both summaries for one category, deterministic.

    Args:
        facts: one facts object (DESIGN.md "Facts"; legacy objects without ``hhi`` or
            ``reviewInsights`` are accepted).

    Returns:
        ``{"marketOverviewSummary": ..., "growthSummary": ...}``.

    Raises:
        FactsShapeError: a facts field has a type or range the writer cannot use.
    """
    view = view_facts(facts)
    return {"marketOverviewSummary": market_overview(view), "growthSummary": growth_summary(view)}


@WRITERS.register("template")
def write_raw(facts: dict[str, Any]) -> str:
    """The template's summary as the raw output string a predictions file stores."""
    return json.dumps(write_summary(facts), ensure_ascii=False)
