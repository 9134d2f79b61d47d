"""Token budgets on a toy whitespace tokenizer: the target is never cut, optional parts go in order."""

from __future__ import annotations

from typing import Any

from harness.train.budget import TokenBudget, quantiles
from harness.train.prompt import optional_parts, without

TARGET = {"marketOverviewSummary": "시장 요약 문장", "growthSummary": "성장 요약 문장"}


class WordTokenizer:
    """One token per whitespace- or punctuation-separated piece; the chat template is plain concatenation."""

    def __call__(self, text: Any, add_special_tokens: bool = False) -> dict[str, Any]:
        texts = [text] if isinstance(text, str) else text
        ids = [[0] * len(t.replace(",", " , ").replace('"', ' " ').split()) for t in texts]
        return {"input_ids": ids[0] if isinstance(text, str) else ids}

    def apply_chat_template(self, messages: list[dict[str, str]], tokenize: bool, add_generation_prompt: bool) -> str:
        return " ".join(m["content"] for m in messages) + " assistant"


def _prompt() -> dict[str, Any]:
    return {
        "categoryId": 1, "metrics": {"totalReviewCount": 10, "topTags": [{"tag": "세척이 쉬워요", "count": 2}]},
        "reviewInsights": {
            "topKeywords": [{"keyword": w, "count": 9 - i} for i, w in enumerate(["가격", "품질", "배송", "냄새"])],
            "distinctiveKeywords": ["눈금", "밀폐", "보관"],
            "usageScenarios": [{"scenario": "외출", "count": 3}, {"scenario": "여행", "count": 1}],
            "positiveExamples": ["아주 좋아요 정말 좋아요 또 살게요", "좋아요 배송 빨라요"],
            "negativeExamples": ["별로예요 냄새가 나요 아쉬워요"],
        },
    }  # fmt: skip


def test_optional_parts__examples_first_then_low_ranked_insights_and_quoted_items_kept() -> None:
    parts = optional_parts(_prompt(), "품질이 좋고 '밀폐' 외출용")
    assert parts[:4] == [("negativeExamples", 0), ("positiveExamples", 1), ("positiveExamples", 0), ("topTags", 0)]
    assert parts[4:8] == [("topKeywords", 3), ("topKeywords", 2), ("topKeywords", 0), ("distinctiveKeywords", 2)]
    assert parts[8:] == [("distinctiveKeywords", 0), ("usageScenarios", 1)]  # 밀폐 is quoted: kept
    trimmed = without(_prompt(), parts[:5])
    assert trimmed["reviewInsights"]["topKeywords"][-1]["keyword"] == "배송"
    assert trimmed["reviewInsights"]["positiveExamples"] == []
    assert trimmed["metrics"] == {"totalReviewCount": 10, "topTags": []} and _prompt()["metrics"]["topTags"]
    assert ("topTags", 0) not in optional_parts(_prompt(), "'세척이 쉬워요'")  # a quoted tag stays
    no_insights = {k: v for k, v in _prompt().items() if k != "reviewInsights"}
    assert optional_parts(no_insights, "") == [("topTags", 0)]


def test_fit__no_limit_counts_only() -> None:
    fit = TokenBudget(WordTokenizer(), None).fit(_prompt(), "S", TARGET)
    assert fit.trimmed_parts == 0 and fit.messages is not None and fit.messages[-1]["role"] == "assistant"


def test_fit__trims_the_fewest_parts_and_keeps_the_whole_target() -> None:
    tok = WordTokenizer()
    full = TokenBudget(tok, None).fit(_prompt(), "S", TARGET)
    for max_length in range(full.total_tokens - 1, full.target_tokens, -1):
        fit = TokenBudget(tok, max_length).fit(_prompt(), "S", TARGET)
        if fit.messages is None:
            assert fit.trimmed_parts == 0
            break
        assert fit.total_tokens <= max_length and fit.target_tokens == full.target_tokens
        assert '"growthSummary": "성장 요약 문장"' in fit.messages[-1]["content"]
        k = fit.trimmed_parts
        assert k > 0
        fewer = TokenBudget(tok, None).fit(without(_prompt(), optional_parts(_prompt(), "")[: k - 1]), "S", TARGET)
        assert fewer.total_tokens > max_length  # one part fewer would not fit: k is the smallest
    else:
        raise AssertionError("the budget never became too small to fit")


def test_fit__too_small_for_the_target_drops() -> None:
    fit = TokenBudget(WordTokenizer(), 5).fit(_prompt(), "S", TARGET)
    assert fit.messages is None


def test_quantiles__nearest_rank() -> None:
    assert quantiles(range(1, 101)) == {"min": 1, "p50": 51, "p90": 90, "p99": 99, "max": 100}
    assert quantiles([]) == {}
