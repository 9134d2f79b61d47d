"""Format metrics read the raw output: positive and negative fixtures for each."""

from __future__ import annotations

import json

import pytest

from harness.chat_markup import QWEN2_5_ADDED_TOKENS
from harness.evaluate.format_metrics import cjk_leak, json_valid, nested_json, special_token_leak
from harness.writers.normalize import normalize_output

GOOD = json.dumps({"marketOverviewSummary": "리뷰 대리 지표입니다.", "growthSummary": "리뷰 대리 지표입니다."}, ensure_ascii=False)


def test_json_valid__clean_object_with_whitespace() -> None:
    assert json_valid("  \n" + GOOD + "\n")


def test_json_valid__no_repair_counts() -> None:
    assert not json_valid("```json\n" + GOOD + "\n```")
    assert not json_valid(GOOD + "<|im_end|>")
    assert not json_valid(GOOD[:-3])
    assert not json_valid(json.dumps({"marketOverviewSummary": "리뷰", "growthSummary": "리뷰", "extra": "x"}))
    assert not json_valid(json.dumps({"marketOverviewSummary": "english only", "growthSummary": "리뷰"}))
    assert not json_valid("")


def test_nested_json__unwrapped_object_and_escaped_text() -> None:
    nested = json.dumps({"marketOverviewSummary": GOOD, "growthSummary": "리뷰"}, ensure_ascii=False)
    assert nested_json(nested, normalize_output(nested))
    escaped_in_prose = 'output: {\\"marketOverviewSummary\\": \\"리뷰\\"}'
    assert nested_json(escaped_in_prose, normalize_output(escaped_in_prose))


def test_nested_json__flat_object_is_not_nested() -> None:
    assert not nested_json(GOOD, normalize_output(GOOD))


def test_cjk_leak__han_and_kana() -> None:
    assert cjk_leak(GOOD + "市场")
    assert cjk_leak("リビュー")


def test_cjk_leak__hangul_digits_and_latin_are_fine() -> None:
    assert not cjk_leak(GOOD + " HHI 1,279, 47.1% ·…")


def test_special_token_leak__chat_tokens() -> None:
    for token in ("<|im_end|>", "<|im_start|>", "<|endoftext|>", "<|eot_id|>", "</s>"):
        assert special_token_leak(GOOD + token), token


def test_special_token_leak__none_in_clean_output() -> None:
    assert not special_token_leak(GOOD)
    assert not special_token_leak("비교 기호 a < b | c > d")


@pytest.mark.parametrize("token", QWEN2_5_ADDED_TOKENS)
def test_special_token_leak__every_qwen2_5_added_token(token: str) -> None:
    """One case per added token of the real tokenizer (the list is checked against it in
    tests/train/test_qwen_tokenizer.py): after the object, and inside a summary string."""
    assert special_token_leak(GOOD + token)
    inside = json.dumps({"marketOverviewSummary": f"리뷰 {token} 지표입니다.", "growthSummary": "리뷰"}, ensure_ascii=False)
    assert special_token_leak(inside)


@pytest.mark.parametrize("markup", ["[INST]", "[/INST]", "<<SYS>>", "<start_of_turn>", "<end_of_turn>", "<s>", "<eos>"])
def test_special_token_leak__other_families_markup(markup: str) -> None:
    assert special_token_leak(GOOD + markup)


def test_broken_char__a_real_byte_level_decoder_cut_mid_syllable() -> None:
    """A byte-level BPE decoder given a Hangul syllable's bytes minus the last writes U+FFFD; the metric sees it."""
    from tokenizers import ByteLevelBPETokenizer

    from harness.evaluate import score_predictions

    tokenizer = ByteLevelBPETokenizer()
    tokenizer.train_from_iterator(["다른 문장"], vocab_size=270, show_progress=False)  # no merge covers 리뷰
    ids = tokenizer.encode("리뷰").ids
    cut = tokenizer.decode(ids[:-1])
    whole = tokenizer.decode(ids)
    assert whole == "리뷰" and "\ufffd" in cut
    facts = {1: {"categoryId": 1, "metrics": {}}}
    report = score_predictions(facts, [{"categoryId": 1, "output": GOOD.replace("리뷰", x, 1)} for x in (whole, cut)])
    assert [row["broken_char"] for row in report.rows] == [False, True]
    assert report.aggregate["broken_char_rate"] == 0.5
