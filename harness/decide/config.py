"""The decision rules file (``experiments/decision_rules.yaml``): every threshold the verdict uses.

Thresholds are data so the team can argue about numbers in review, not about code. The model is
frozen and forbids unknown keys; metric names are checked against the metric registry so a typo
is a one-line error with a suggestion rather than a rule that silently never fires.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from harness.errors import InputError
from harness.registry import did_you_mean
from harness.repo import in_repo
from harness.yamlfile import read_yaml

DEFAULT_RULES = Path("experiments/decision_rules.yaml")
RESERVED_ROLES = frozenset({"template", "decision", "guarded"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bound(_Frozen):
    """An inclusive limit on one aggregate metric: ``min``, ``max`` or both."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_side(self) -> Bound:
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is above 'max'")
        return self

    def holds(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def text(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f">= {self.min:g}")
        if self.max is not None:
            parts.append(f"<= {self.max:g}")
        return " and ".join(parts)


class BootstrapConfig(_Frozen):
    """Paired bootstrap over golden categories."""

    resamples: int = Field(ge=100, le=1_000_000)
    confidence: float = Field(gt=0.5, lt=1.0)
    seed: int


class QualityConfig(_Frozen):
    """What "beats the template clearly" means (rule 2 and rule 4)."""

    metrics: tuple[str, ...] = Field(min_length=1)
    win_share: float = Field(ge=0.0, lt=1.0, description="wins must exceed this share of categories")
    tie_tolerance: float = Field(ge=0.0)
    min_categories: int = Field(ge=1)


class StepUpConfig(_Frozen):
    """When a candidate is worth more than the next cheaper qualifying one (rule 3)."""

    require: Literal["any", "all"] = Field(
        description="'any': one quality interval of (costlier - cheaper) above zero suffices; 'all': every one"
    )


class CandidateConfig(_Frozen):
    """One rung of the ladder: the runs' ``role`` tag and what the report says it stands for."""

    role: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    stands_for: str = Field(min_length=1)

    @field_validator("role")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_ROLES:
            raise ValueError(f"{value!r} is not a model candidate's role")
        return value


class GuardedConfig(_Frozen):
    """Per-row checks an output must pass to be shipped instead of the template."""

    must_be_true: tuple[str, ...] = ()
    must_be_false: tuple[str, ...] = ()
    min: dict[str, float] = Field(default_factory=dict)


class RegistryConfig(_Frozen):
    """Where ``harness compare --promote`` registers the suite's candidates."""

    model_name: str = Field("market-report-summarizer", min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class DecisionRules(_Frozen):
    """The whole rules file."""

    version: int = Field(ge=2)
    candidates: tuple[CandidateConfig, ...] = Field(min_length=1, description="model candidates, cheapest first")
    floor: dict[str, Bound] = Field(min_length=1)
    quality: QualityConfig
    bootstrap: BootstrapConfig
    step_up: StepUpConfig
    budget: dict[str, Bound] = Field(default_factory=dict)
    guarded: GuardedConfig
    registry: RegistryConfig = RegistryConfig()

    @model_validator(mode="after")
    def _unique_roles(self) -> DecisionRules:
        seen = [c.role for c in self.candidates]
        twice = sorted({r for r in seen if seen.count(r) > 1})
        if twice:
            raise ValueError(f"candidate roles must be unique: {', '.join(twice)} appears twice")
        return self

    @property
    def ladder(self) -> list[str]:
        """Candidate roles, cheapest first."""
        return [c.role for c in self.candidates]

    def stands_for(self, role: str) -> str:
        """What the report names a candidate role as (the role itself when it is not on the ladder)."""
        return next((c.stands_for for c in self.candidates if c.role == role), role)


def load_rules(path: str | Path = DEFAULT_RULES) -> DecisionRules:
    """Reads and validates the rules file; any problem is an :class:`InputError` naming the key."""
    path = in_repo(path)  # the shipped rules file, also when compare runs outside the repository root
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise InputError(path, "expected a mapping of rule sections")
    try:
        rules = DecisionRules.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        # An unknown key usually explains the "missing" error beside it (a misspelt name): report it first.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        where = ".".join(str(p) for p in err["loc"]) or None
        problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise InputError(path, problem, where) from None
    check_metric_names(rules, path)
    return rules


def check_metric_names(rules: DecisionRules, path: str | Path) -> None:
    """Every metric the rules name must exist in the registry (with a did-you-mean otherwise)."""
    from harness.decide.metrics import known_metrics

    known = known_metrics()
    row_names = {ref.row for ref in known.values() if ref.row}
    named: list[tuple[str, str, set[str]]] = []
    named += [(f"floor.{m}", m, set(known)) for m in rules.floor]
    named += [
        (f"quality.metrics.{m}", m, {k for k, r in known.items() if r.row}) for m in rules.quality.metrics
    ]
    named += [(f"budget.{m}", m, {k for k, r in known.items() if r.row is None}) for m in rules.budget]
    guarded_rows = (*rules.guarded.must_be_true, *rules.guarded.must_be_false, *rules.guarded.min)
    named += [(f"guarded.{m}", m, row_names) for m in guarded_rows]
    for where, name, allowed in named:
        if name not in allowed:
            raise InputError(path, f"unknown metric {name!r}{did_you_mean(name, allowed)}", where)
