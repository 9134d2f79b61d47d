"""ROUGE must measure Korean content: the default tokenizer deletes Hangul, ours keeps morphemes."""

from __future__ import annotations

import pytest
from rouge_score.rouge_scorer import RougeScorer

from harness.evaluate.rouge import KoreanTokenizer, lcs_length, pair_scores, rouge_l_f, rouge_scores

A = "상위 3개 브랜드가 리뷰의 절반 이상을 차지합니다."
B = "신생아 완구 시장은 계절에 따라 3개 분기 동안 흔들렸습니다."


def test_rouge__default_tokenizer_scores_unrelated_korean_as_identical() -> None:
    default = RougeScorer(["rouge1"]).score(A, B)["rouge1"].fmeasure
    assert default == 1.0  # only the digit "3" survives rouge-score's tokenizer


def test_rouge__korean_tokenizer_separates_unrelated_sentences() -> None:
    scores = RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=KoreanTokenizer()).score(A, B)
    assert scores["rouge1"].fmeasure < 0.4
    assert scores["rouge2"].fmeasure < 0.2


def test_rouge__identical_text_scores_one() -> None:
    summary = {"marketOverviewSummary": A, "growthSummary": B}
    assert rouge_scores(summary, [summary]) == {"rouge1_f": 1.0, "rouge2_f": 1.0, "rougeL_f": 1.0}


def test_rouge__best_reference_wins_and_none_without_references() -> None:
    summary = {"marketOverviewSummary": A, "growthSummary": B}
    other = {"marketOverviewSummary": B, "growthSummary": A}
    assert rouge_scores(summary, [other, summary])["rougeL_f"] == pytest.approx(1.0)
    assert rouge_scores(summary, []) == {"rouge1_f": None, "rouge2_f": None, "rougeL_f": None}


def test_rouge__tokens_are_morphemes_without_punctuation() -> None:
    tokens = KoreanTokenizer().tokenize("리뷰가 64,518건입니다.")
    assert "리뷰" in tokens and "64,518" in tokens and "." not in tokens


def test_rouge__fast_paths_equal_rouge_scorer(reference_facts: list, hand_summary: dict[str, str]) -> None:
    template = pytest.importorskip("harness.writers.template")
    texts = [hand_summary["marketOverviewSummary"], hand_summary["growthSummary"], A, B, ""]
    for facts in reference_facts:
        texts.extend(template.write_summary(facts).values())
    reference = RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=KoreanTokenizer())
    tokenize = KoreanTokenizer().tokenize
    for target in texts[:8]:
        for prediction in texts:
            expected = reference.score(target, prediction)
            assert rouge_l_f(tokenize(target), tokenize(prediction)) == pytest.approx(expected["rougeL"].fmeasure, abs=1e-12)
            ours = pair_scores(target, prediction)
            assert all(ours[t] == pytest.approx(expected[t].fmeasure, abs=1e-12) for t in ("rouge1", "rouge2", "rougeL"))


def test_rouge__lcs_length_small_cases() -> None:
    assert lcs_length(list("ABCBDAB"), list("BDCABA")) == 4
    assert lcs_length([], ["a"]) == 0 and lcs_length(["a"] * 70, ["a"] * 3) == 3
