"""The template-only variant: the deterministic writer, run through the same pipeline as a model.

It is both the production default and the baseline every model must beat, so it is measured
exactly like a model: its output is serialized to the raw text a model would have emitted and
then normalized and scored by the runner.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Literal

from harness.evaluate.cost import CostFigures
from harness.runner.variants.base import VARIANTS, Prediction, RunContext, Variant, VariantConfig, VariantInfo


class TemplateConfig(VariantConfig):
    """``variant: {kind: template}``; the writer has no settings (it is deterministic by design)."""

    kind: Literal["template"] = "template"


@VARIANTS.register("template")
class TemplateVariant(Variant):
    """Writes each summary with ``harness.writers.template.write_summary``."""

    kind: ClassVar[str] = "template"
    Config: ClassVar[type[VariantConfig]] = TemplateConfig

    def describe(self) -> VariantInfo:
        return VariantInfo(model_name="template", stand_in=False)

    def params(self) -> dict[str, Any]:
        return {"variant.kind": "template", "variant.writer": "harness.writers.template.write_summary"}

    def generate(self, facts: Sequence[dict[str, Any]], ctx: RunContext) -> Iterator[Prediction]:
        for item in facts:
            start = time.perf_counter()
            summary = self.write(item)
            output = json.dumps(summary, ensure_ascii=False)
            yield Prediction(
                category_id=item["categoryId"], output=output, latency_s=time.perf_counter() - start
            )

    def write(self, facts: dict[str, Any]) -> dict[str, str]:
        """One summary pair; tests subclass this to put a fake writer in (no module patching)."""
        from harness.writers.template import write_summary

        return write_summary(facts)

    def cost_metrics(self) -> CostFigures:
        """Nothing to train; no GPU, no tokens: those figures are not measured, not zero."""
        return CostFigures(train_time_s=0.0)
