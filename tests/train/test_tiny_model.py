"""The tiny stand-in loads offline like a hub checkpoint and behaves like Qwen where it matters."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from harness.train.tiny_model import SIZES, TinySpec, build_tiny_model, chat_template


def test_tiny_model__loads_offline_with_qwen_tokens_and_template(tiny_base: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_base, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(tiny_base, local_files_only=True)
    assert model.config.model_type == "qwen2"
    assert tok.eos_token == "<|im_end|>" and tok.pad_token == "<|endoftext|>"
    for special in ("<|im_start|>", "<|im_end|>", "<|endoftext|>"):
        assert len(tok(special, add_special_tokens=False)["input_ids"]) == 1
    assert tok.chat_template == chat_template() and "You are Qwen" in tok.chat_template
    text = tok.apply_chat_template([{"role": "user", "content": "안녕"}], tokenize=False, add_generation_prompt=True)
    assert text.endswith("<|im_start|>user\n안녕<|im_end|>\n<|im_start|>assistant\n")
    assert model.generation_config.eos_token_id[0] == tok.convert_tokens_to_ids("<|im_end|>")


def test_tokenizer__digits_one_token_each_and_round_trip(tiny_base: Path) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_base)
    ids = tok("64518", add_special_tokens=False)["input_ids"]
    assert [tok.decode([i]) for i in ids] == list("64518")  # Qwen's pre-tokenizer splits digits
    text = '{"marketOverviewSummary": "리뷰 64,518건 기준 47.1%입니다."}'
    assert tok.decode(tok(text, add_special_tokens=False)["input_ids"]) == text


def test_build_tiny_model__pretraining_loss_falls_and_is_seeded(tmp_path: Path) -> None:
    texts = ['{"a": "리뷰 수 기반 대리 지표"}'] * 20
    spec = TinySpec(layers=1, hidden=32, intermediate=64, heads=2, kv_heads=1, vocab=300, pretrain_steps=6,
                    seq_len=16, batch=2, lr=1e-2)  # fmt: skip
    first = build_tiny_model(texts, tmp_path / "a", "small", spec)
    second = build_tiny_model(texts, tmp_path / "b", "small", spec)
    assert first.pretrain_losses[-1] < first.pretrain_losses[0]
    assert first.pretrain_losses == second.pretrain_losses
    assert (tmp_path / "a" / "tiny_model.json").is_file()


def test_sizes__small_matches_design_hint() -> None:
    small, large = SIZES["small"], SIZES["large"]
    assert (small.layers, small.hidden, small.vocab) == (4, 256, 2000)
    assert large.layers > small.layers and large.hidden > small.hidden


def test_corpus__pretraining_reads_summaries_and_chat_pairs_tokenizer_reads_all() -> None:
    from helpers import small_facts, summary

    from harness.train.corpus import corpus_texts

    facts = small_facts(3)
    corpus = corpus_texts(facts, [summary(f) for f in facts], ["배송이 빨라요 아이가 좋아해요"], chat_pairs=True)
    assert len(corpus.pretrain_texts) == 6  # 3 summaries + 3 chat-rendered pairs
    assert all(t.startswith(('{"marketOverviewSummary"', "<|im_start|>")) for t in corpus.pretrain_texts)
    assert set(corpus.pretrain_texts) < set(corpus.texts)
    assert "배송이 빨라요 아이가 좋아해요" in corpus.texts and corpus.facts == 3


def test_build_tiny_model__pretrains_on_pretrain_texts_and_records_recipe(tmp_path: Path) -> None:
    from harness.train.prompt import PROMPT_FORMAT
    from harness.train.tiny_model import is_current_build

    texts = ['{"a": "리뷰 수 기반 대리 지표"}'] * 10 + ["전혀 다른 리뷰 문장입니다"] * 10
    spec = TinySpec(layers=1, hidden=32, intermediate=64, heads=2, kv_heads=1, vocab=300, pretrain_steps=3,
                    seq_len=16, batch=2, lr=1e-2)  # fmt: skip
    build_tiny_model(texts, tmp_path / "m", "small", spec, pretrain_texts=texts[:10])
    meta = json.loads((tmp_path / "m" / "tiny_model.json").read_text("utf-8"))
    assert (meta["corpus_texts"], meta["pretrain_texts"]) == (20, 10)
    assert is_current_build(meta, spec)
    assert not is_current_build(meta, replace(spec, pretrain_steps=4))  # another spec: rebuild
    assert not is_current_build({**meta, "recipe": 1}, spec)  # built the old way: rebuild
    assert meta["prompt_format"] == PROMPT_FORMAT
    assert not is_current_build({**meta, "prompt_format": PROMPT_FORMAT - 1}, spec)  # pairs in an old prompt
    assert not is_current_build({k: v for k, v in meta.items() if k != "prompt_format"}, spec)  # from before formats
