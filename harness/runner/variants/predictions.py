"""The predictions-file variant: outputs generated elsewhere (a GPU notebook), evaluated here.

The raw outputs must be exactly what the model emitted, so that format failures (nested JSON,
leaked tokens) are measured rather than hidden by someone's cleanup. Cost figures measured where
the outputs were generated can be given in the config, because they cannot be re-measured here.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field

from harness.errors import InputError
from harness.evaluate.cost import CostFigures
from harness.ids import category_key
from harness.jsonl import read_jsonl
from harness.repo import in_repo
from harness.runner.variants.base import VARIANTS, Prediction, RunContext, Variant, VariantConfig, VariantInfo


class PredictionsConfig(VariantConfig):
    """``variant: {kind: predictions, path: ..., model_name: ...}``."""

    kind: Literal["predictions"] = "predictions"
    path: Path
    model_name: str
    stand_in: bool = False
    base_model: str | None = None
    adapter: str | None = None
    latency_s_per_summary: float | None = Field(default=None, ge=0)
    tokens_per_s: float | None = Field(default=None, ge=0)
    peak_gpu_mem_gb: float | None = Field(default=None, ge=0)
    train_time_s: float | None = Field(default=None, ge=0)


@VARIANTS.register("predictions")
class PredictionsVariant(Variant):
    """Replays a predictions JSONL (``{"categoryId", "output"}`` rows) for the golden categories."""

    kind: ClassVar[str] = "predictions"
    Config: ClassVar[type[VariantConfig]] = PredictionsConfig

    def __init__(self, config: VariantConfig) -> None:
        super().__init__(config)
        assert isinstance(config, PredictionsConfig)
        self.cfg = config
        self.ignored_rows = 0
        self._golden_ids: set[str] = set()

    def prepare(self, ctx: RunContext, golden_ids: Collection[str]) -> None:
        """Remembers the whole golden set, so rows are counted as ignored only when truly outside it."""
        self._golden_ids = {category_key(g) for g in golden_ids}

    def describe(self) -> VariantInfo:
        return VariantInfo(
            model_name=self.cfg.model_name,
            stand_in=self.cfg.stand_in,
            base_model=self.cfg.base_model,
            adapter=self.cfg.adapter,
        )

    def _rows_by_category(self) -> dict[str, list[dict[str, Any]]]:
        path = in_repo(self.cfg.path)
        by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for lineno, row in enumerate(read_jsonl(path, required=("categoryId", "output")), start=1):
            if not isinstance(row["output"], str):
                raise InputError(path, "'output' must be a string (the raw model text)", f"row {lineno}")
            by_id[category_key(row["categoryId"])].append(row)
        return by_id

    def generate(self, facts: Sequence[dict[str, Any]], ctx: RunContext) -> Iterator[Prediction]:
        by_id = self._rows_by_category()
        wanted = [category_key(item["categoryId"]) for item in facts]
        missing = [key for key in wanted if key not in by_id]
        if missing:
            raise InputError(
                in_repo(self.cfg.path),
                f"no output for {len(missing)} of {len(wanted)} golden categories (first: {missing[0]})",
            )
        golden = self._golden_ids or set(wanted)  # on resume `facts` is only what is left to do
        self.ignored_rows = sum(len(rows) for key, rows in by_id.items() if key not in golden)
        ctx.log_params({"predictions.ignored_rows": self.ignored_rows})
        if self.ignored_rows:
            print(f"note: {self.ignored_rows} predictions rows name categories outside the golden set; "
                  "ignored (param predictions.ignored_rows)", file=sys.stderr)  # fmt: skip
        for item, key in zip(facts, wanted, strict=True):
            for row in by_id[key]:
                yield Prediction(
                    category_id=item["categoryId"],
                    output=row["output"],
                    latency_s=row.get("latency_s"),
                    new_tokens=row.get("new_tokens"),
                )

    def cost_metrics(self) -> CostFigures:
        """The figures measured where the outputs were generated, as the config gives them."""
        return CostFigures.from_mapping(self.cfg.model_dump())
