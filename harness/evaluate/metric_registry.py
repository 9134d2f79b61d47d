"""The metric registry's machinery: a metric is one decorated function; scoring one row is total.

A metric declares its name (DESIGN.md's, the MLflow key), its direction, its kind (which fixes its
aggregation) and the inputs it reads; its docstring's first paragraph is its description. The
catalogue of metrics is :mod:`harness.evaluate.metrics`; the scorer, MLflow logging, the gate, the
decision report and the README's metric table all read it, so a new metric is one function there
(plus its test) and nothing else.

Scoring a row is total: :meth:`MetricRegistry.score_row` never lets a metric's exception escape.
A metric that raises (or returns a value of the wrong type) scores null for that row, and the row
records why under ``metric_errors``; aggregates skip the null and count the error. Root causes
are still bugs to fix; the contract only guarantees that one bad output cannot take down a run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

from harness.registry import Registry

if TYPE_CHECKING:
    from harness.evaluate.fidelity import FactIndex, NumberCheck
    from harness.writers.normalize import Normalized

Kind = Literal["bool", "float"]
Input = Literal["raw", "summary", "facts", "checks", "references", "generation"]
INPUTS: tuple[str, ...] = get_args(Input)
OPTIONAL_INPUTS: frozenset[str] = frozenset({"references", "generation"})
"""Inputs a row may lack: a metric that needs one scores null (not an error) where it is absent."""

MAX_ERROR_CHARS = 200
MAX_SCORED_CHARS = 100_000
"""Outputs longer than this are not normalized: two summary paragraphs are a few thousand
characters, and every metric that reads the summary is linear or worse in its length (a 20 MB
output took minutes). Raw-text metrics still read all of it; the others are null with the reason."""


class OutputTooLong(ValueError):
    """The output is longer than :data:`MAX_SCORED_CHARS`: its summary metrics cannot be computed."""


class Detailed(NamedTuple):
    """A metric value plus per-row details written beside it (e.g. the unsupported numbers)."""

    value: Any
    details: Mapping[str, Any]


class UndeclaredInputError(RuntimeError):
    """A metric read an input it did not declare in ``needs``."""


@dataclass(frozen=True)
class Metric:
    """One registered metric.

    Attributes:
        name: the per-row name (DESIGN.md's), e.g. ``json_valid``.
        higher_is_better: the direction the gate and the decision rules compare in.
        kind: ``"bool"`` aggregates to ``<name>_rate``; ``"float"`` to the mean, nulls skipped.
        description: the docstring's first paragraph, for tables and the decision report.
        needs: the inputs the function reads (a subset of :data:`INPUTS`).
        compute: the function, called with a :class:`RowInputs` limited to ``needs``.
    """

    name: str
    higher_is_better: bool
    kind: Kind
    description: str
    needs: frozenset[str]
    compute: Callable[[RowInputs], Any]

    @property
    def aggregate_name(self) -> str:
        return f"{self.name}_rate" if self.kind == "bool" else self.name

    @property
    def row(self) -> str:
        """The key of the per-row value in ``scores.json`` (the decision stage pairs rows by it)."""
        return self.name

    def aggregate(self, values: Iterable[Any]) -> float | None:
        """Mean of the non-null values (bools as 1/0); None when every value is null."""
        numbers = [float(v) for v in values if isinstance(v, bool | int | float) and not math.isnan(v)]
        return sum(numbers) / len(numbers) if numbers else None

    def checked(self, value: Any) -> Any:
        """The value as stored in a row; raises TypeError when it does not fit the kind."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise TypeError(f"returned {type(value).__name__}, expected bool")
            return value
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"returned {type(value).__name__}, expected a number or None")
        return None if math.isnan(value) else value


class _Failed:
    """A memoized input whose computation raised: every metric reading it fails the same way."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc


class _Shared:
    """The inputs of one row and the values computed from them, shared by every metric's view."""

    def __init__(
        self,
        raw: str,
        facts: dict[str, Any],
        references: Sequence[Mapping[str, Any]],
        generation: Mapping[str, Any] | None,
        index: Callable[[], FactIndex] | None,
    ) -> None:
        self.raw = raw
        self.facts = facts
        self.references = references
        self.generation = generation
        self.index = index
        self.memo: dict[str, Any] = {}


