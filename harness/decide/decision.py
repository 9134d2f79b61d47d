"""The verdict object: what was chosen along the ladder, why, and every number behind it.

The report, the decision run's MLflow metrics and ``harness compare``'s output all read a
:class:`Decision`; a later consumer (promoting the chosen candidate's model, issue 18) reads
``chosen`` and ``run_ids[chosen]``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from harness.decide.bootstrap import Interval, PairedComparison

TEMPLATE_ONLY = "template_only"


@dataclass(frozen=True)
class Check:
    """One rule applied to one subject: the evidence and whether it held (None: not measured)."""

    rule: str
    subject: str
    metric: str
    value: str
    threshold: str
    held: bool | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Candidate:
    """A model candidate's standing against the floor and the template."""

    role: str
    label: str
    run_id: str
    floor_ok: bool
    beats_template: bool
    versus_template: dict[str, PairedComparison]


@dataclass(frozen=True)
class StepUp:
    """A candidate against the next cheaper one (rule 3): is the extra cost buying quality?"""

    upper: str
    lower: str
    comparisons: dict[str, PairedComparison]
    beyond_noise: bool

    @property
    def subject(self) -> str:
        return f"{self.upper} - {self.lower}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "upper": self.upper,
            "lower": self.lower,
            "beyond_noise": self.beyond_noise,
            "comparisons": {m: c.to_dict() for m, c in self.comparisons.items()},
        }


def verdict_code(chosen: str | None, ladder: list[str]) -> str:
    """``template_only``, ``keep_<role>`` (the ladder's costliest rung) or ``fall_back_<role>``."""
    if chosen is None:
        return TEMPLATE_ONLY
    return f"keep_{chosen}" if chosen == ladder[-1] else f"fall_back_{chosen}"


@dataclass(frozen=True)
class Decision:
    """The verdict with everything the report shows.

    Attributes:
        verdict: :func:`verdict_code` of ``chosen`` (``keep_large``, ``fall_back_small``, ...).
        chosen: the candidate role to ship, None for template-only.
        ladder: the rules' candidate roles, cheapest first (including those that did not run).
        stepped_down: candidates that qualified but were passed over (budget, noise), costliest first.
    """

    suite: str
    verdict: str
    chosen: str | None
    reason: str
    ladder: list[str]
    labels: dict[str, str]
    run_ids: dict[str, str]
    checks: list[Check]
    candidates: dict[str, Candidate]
    step_ups: list[StepUp]
    intervals: dict[str, dict[str, Interval]]
    aggregates: dict[str, dict[str, float]]
    stepped_down: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def verdict_rank(self) -> int:
        """0 for template-only, else the chosen rung's position on the ladder counted from 1."""
        return 0 if self.chosen is None else self.ladder.index(self.chosen) + 1

    @property
    def outcome(self) -> str:
        """``keep``, ``fall_back`` or ``template_only`` (the report's colour)."""
        return self.verdict.removesuffix(f"_{self.chosen}") if self.chosen else TEMPLATE_ONLY

    @property
    def headline(self) -> str:
        if self.chosen is None:
            return f"Verdict: template-only. {self.reason}"
        verb = "keep" if self.outcome == "keep" else "fall back to"
        return f"Verdict: {verb} the {self.chosen} model ({self.labels[self.chosen]}). {self.reason}"
