"""The variant interface: what the runner asks of template, predictions-file and model variants.

A variant turns golden facts into raw outputs (exactly what a model would emit) plus cost figures;
everything after that (normalizing, scoring, logging) is the runner's, identical for all variants,
so variants compete on the same measurements.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from harness.evaluate.cost import CostFigures
from harness.registry import Registry


class VariantConfig(BaseModel):
    """Base of every variant's config section (``variant:`` in an experiment YAML)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str


@dataclass(frozen=True)
class Prediction:
    """One raw output for one category, as the variant emitted it."""

    category_id: str | int
    output: str
    latency_s: float | None = None
    new_tokens: int | None = None
    generation: Mapping[str, Any] | None = None
    """Per-row generation record (e.g. whether the output stopped at ``<|im_end|>``); metrics that
    declare ``needs=["generation"]`` read it. None: the variant records nothing per row."""

    def to_row(self) -> dict[str, Any]:
        """The predictions-JSONL row (DESIGN.md: ``{"categoryId", "output"}``)."""
        return {"categoryId": self.category_id, "output": self.output}


@dataclass(frozen=True)
class VariantInfo:
    """How the run and the decision report name what actually ran."""

    model_name: str
    stand_in: bool = False
    base_model: str | None = None
    adapter: str | None = None


class RunContext(Protocol):
    """What the runner lends a variant while it prepares and generates."""

    run_dir: Path  # local scratch folder of this run (adapters, checkpoints); logged selectively
    run_id: str | None  # the MLflow run (a variant logs its model to it, a resume finds it there); None outside a run

    def log_params(self, params: Mapping[str, Any]) -> None: ...

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None: ...


class Variant(ABC):
    """A way of producing summaries. Subclasses set ``kind`` and ``Config`` and register."""

    kind: ClassVar[str]
    Config: ClassVar[type[VariantConfig]]

    def __init__(self, config: VariantConfig) -> None:
        self.config = config

    @abstractmethod
    def describe(self) -> VariantInfo:
        """Names the model (or template) for tags and the report."""

    def params(self) -> dict[str, Any]:
        """Flat MLflow params describing this variant (model, adapter, LoRA, generation...)."""
        return {f"variant.{k}": v for k, v in self.config.model_dump().items()}

    def prepare(self, ctx: RunContext, golden_ids: Collection[str]) -> None:  # noqa: B027 - an optional hook
        """Work before generation (training an adapter, loading weights). Default: nothing.

        Raises ``InputError`` when the variant must not be evaluated on ``golden_ids`` (an
        adapter trained on one of them).
        """

    @abstractmethod
    def generate(self, facts: Sequence[dict[str, Any]], ctx: RunContext) -> Iterator[Prediction]:
        """Yields one prediction per facts object, in order, as soon as each is ready."""

    def cost_metrics(self) -> CostFigures:
        """The cost figures this variant measured itself; the runner fills in per-prediction latency.

        Leave a figure None when it was not measured (GPU memory on a CPU run): never 0.
        """
        return CostFigures()


VARIANTS: Registry[type[Variant]] = Registry("variant")
