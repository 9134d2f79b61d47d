"""``harness compare --promote``: the verdict as a registry alias instead of a markdown file.

Every candidate of the suite becomes a version of one registered model: the template as a
template-only summarizer, each model as its guarded composition (its run's logged adapter, the
rules file's ``guarded:`` checks, the template as fallback), all logged into the decision run.
The alias ``champion`` moves to the verdict's version (the kept model's guarded composition, or
the template when the verdict is template-only) and the champion it replaces stays reachable as
``previous``. A backend that serves ``models:/<name>@champion`` follows the team's decisions
without a redeploy; a rollback moves the alias back.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.decide.config import DecisionRules, GuardedConfig
from harness.decide.decision import Decision
from harness.decide.guarded import GuardedResult
from harness.decide.records import TEMPLATE_ROLE, SuiteRuns
from harness.decide.tables import Table
from harness.errors import InputError

TEMPLATE = TEMPLATE_ROLE


@dataclass(frozen=True)
class PromotionCandidate:
    """One candidate of the suite: ``template``, or a model role with its guarded fallback rate."""

    name: str
    run_id: str
    model_name: str
    stand_in: bool = False
    fallback_rate: float | None = None
    """Share of golden outputs where the template stepped in (1.0 for the template itself)."""


@dataclass(frozen=True)
class RegisteredVersion:
    """A candidate as a version of the registered model."""

    candidate: str
    version: str
    model_uri: str
    source_run_id: str


@dataclass(frozen=True)
class Promotion:
    """What ``--promote`` did: the versions it registered and where the aliases point now."""

    registered_model: str
    versions: list[RegisteredVersion]
    champion: str
    champion_candidate: str
    previous: str | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "registered_model": self.registered_model,
            "champion": {"alias": "champion", "version": self.champion, "candidate": self.champion_candidate},
            "previous": {"alias": "previous", "version": self.previous},
            "versions": [v.__dict__ for v in self.versions],
            "notes": list(self.notes),
        }


def _summarizer(candidate: PromotionCandidate, guard: GuardedConfig, tmp: Path) -> tuple[dict[str, Any], Path | None]:
    """The candidate's summarizer config and adapter folder (None for the template)."""
    from harness.serve.config import SummarizerConfig
    from harness.tracking.logged_models import fetch_model, find_run_model

    if candidate.name == TEMPLATE:
        return SummarizerConfig(guard=guard).to_model_config(), None
    ref = find_run_model(candidate.run_id)
    if ref is None:
        raise InputError(
            f"run {candidate.run_id} ({candidate.name})",
            "logged no adapter model (a run from before adapters were logged, or a predictions-file run);"
            " rerun it with `harness run --fresh` to make it promotable",
        )
    local = fetch_model(ref.uri, tmp / candidate.name)
    section = SummarizerConfig.from_model_config(local.config, ref.uri).model
    return SummarizerConfig(guard=guard, model=section).to_model_config(), local.adapter_dir


def promote(
    candidates: Sequence[PromotionCandidate],
    kept: str,
    *,
    verdict: str,
    suite: str,
    decision_run_id: str,
    guard: GuardedConfig,
    registered_model: str,
    uri: str | None = None,
) -> Promotion:
    """Registers every candidate as a version of ``registered_model`` and crowns ``kept``.

    Models are logged into the decision run. A model candidate whose run
    logged no adapter cannot be served: it is skipped with a note, unless the verdict keeps it
    (then this raises :class:`InputError`, and no alias moves).
    """
    from harness.tracking.logged_models import log_summarizer, logging_into
    from harness.tracking.model_registry import crown, register_version

    if kept not in {c.name for c in candidates}:
        raise InputError(f"suite {suite!r}", f"the verdict keeps {kept!r}, which is not among the candidates")
    versions: list[RegisteredVersion] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="harness-promote-") as tmp, logging_into(decision_run_id, uri):
        for cand in sorted(candidates, key=lambda c: c.name != kept):  # the verdict's first: it must not be skipped
            try:
                config, adapter = _summarizer(cand, guard, Path(tmp))
            except InputError as exc:
                if cand.name == kept:
                    raise
                notes.append(f"{cand.name} not registered: {exc}")
                continue
            tags = {
                "candidate": cand.name, "model_name": cand.model_name, "stand_in": str(cand.stand_in).lower(),
                "verdict": verdict, "suite": suite, "decision_run_id": decision_run_id,
                "source_run_id": cand.run_id, "chosen": str(cand.name == kept).lower(),
                "fallback_rate": "n/a" if cand.fallback_rate is None else f"{cand.fallback_rate:.4f}",
            }  # fmt: skip
            ref = log_summarizer(f"summarizer-{cand.name}", config, adapter, tags=tags)
            version = register_version(ref.uri, registered_model, tags, run_id=decision_run_id, uri=uri)
            versions.append(RegisteredVersion(cand.name, version, ref.uri, cand.run_id))
    chosen = next(v for v in versions if v.candidate == kept)
    move = crown(registered_model, chosen.version, uri)
    order = {c.name: i for i, c in enumerate(candidates)}
    versions.sort(key=lambda v: order[v.candidate])
    return Promotion(registered_model, versions, move.champion, kept, move.previous, notes)


def candidates_of(decision: Decision, suite: SuiteRuns, guarded: dict[str, GuardedResult]) -> list[PromotionCandidate]:
    """The template and every model candidate that ran, in ladder order, with its guarded fallback rate."""
    template = suite.by_role[TEMPLATE]
    out = [PromotionCandidate(TEMPLATE, template.run_id, template.model_name, template.stand_in, 1.0)]
    for role in decision.candidates:
        run = suite.by_role[role]
        rate = guarded[role].fallback_rate if role in guarded else None
        out.append(PromotionCandidate(role, run.run_id, decision.labels.get(role, run.model_name), run.stand_in, rate))
    return out


def promote_decision(
    decision: Decision, suite: SuiteRuns, guarded: dict[str, GuardedResult], rules: DecisionRules,
    decision_run_id: str, uri: str | None = None,
) -> Promotion:  # fmt: skip
    """``--promote``: the suite's candidates registered under the rules' model name, the verdict crowned."""
    return promote(
        candidates_of(decision, suite, guarded), decision.chosen or TEMPLATE, verdict=decision.verdict,
        suite=decision.suite, decision_run_id=decision_run_id, guard=rules.guarded,
        registered_model=rules.registry.model_name, uri=uri,
    )  # fmt: skip


def promotion_table(promotion: Promotion) -> Table:
    """The report's account of a promotion: every registered version, and the aliases it moved."""
    name = promotion.registered_model
    aliases = {promotion.champion: "champion"}
    if promotion.previous is not None and promotion.previous != promotion.champion:
        aliases[promotion.previous] = "previous"
    rows = [[v.candidate, f"version {v.version}", aliases.get(v.version, ""), v.source_run_id, v.model_uri]
            for v in promotion.versions]  # fmt: skip
    if promotion.previous is not None and promotion.previous not in {v.version for v in promotion.versions}:
        rows.append(["(the former champion)", f"version {promotion.previous}", "previous", "", ""])
    previous = f"version {promotion.previous}" if promotion.previous else "no earlier champion"
    intro = (
        f"Promoted: `models:/{name}@champion` is now version {promotion.champion} "
        f"({promotion.champion_candidate}); `@previous` is {previous} (`harness rollback` swaps them)."
    )
    if promotion.notes:
        intro += " " + " ".join(promotion.notes)
    return Table(f"Promoted to the model registry ({name})", ["candidate", "version", "alias", "from run", "model"],
                 rows, intro)  # fmt: skip
