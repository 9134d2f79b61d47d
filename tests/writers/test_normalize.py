"""The normalizer on the real failure shapes of the legacy pipeline, and on arbitrary text."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.chat_markup import QWEN2_5_ADDED_TOKENS
from harness.writers.normalize import Normalized, normalize_output

MARKET = "리뷰 수를 판매의 대리 지표로 삼은 추정입니다. 상위 3개 브랜드가 29.6%를 차지합니다."
GROWTH = "성장 역시 리뷰 수 기준의 대리 지표입니다. 2024년 리뷰는 176.0% 증가했습니다."
EXPECTED = {"marketOverviewSummary": MARKET, "growthSummary": GROWTH}
GOOD = json.dumps(EXPECTED, ensure_ascii=False)


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def test_normalize__clean_json_needs_no_repair() -> None:
    result = normalize_output(GOOD)
    assert result == Normalized(EXPECTED, (), True)


def test_normalize__nested_two_levels_unescaped() -> None:
    raw = _dumps({"marketOverviewSummary": EXPECTED, "growthSummary": GROWTH})
    result = normalize_output(raw)
    assert result.summary == EXPECTED and result.json_ok
    assert "nested_json" in result.repairs


def test_normalize__nested_two_levels_escaped_fills_missing_key() -> None:
    raw = _dumps({"marketOverviewSummary": GOOD, "growthSummary": ""})
    assert '\\"marketOverviewSummary\\"' in raw
    result = normalize_output(raw)
    assert result.summary == EXPECTED and "nested_json" in result.repairs


def test_normalize__nested_three_levels_escaped() -> None:
    level2 = _dumps({"marketOverviewSummary": GOOD})
    raw = _dumps({"marketOverviewSummary": level2, "growthSummary": GROWTH})
    result = normalize_output(raw)
    assert result.summary == EXPECTED and result.json_ok


def test_normalize__nested_three_levels_unescaped() -> None:
    raw = _dumps({"marketOverviewSummary": {"marketOverviewSummary": {"marketOverviewSummary": MARKET}},
                  "growthSummary": {"growthSummary": GROWTH}})
    assert normalize_output(raw).summary == EXPECTED


def test_normalize__im_end_then_chinese_is_cut() -> None:
    raw = GOOD + "<|im_end|>\n以上是市场分析报告的摘要。我们认为该市场具有增长潜力。"
    result = normalize_output(raw)
    assert result.summary == EXPECTED
    assert "cut_after_end_token" in result.repairs


def test_normalize__chat_prefix_and_trailing_token_removed() -> None:
    raw = "<|im_start|>assistant\n" + GOOD + "<|im_end|><|endoftext|>"
    result = normalize_output(raw)
    assert result.summary == EXPECTED and "special_tokens" in result.repairs


def test_normalize__json_fence() -> None:
    raw = "다음은 요약입니다.\n```json\n" + GOOD + "\n```\n추가 설명은 없습니다."
    result = normalize_output(raw)
    assert result.summary == EXPECTED and "code_fence" in result.repairs


def test_normalize__truncated_json_keeps_what_was_written() -> None:
    raw = GOOD[: GOOD.index("176.0%")]
    result = normalize_output(raw)
    assert result.summary["marketOverviewSummary"] == MARKET
    assert result.summary["growthSummary"].startswith("성장 역시 리뷰 수 기준의 대리 지표입니다.")
    assert "truncated_json" in result.repairs


def test_normalize__python_dict_quoting() -> None:
    raw = repr(EXPECTED)
    assert raw.startswith("{'")
    result = normalize_output(raw)
    assert result.summary == EXPECTED and "python_literal" in result.repairs


def test_normalize__bullet_list_without_json() -> None:
    raw = (
        "### 시장 개요\n- 리뷰 수를 판매의 대리 지표로 삼은 추정입니다\n- 상위 3개 브랜드가 29.6%를 차지합니다\n\n"
        "### 성장\n* 성장 역시 리뷰 수 기준의 대리 지표입니다\n* 2024년 리뷰는 176.0% 증가했습니다"
    )
    result = normalize_output(raw)
    assert result.summary == EXPECTED
    assert {"no_json_split", "markdown"} <= set(result.repairs)


def test_normalize__labelled_lines_without_json() -> None:
    raw = f"marketOverviewSummary: {MARKET}\ngrowthSummary: {GROWTH}"
    assert normalize_output(raw).summary == EXPECTED


def test_normalize__empty_string() -> None:
    result = normalize_output("")
    assert result.summary == {"marketOverviewSummary": "", "growthSummary": ""}
    assert not result.json_ok and result.repairs == ("empty",)


def test_normalize__chinese_passage_mid_text_removed() -> None:
    market = "리뷰 수를 판매의 대리 지표로 삼은 추정입니다. 该品类市场集中度较低。 상위 3개 브랜드가 29.6%를 차지합니다."
    result = normalize_output(_dumps({"marketOverviewSummary": market, "growthSummary": GROWTH}))
    assert result.summary == EXPECTED and "cjk_removed" in result.repairs


def test_normalize__trailing_chinese_inside_value_cut() -> None:
    result = normalize_output(_dumps({"marketOverviewSummary": MARKET + " 综上所述，市场前景良好", "growthSummary": GROWTH}))
    assert result.summary == EXPECTED and "cjk_tail_cut" in result.repairs


def test_normalize__repeated_sentences_deduplicated() -> None:
    first = MARKET.split(". ")[0] + "."
    raw = _dumps({"marketOverviewSummary": " ".join([first] * 5) + " 상위 3개 브랜드가 29.6%를 차지합니다.",
                  "growthSummary": GROWTH + " " + GROWTH})
    result = normalize_output(raw)
    assert result.summary == EXPECTED and "dedup_sentences" in result.repairs


def test_normalize__wrapper_object() -> None:
    result = normalize_output(_dumps({"result": {"summary": EXPECTED}}))
    assert result.summary == EXPECTED


def test_normalize__missing_key_is_not_ok() -> None:
    result = normalize_output(_dumps({"marketOverviewSummary": MARKET}))
    assert result.summary["growthSummary"] == "" and not result.json_ok


def test_normalize__prose_before_and_json_after() -> None:
    raw = "물론입니다! {잘못된 중괄호} 요약은 다음과 같습니다: " + GOOD + " 감사합니다."
    assert normalize_output(raw).summary == EXPECTED


_FRAGMENTS = st.sampled_from(
    ["{", "}", '"', "'", "\\", ":", ",", "[", "]", "<|im_end|>", "<|im_start|>", "```json", "```", "\n",
     '"marketOverviewSummary"', '"growthSummary"', "'marketOverviewSummary'", "리뷰 대리 지표입니다.",
     "以上是摘要。", "- ", "# ", "29.6%", "6만 4천 건", GOOD, GOOD[:40], "null", "true", "{\"a\": {\"b\": "]
)
_TEXT = st.one_of(st.text(max_size=100), st.lists(st.one_of(_FRAGMENTS, st.text(max_size=6)), max_size=16).map("".join))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_TEXT, min_size=20, max_size=20))
def test_normalize__never_raises_on_arbitrary_text(batch: list[str]) -> None:
    """250 examples of 20 strings each: 5,000 arbitrary strings at a fraction of hypothesis' per-example cost."""
    for raw in batch:
        result = normalize_output(raw)
        assert set(result.summary) == {"marketOverviewSummary", "growthSummary"}
        assert all(isinstance(v, str) for v in result.summary.values())
        assert isinstance(result.json_ok, bool) and all(isinstance(r, str) for r in result.repairs)
        assert "internal_error" not in result.repairs


@pytest.mark.parametrize("raw", ["{" * 5000, "[" * 5000 + "{'marketOverviewSummary': 1}", "{'a': " * 400])
def test_normalize__pathological_nesting_does_not_raise(raw: str) -> None:
    assert not normalize_output(raw).json_ok


@pytest.mark.parametrize("token", QWEN2_5_ADDED_TOKENS)
def test_normalize__every_qwen2_5_added_token_is_stripped(token: str) -> None:
    """A token that is not an end of turn is removed wherever it stands (a <tool_call> leaking into a
    summary string included); end-of-turn tokens cut what follows instead."""
    ends_turn = token in ("<|im_end|>", "<|endoftext|>")
    market = MARKET if ends_turn else MARKET[:10] + token + MARKET[10:]
    raw = _dumps({"marketOverviewSummary": market, "growthSummary": GROWTH}) + token
    result = normalize_output(raw)
    assert result.summary == EXPECTED, token
    assert token not in "".join(result.summary.values())
