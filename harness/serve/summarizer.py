"""The guarded summarizer: facts JSON in, both paragraphs and where they came from out.

Per request row: the facts string is parsed and checked against the facts schema (a bad row
rejects the whole request with an :class:`InputError` naming the row, so a backend learns what to
fix instead of getting a template summary of garbage). The template writes its summary first, for
every row. When the summarizer has a model, the model writes too, and its output is scored and
passed through the same guard the decision report applies to the guarded composition
(``harness.decide.guarded.failed_checks`` with the rules file's ``guarded:`` checks); an output
that fails any check, or that the scorer cannot read, is replaced by the template's summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.serve.config import ModelSection, SummarizerConfig

FACTS_COLUMN = "facts"
OUTPUT_COLUMNS = ("marketOverviewSummary", "growthSummary", "source")
SOURCE = "request"
RawGenerate = Callable[[list[dict[str, Any]]], list[str]]
"""A model's raw outputs for a batch of facts, in order (exactly what the model emitted)."""


@dataclass(frozen=True)
class Summary:
    """One answered row; ``failed_checks`` says why the template stepped in (empty otherwise)."""

    market_overview: str
    growth: str
    source: str
    failed_checks: tuple[str, ...] = ()

    def to_row(self) -> dict[str, str]:
        return dict(zip(OUTPUT_COLUMNS, (self.market_overview, self.growth, self.source), strict=True))


def parse_facts(value: Any, row: int) -> dict[str, Any]:
    """One request row's facts object, or an :class:`InputError` naming the row and the problem."""
    from harness.facts.schema import facts_errors

    where = f"row {row}"
    if isinstance(value, dict):
        obj: Any = value
    elif isinstance(value, str | bytes):
        try:
            obj = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InputError(SOURCE, f"'{FACTS_COLUMN}' is not valid JSON ({exc.msg} at char {exc.pos})", where) from None
        except RecursionError:
            raise InputError(SOURCE, f"'{FACTS_COLUMN}' is nested too deeply to read", where) from None
    else:
        raise InputError(SOURCE, f"'{FACTS_COLUMN}' must be a JSON string, got {type(value).__name__}", where)
    if not isinstance(obj, dict):
        raise InputError(SOURCE, f"'{FACTS_COLUMN}' must be a JSON object, got {type(obj).__name__}", where)
    errors = facts_errors(obj)
    if errors:
        extra = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(SOURCE, f"not valid facts: {errors[0]}{extra}", where)
    return obj


def _template(facts: dict[str, Any], row: int) -> dict[str, str]:
    from harness.writers.template import FactsShapeError, write_summary

    try:
        return write_summary(facts)
    except FactsShapeError as exc:
        raise InputError(SOURCE, f"facts the template cannot use: {exc}", f"row {row}") from None


class Summarizer:
    """A summarizer ready to answer: the guard, the template, and optionally a model's raw outputs."""

    def __init__(self, config: SummarizerConfig, generate: RawGenerate | None = None) -> None:
        if (config.model is None) != (generate is None):
            raise ValueError("a model section needs a generate function, and only then")
        self.config = config
        self._generate = generate

    @classmethod
    def load(cls, config: SummarizerConfig, adapter_dir: str | Path | None) -> Summarizer:
        """Loads the model the config names (base weights found locally, adapter from ``adapter_dir``)."""
        if config.model is None:
            return cls(config)
        if adapter_dir is None:
            raise InputError("adapter", "the summarizer names a model but its adapter artifact is missing")
        return cls(config, load_generate(config.model, Path(adapter_dir)))

    def summarize(self, facts_values: Sequence[Any]) -> list[Summary]:
        """One :class:`Summary` per request row, in order.

        Raises:
            InputError: a row's facts are not JSON, not an object, fail the facts schema, or hold
                values the template writer cannot use; nothing is generated then.
        """
        facts = [parse_facts(value, i) for i, value in enumerate(facts_values)]
        templates = [_template(f, i) for i, f in enumerate(facts)]
        if self._generate is None or not facts:
            return [Summary(t["marketOverviewSummary"], t["growthSummary"], "template") for t in templates]
        outputs = self._generate(facts)
        return [self._guarded(raw, f, t) for raw, f, t in zip(outputs, facts, templates, strict=True)]

    def _guarded(self, raw: str, facts: dict[str, Any], template: dict[str, str]) -> Summary:
        failed = guard_failures(raw, facts, self.config)
        if failed:
            return Summary(template["marketOverviewSummary"], template["growthSummary"], "template", failed)
        from harness.writers.normalize import normalize_output

        summary = normalize_output(raw).summary
        return Summary(summary["marketOverviewSummary"], summary["growthSummary"], "model")


def guard_failures(raw: str, facts: dict[str, Any], config: SummarizerConfig) -> tuple[str, ...]:
    """The guard checks one raw output fails; ``scorer_error`` when it cannot even be scored."""
    from harness.decide.guarded import failed_checks
    from harness.evaluate import score_output

    try:
        row = score_output(raw, facts)
    except Exception:  # noqa: BLE001 - an output the scorer cannot read is not shipped
        return ("scorer_error",)
    return tuple(failed_checks(row, config.guard))


def load_generate(section: ModelSection, adapter_dir: Path) -> RawGenerate:
    """Base weights at the recorded revision plus the adapter, decoding as the run decoded."""
    from harness.train.base_revision import locate_base
    from harness.train.generate import Generator

    base = locate_base(section.base_model, section.base_revision, section.base_model_path, section.model_dir_env)
    generator = Generator.load(base, adapter_dir, section.generation)

    def generate(facts: list[dict[str, Any]]) -> list[str]:
        return [g.output for g in generator.generate(facts)]

    return generate