class RowInputs:
    """What one output is scored from, computed lazily and once per row.

    ``raw`` is the output exactly as emitted; ``normalized``/``summary`` the normalizer's result;
    ``facts`` the category's facts; ``checks`` every stated number of the summary checked against
    the facts; ``references`` the golden reference rows of the category (empty: none);
    ``generation`` the per-row record the variant wrote while generating (``Prediction.generation``:
    e.g. whether the output stopped at ``<|im_end|>``), None when the variant recorded none.
    """

    def __init__(
        self,
        raw: str,
        facts: dict[str, Any],
        references: Sequence[Mapping[str, Any]] = (),
        generation: Mapping[str, Any] | None = None,
        index: Callable[[], FactIndex] | None = None,
    ) -> None:
        self._shared = _Shared(raw, facts, tuple(references), generation, index)
        self._allowed: frozenset[str] | None = None

    def only(self, needs: frozenset[str]) -> RowInputs:
        """A view of the same row that refuses inputs outside ``needs`` (keeps declarations honest)."""
        view = RowInputs.__new__(RowInputs)
        view._shared = self._shared
        view._allowed = needs
        return view

    def has(self, name: str) -> bool:
        """Whether an optional input is present for this row."""
        if name == "references":
            return bool(self._shared.references)
        if name == "generation":
            return self._shared.generation is not None
        return True

    def _take(self, name: str) -> None:
        if self._allowed is not None and name not in self._allowed:
            raise UndeclaredInputError(f"reads {name!r} without declaring it in needs")

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per row (several metrics share one ROUGE pass, one fact check)."""
        memo = self._shared.memo
        if key not in memo:
            try:
                memo[key] = compute()
            except Exception as exc:  # noqa: BLE001 - re-raised to every metric that reads it
                memo[key] = _Failed(exc)
        value = memo[key]
        if isinstance(value, _Failed):
            raise value.exc
        return value

    @property
    def raw(self) -> str:
        self._take("raw")
        return self._shared.raw

    @property
    def normalized(self) -> Normalized:
        self._take("summary")

        def run() -> Normalized:
            from harness.writers.normalize import normalize_output

            raw = self._shared.raw
            if len(raw) > MAX_SCORED_CHARS:
                raise OutputTooLong(f"an output of {len(raw):,} characters is over the {MAX_SCORED_CHARS:,} scored")
            return normalize_output(raw)

        return self.memo("normalized", run)

    @property
    def summary(self) -> dict[str, str]:
        return self.normalized.summary

    @property
    def facts(self) -> dict[str, Any]:
        self._take("facts")
        return self._shared.facts

    @property
    def checks(self) -> list[NumberCheck]:
        """Every number the normalized summary states, checked against the facts (summary order)."""
        self._take("checks")
        return self.memo("checks", self._check_numbers)

    def _check_numbers(self) -> list[NumberCheck]:
        from harness.evaluate.fidelity import FactIndex
        from harness.writers.contract import SUMMARY_KEYS

        shared = self._shared
        index = shared.index() if shared.index is not None else FactIndex.from_facts(shared.facts)
        summary = self.only(frozenset({"summary"})).summary
        return [check for key in SUMMARY_KEYS for check in index.check_text(summary[key])]

    @property
    def references(self) -> Sequence[Mapping[str, Any]]:
        self._take("references")
        return self._shared.references

    @property
    def generation(self) -> Mapping[str, Any]:
        """The variant's per-row generation record (a metric needing it is null where there is none)."""
        self._take("generation")
        return self._shared.generation or {}


class MetricRegistry(Registry[Metric]):
    """The metrics in registration order (the order of tables), with the decorator that adds one."""

    def __init__(self) -> None:
        super().__init__("metric")

    def metric(
        self, name: str, *, higher_is_better: bool, kind: Kind, needs: Iterable[Input]
    ) -> Callable[[Callable[[RowInputs], Any]], Callable[[RowInputs], Any]]:
        """Registers the decorated function as metric ``name``; its docstring describes it.

        Raises:
            ValueError: an unknown input, a missing docstring, or a name registered twice.
        """
        wanted = frozenset(needs)
        unknown = sorted(wanted - set(INPUTS))
        if unknown:
            raise ValueError(f"metric {name!r}: unknown inputs {unknown} (known: {', '.join(INPUTS)})")
        if kind not in ("bool", "float"):
            raise ValueError(f"metric {name!r}: kind must be 'bool' or 'float', not {kind!r}")

        def deco(fn: Callable[[RowInputs], Any]) -> Callable[[RowInputs], Any]:
            self.add(name, Metric(name, higher_is_better, kind, _description(name, fn), wanted, fn))
            return fn

        return deco

    def metrics(self) -> list[Metric]:
        return [metric for _, metric in self.items()]

    def metric_for(self, key: str) -> Metric:
        """The metric behind a row name (``json_valid``) or an aggregate name (``json_valid_rate``)."""
        if key.endswith("_rate") and key[: -len("_rate")] in self:
            metric = self.get(key[: -len("_rate")])
            if metric.kind == "bool":
                return metric
        return self.get(key)

    def score_row(self, inputs: RowInputs) -> dict[str, Any]:
        """Every metric of one output: ``{name: value, ...details, "metric_errors"?: {name: why}}``.

        Total: never raises for a metric's sake (see the module docstring). A metric whose
        optional input is absent (no reference, no generation record) is null without an error.
        """
        row: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for metric in self.metrics():
            row[metric.name] = None
            if any(not inputs.has(need) for need in metric.needs & OPTIONAL_INPUTS):
                continue
            try:
                value = metric.compute(inputs.only(metric.needs))
                if isinstance(value, Detailed):
                    row.update({k: v for k, v in value.details.items() if k not in self})
                    value = value.value
                row[metric.name] = metric.checked(value)
            except Exception as exc:  # noqa: BLE001 - the loop is total: a failing metric is null, with why
                errors[metric.name] = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
        if errors:
            row["metric_errors"] = errors
        return row

    def aggregate_rows(self, rows: Iterable[Mapping[str, Any]]) -> dict[str, float | None]:
        """Aggregate of every metric over ``rows`` under its aggregate name."""
        rows = list(rows)
        return {m.aggregate_name: m.aggregate(row.get(m.name) for row in rows) for m in self.metrics()}


def _description(name: str, fn: Callable[..., Any]) -> str:
    doc = (fn.__doc__ or "").strip()
    if not doc:
        raise ValueError(f"metric {name!r}: its function needs a docstring (the first paragraph describes it)")
    return " ".join(doc.split("\n\n", 1)[0].split())
