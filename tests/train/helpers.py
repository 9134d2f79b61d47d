"""Hand-made facts and summaries so the train tests run without the facts engine or template writer."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

from harness.train.config import LoraSettings, TrainerSettings

# Shared by conftest's fixtures and the tests: kept here, not in conftest, because ``from conftest
# import`` resolves to whichever directory's conftest pytest imported first.
TEST_SYSTEM = "요약하십시오."
TEST_SPEC = {"layers": 2, "hidden": 64, "intermediate": 128, "heads": 2, "kv_heads": 1, "vocab": 500,
             "pretrain_steps": 4, "seq_len": 64, "batch": 4, "lr": 3e-3}
FAST_TRAIN = TrainerSettings(epochs=1, max_steps=6, batch_size=2, grad_accum=1, logging_steps=1, save_steps=3,
                             learning_rate=5e-3, warmup_ratio=0.0, max_length=1024)  # fmt: skip
FAST_LORA = LoraSettings(r=8, alpha=16, dropout=0.0)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reference_facts.jsonl"


def reference_facts() -> list[dict[str, Any]]:
    """The four real categories of the fixture (legacy shape)."""
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def variants(n: int) -> list[dict[str, Any]]:
    """``n`` facts objects: the fixture's categories with scaled counts and fresh ids."""
    base = reference_facts()
    out = []
    for i in range(n):
        f = copy.deepcopy(base[i % len(base)])
        f["categoryId"] = 1000 + i
        m = f["metrics"]
        m["totalReviewCount"] = int(m["totalReviewCount"] * (1 + i / 7))
        m["productCount"] = int(m["productCount"] * (1 + i / 11))
        f.pop("reviewInsights", None)
        out.append(f)
    return out


def summary(facts: dict[str, Any]) -> dict[str, str]:
    """A short deterministic Korean summary (a stand-in for the template writer)."""
    m = facts["metrics"]
    name = facts["categoryName"]
    return {
        "marketOverviewSummary": (
            f"본 분석은 리뷰 수를 대리 지표로 활용한 추정입니다. {name} 카테고리는 상품 {m['productCount']:,}개, "
            f"리뷰 {m['totalReviewCount']:,}건입니다."
        ),
        "growthSummary": f"성장 수치도 리뷰 수 기반 대리 지표입니다. 평균 평점은 {m['avgRatingWeighted']:.1f}점입니다.",
    }


def small_facts(n: int) -> list[dict[str, Any]]:
    """``n`` short facts objects (two brands, two growth years) so tiny-model tests stay fast."""
    out = []
    for f in variants(n):
        m = f["metrics"]
        m["topBrands"] = m["topBrands"][:2]
        for key in ("topTags", "topSegments", "ratingHistogram"):
            m.pop(key, None)
        f["growthData"] = f["growthData"][-2:]
        out.append(f)
    return out


def short_summary(facts: dict[str, Any]) -> dict[str, str]:
    """A very short target, so a few LoRA steps can learn to emit it and stop."""
    return {"marketOverviewSummary": "리뷰 기반 대리 지표입니다.", "growthSummary": "성장은 추정입니다."}


def chain_model(base_path: Path, chain: list[int], after_stop: int) -> Any:
    """A Qwen2 that deterministically emits ``chain``, then ``<|im_end|>``, then ``after_stop`` forever.

    Attention and MLP outputs are zeroed, so each position's hidden state is its own token's
    embedding; embeddings are one-hot "slots" and the untied output head maps slot i to the next
    token of the chain: a bigram machine. Any prompt's last token (slot 0) starts the chain.
    Used to test stopping and decoding without depending on what a few training steps learn.
    """
    import torch
    from transformers import AutoConfig, AutoTokenizer, Qwen2ForCausalLM

    tok = AutoTokenizer.from_pretrained(base_path)
    config = AutoConfig.from_pretrained(base_path)
    config.tie_word_embeddings = False
    model = Qwen2ForCausalLM(config).eval()
    im_end = tok.convert_tokens_to_ids("<|im_end|>")
    sequence = [*chain, im_end, after_stop]
    assert len(set(sequence)) == len(sequence) and len(sequence) < config.hidden_size
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        emb = model.model.embed_tokens.weight
        emb.zero_()
        emb[:, 0] = 1.0
        head = model.lm_head.weight
        head.zero_()
        head[sequence[0], 0] = 1.0
        for slot, (prev, nxt) in enumerate(itertools.pairwise(sequence), start=1):
            emb[prev].zero_()
            emb[prev, slot] = 1.0
            head[nxt, slot] = 1.0
        emb[after_stop].zero_()
        emb[after_stop, len(sequence)] = 1.0
        head[after_stop, len(sequence)] = 1.0
        model.model.norm.weight.fill_(1.0)
    return model
