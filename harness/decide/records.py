"""The decision stage's own records of a suite's runs: plain data, no MLflow.

``harness.tracking.runs_query`` converts MLflow runs into these, so the rules, the guarded
composition and the report can be built and tested from runs made in memory; only the tracking
package knows how runs are stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TEMPLATE_ROLE = "template"


@dataclass(frozen=True)
class RecordedRun:
    """One finished run of a suite with the artifacts the decision needs.

    Attributes:
        run_id: the tracking store's id.
        experiment_id: the store's experiment (the decision run is logged beside it).
        role: ``template`` or a candidate role of the rules' ladder.
        start_time: epoch milliseconds; the latest finished run of a role is used.
        tags: the run's tags (``model_name``, ``stand_in``, ``hardware`` ...).
        metrics: aggregate metrics and measured cost figures as logged.
        scores: ``scores.json`` (``rows`` and ``aggregate``).
        predictions: the raw ``{"categoryId", "output"}`` rows, if logged.
        facts: the facts the run was scored on, if logged.
        references: the golden references, if logged.
    """

    run_id: str
    experiment_id: str
    role: str
    start_time: int
    tags: dict[str, str]
    metrics: dict[str, float]
    scores: dict[str, Any]
    predictions: list[dict[str, Any]] | None = None
    facts: list[dict[str, Any]] | None = None
    references: list[dict[str, Any]] | None = None

    @property
    def model_name(self) -> str:
        return self.tags.get("model_name") or self.tags.get("variant") or self.role

    @property
    def stand_in(self) -> bool:
        return self.tags.get("stand_in", "").strip().lower() == "true"

    @property
    def rows(self) -> list[dict[str, Any]]:
        return list(self.scores.get("rows", []))


@dataclass(frozen=True)
class SkippedRun:
    """A run of the suite that was not used, and why."""

    run_id: str
    role: str
    reason: str


@dataclass(frozen=True)
class SuiteRuns:
    """The runs a decision is made from: the latest finished run per role."""

    suite: str
    by_role: dict[str, RecordedRun]
    skipped: list[SkippedRun] = field(default_factory=list)
