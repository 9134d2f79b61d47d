"""The hf variant's whole prepare path on the committed sample: tiny base, SFT without golden, LoRA, generate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_variant import Ctx

from harness.train.variant import HFConfig, HFVariant

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_hf_variant__sample_data_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    golden = [json.loads(line)["categoryId"] for line in (ROOT / "golden/facts.jsonl").read_text("utf-8").splitlines()]
    config = HFConfig(
        base_model=str(tmp_path / "tiny"), tiny_model="small", tiny_pretrain_steps=2, stand_in=True,
        train={"sft": {"samples_per_category": 1, "use_review_text": False},
               "trainer": {"max_steps": 2, "batch_size": 2, "grad_accum": 1, "learning_rate": 1e-3}},
        generation={"batch_size": 4, "use_review_text": False},  # budget: the longest target + 10%
    )  # fmt: skip
    variant = HFVariant(config)
    ctx = Ctx(tmp_path / "run")
    ctx.run_dir.mkdir()
    variant.prepare(ctx, [str(g) for g in golden])
    meta = json.loads((ctx.run_dir / "adapter" / "training_metadata.json").read_text("utf-8"))
    assert not set(meta["training_category_ids"]) & {str(g) for g in golden}
    assert ctx.params["sft.skipped_golden"] >= len(set(golden)) - 1  # id 52 names two paths
    assert any("train_loss" in m for m, _ in ctx.metrics)
    tiny_meta = json.loads((tmp_path / "tiny" / "tiny_model.json").read_text("utf-8"))
    assert set(tiny_meta["excluded_category_ids"]) == {str(g) for g in golden}
    facts = [json.loads(line) for line in (ROOT / "golden/facts.jsonl").read_text("utf-8").splitlines()][:2]
    preds = list(variant.generate(facts, ctx))
    assert len(preds) == 2 and (variant.cost_metrics().train_time_s or 0) > 0
