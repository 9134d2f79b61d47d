"""The ``hf`` variant: a Hugging Face causal LM (Qwen2.5 3B/7B or a CPU stand-in) plus a LoRA adapter.

``prepare`` finds the base weights first (so a preset without weights stops at once), then either
checks a given adapter's training categories against the golden set or builds SFT data without the
golden categories and trains an adapter into the run folder; ``generate`` decodes in batches.
A CPU stand-in is always named as one, never "7B", so the decision report cannot be misread.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator

from harness.evaluate.cost import CostFigures
from harness.ids import category_key
from harness.runner.variants.base import VARIANTS, Prediction, RunContext, Variant, VariantConfig, VariantInfo
from harness.train.config import GenerationSettings, TrainSection
from harness.train.weights import MODEL_DIR_ENV, resolve_base_model

_SIZE_NAME = re.compile(r"\d+(\.\d+)?\s*[bB]\b")
TINY_CACHE = Path("models")


class HFConfig(VariantConfig):
    """``variant:`` section of an ``hf`` experiment."""

    kind: Literal["hf"] = "hf"
    base_model: str
    """Hub id (``Qwen/Qwen2.5-7B-Instruct``) or a local folder."""
    model_dir: str | None = None
    """Local copy of the weights (checked before ``$HARNESS_MODEL_DIR`` and the HF cache)."""
    model_dir_env: str = MODEL_DIR_ENV
    tiny_model: Literal["small", "large"] | None = None
    """Stand-in size: ``base_model`` is then a local folder, built with ``harness tiny-model`` if missing."""
    tiny_pretrain_steps: int | None = None
    stand_in: bool = False
    display_name: str | None = None
    adapter: str | None = None
    """A trained adapter folder; otherwise ``train`` trains one in ``prepare`` (or the bare base is used)."""
    train: TrainSection | None = None
    generation: GenerationSettings = GenerationSettings()

    @model_validator(mode="after")
    def _consistent(self) -> HFConfig:
        if self.tiny_model is not None and not self.stand_in:
            raise ValueError("a tiny_model is a CPU stand-in: set stand_in: true")
        if self.stand_in and self.display_name and _SIZE_NAME.search(self.display_name):
            raise ValueError(f"a CPU stand-in must not be named like a real model size: {self.display_name!r}")
        if self.adapter is not None and self.train is not None:
            raise ValueError("give either adapter (a trained one) or train (train one in the run), not both")
        return self


@VARIANTS.register("hf")
class HFVariant(Variant):
    """Base model + LoRA adapter, batched greedy generation."""

    kind = "hf"
    Config = HFConfig

    def __init__(self, config: HFConfig) -> None:
        super().__init__(config)
        self.config: HFConfig = config
        self._generator: Any = None
        self._adapter_dir: Path | str | None = config.adapter or None
        """A folder, or a logged model (``runs:/<run_id>/adapter``, ``models:/...``) fetched in ``prepare``."""
        self._train_time_s: float | None = None  # an adapter trained elsewhere: not measured here

    def describe(self) -> VariantInfo:
        cfg = self.config
        if cfg.display_name:
            name = cfg.display_name
        elif cfg.stand_in:
            name = f"tiny-qwen2-{cfg.tiny_model or 'custom'} (CPU stand-in)"
        else:
            name = cfg.base_model.rstrip("/").split("/")[-1] + ("+LoRA" if cfg.adapter or cfg.train else "")
        adapter = str(self._adapter_dir) if self._adapter_dir else ("trained in run" if cfg.train else None)
        return VariantInfo(model_name=name, stand_in=cfg.stand_in, base_model=cfg.base_model, adapter=adapter)

    def params(self) -> dict[str, Any]:
        """Flat ``variant.*`` params (nested sections become dotted keys)."""
        flat: dict[str, Any] = {}

        def walk(prefix: str, value: Any) -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(f"{prefix}.{k}", v)
            else:
                flat[prefix] = json.dumps(value, ensure_ascii=False) if isinstance(value, list | tuple) else value

        walk("variant", self.config.model_dump(mode="json"))
        return flat

    def prepare(self, ctx: RunContext, golden_ids: Collection[str]) -> None:
        from harness.train.generate import Generator
        from harness.train.trainer import refuse_golden_overlap

        golden = sorted({category_key(g) for g in golden_ids})
        base_path = self._base_path(golden)
        cfg = self.config
        if self._adapter_dir is not None or cfg.train is not None:
            self._adapter_dir = self._stored_or_trained(ctx, base_path, golden)
            refuse_golden_overlap(self._adapter_dir, golden)
        self._generator = Generator.load(base_path, self._adapter_dir, cfg.generation)
        ctx.log_params(self._generator.effective_params())

    def _stored_or_trained(self, ctx: RunContext, base_path: Path, golden: list[str]) -> Path:
        """The run's adapter: the one an earlier attempt of this run logged (a resume, maybe on
        another machine), else the configured or newly trained one, logged before generation."""
        from harness.train import logged_adapter

        cfg = self.config
        run_id = ctx.run_id
        if run_id and (restored := logged_adapter.restore_run_adapter(run_id, Path(ctx.run_dir) / "stored", base_path)):
            trained_s = logged_adapter.read_metadata(restored).get("train_time_s")
            if cfg.train is not None and trained_s is not None:  # trained by an earlier attempt of this run
                self._train_time_s = float(trained_s)
            return restored
        if self._adapter_dir is not None:
            fetched = logged_adapter.fetch_adapter(str(self._adapter_dir), Path(ctx.run_dir) / "fetched").adapter_dir
            assert fetched is not None  # a folder, or a logged model that holds an adapter (else InputError)
            adapter = fetched
        else:
            adapter = self._train(ctx, base_path, golden)
        if run_id:
            section = logged_adapter.model_section(cfg.base_model, base_path, self.describe().model_name,
                                                   cfg.stand_in, cfg.generation, cfg.model_dir_env)  # fmt: skip
            logged_adapter.log_run_adapter(adapter, section)
        return adapter

    def _base_path(self, golden: list[str]) -> Path:
        cfg = self.config
        if cfg.tiny_model is None:
            return resolve_base_model(cfg.base_model, cfg.model_dir, cfg.model_dir_env)
        from harness.train.tiny_model import is_current_build, spec_for

        path = Path(cfg.base_model)
        spec = spec_for(cfg.tiny_model, pretrain_steps=cfg.tiny_pretrain_steps)
        meta_file = path / "tiny_model.json"
        if meta_file.is_file():
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if set(golden) <= set(meta.get("excluded_category_ids", [])) and is_current_build(meta, spec):
                return path
        from harness.train.corpus import build_stand_in

        sft = (cfg.train.sft if cfg.train else None) or TrainSection().sft
        build_stand_in(sft.products, sft.reviews, golden, path, cfg.tiny_model, spec)
        return path

    def _train(self, ctx: RunContext, base_path: Path, golden: list[str]) -> Path:
        from harness.train.budget import TokenBudget
        from harness.train.sft import build_sft_file
        from harness.train.trainer import load_tokenizer, train_adapter

        assert self.config.train is not None
        section = self.config.train
        start = time.perf_counter()
        sft_path = Path(ctx.run_dir) / "sft.jsonl"
        budget = TokenBudget(load_tokenizer(base_path, padding_side="right"), section.trainer.max_length)
        stats = build_sft_file(section.sft, sft_path, golden, progress=False, budget=budget)
        ctx.log_params({f"sft.{k}": v for k, v in stats.counts().items()})
        ctx.log_params(flat_lengths("sft", stats.token_lengths()))
        result = train_adapter(
            sft_path, base_path, Path(ctx.run_dir) / "adapter", section.lora, section.trainer,
            base_model_name=self.config.base_model, log_metrics=lambda m, s: ctx.log_metrics(m, step=s),
        )  # fmt: skip
        self._train_time_s = time.perf_counter() - start
        ctx.log_params({"train.global_step": result.global_step, "train.data_sha256": result.metadata["data_sha256"],
                        "train.dropped_examples": result.dropped_examples})  # fmt: skip
        return result.adapter_dir

    def generate(self, facts: Sequence[dict[str, Any]], ctx: RunContext) -> Iterator[Prediction]:
        if self._generator is None:
            self.prepare(ctx, [category_key(f.get("categoryId")) for f in facts])
        for g in self._generator.generate(list(facts)):
            yield Prediction(category_id=g.category_id, output=g.output, latency_s=g.latency_s, new_tokens=g.new_tokens,
                             generation={"stop": g.stop, "max_new_tokens": self._generator.max_new_tokens})  # fmt: skip
        ctx.log_metrics({"generation_hit_max_new_tokens": float(self._generator.stats.hit_max_new_tokens)})

    def cost_metrics(self) -> CostFigures:
        generation = self._generator.stats.cost() if self._generator is not None else CostFigures()
        return replace(generation, train_time_s=self._train_time_s)


def flat_lengths(prefix: str, lengths: dict[str, dict[str, int]]) -> dict[str, int]:
    """``{"prompt": {"p50": 1221}}`` as ``{"<prefix>.prompt_tokens_p50": 1221}`` (MLflow params)."""
    return {f"{prefix}.{part}_tokens_{q}": v for part, qs in lengths.items() for q, v in qs.items()}
