"""Choosing along a ladder of model candidates ordered by cost: the research log's rules, generalised.

A candidate qualifies when it clears the operational floor and beats template-only per category
(rules 1 and 2). Starting from the most expensive qualifying candidate, keep it only while it fits
the cost budget and its gain over the next cheaper qualifying candidate is beyond noise; otherwise
step down to that one (rule 3). With no qualifying candidate, or when the cheapest qualifying one
is over the budget, the verdict is template-only (rule 4).

The budget is what makes the team step down, so it is checked for every rung above the ladder's
cheapest; the cheapest candidate is judged on quality alone, exactly as the research log judged
3B under 7B. With two candidates (3B, 7B) this is the original rules 1-4, reasons word for word.

This module is pure: it sees each rung's standing, never a run, so the walk can be tested alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    """One candidate's standing on the ladder.

    Attributes:
        role: the candidate's role.
        ran: a finished run of the role exists.
        floor_ok: it clears every floor threshold.
        beats_template: every quality rule against the template held.
        over_budget: the budget metrics it exceeds (empty when it fits or is the cheapest rung).
    """

    role: str
    ran: bool
    floor_ok: bool = False
    beats_template: bool = False
    over_budget: tuple[str, ...] = ()

    @property
    def qualifies(self) -> bool:
        return self.ran and self.floor_ok and self.beats_template

    def why_not(self) -> str:
        """Why this rung does not qualify (only asked of rungs that do not)."""
        if not self.ran:
            return f"the {self.role} model did not run"
        if not self.floor_ok:
            return f"the {self.role} model misses the operational floor"
        return f"the {self.role} model does not beat the template clearly"


@dataclass(frozen=True)
class Choice:
    """The chosen candidate (None: template-only), why, and the rungs stepped down from."""

    role: str | None
    reason: str
    stepped_down: tuple[str, ...] = ()


GainBeyondNoise = Callable[[str, str], bool]
"""``(costlier, cheaper) -> bool``: the costlier candidate's quality gain is beyond noise."""


def choose(rungs: Sequence[Rung], beyond_noise: GainBeyondNoise) -> Choice:
    """Walks the ladder (``rungs`` cheapest first) down from the most expensive qualifying rung."""
    if not any(r.ran for r in rungs):
        return Choice(None, "Only the template ran; there is no model evidence.")
    qualifying = [r for r in rungs if r.qualifies]
    if not qualifying:
        if not any(r.floor_ok for r in rungs if r.ran):
            return Choice(None, "No model variant clears the operational floor; model output stays research-only.")
        return Choice(
            None,
            "No model variant that clears the floor beats the template clearly; model output stays research-only.",
        )
    steps: list[str] = []
    stepped: list[str] = []
    i = len(qualifying) - 1
    while True:
        rung = qualifying[i]
        cheaper = qualifying[i - 1] if i else None
        if rung.over_budget:
            over = f"the {rung.role} model is over the cost budget ({', '.join(rung.over_budget)})"
            if cheaper is None:
                below = [r.why_not() for r in rungs[: list(rungs).index(rung)]]
                return Choice(None, _sentences([*steps, " and ".join([over, *below])]), (*stepped, rung.role))
            steps.append(over)
        elif cheaper is not None and not beyond_noise(rung.role, cheaper.role):
            steps.append(f"{rung.role} minus {cheaper.role} is within noise on the quality metrics")
        else:
            break
        stepped.append(rung.role)
        i -= 1
    chosen = qualifying[i]
    if steps:
        return Choice(chosen.role, _sentences(steps), tuple(stepped))
    above = [r.why_not() for r in rungs[list(rungs).index(chosen) + 1 :]]
    if not above:
        return Choice(chosen.role, f"The {chosen.role} model clears the floor and beats the template on every quality rule.")
    return Choice(chosen.role, f"The {chosen.role} model clears the floor and beats the template; {'; '.join(above)}.")


def _sentences(parts: Sequence[str]) -> str:
    return " ".join(p[:1].upper() + p[1:] + "." for p in parts)
