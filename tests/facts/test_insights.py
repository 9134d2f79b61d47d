"""Review insights with a stand-in analyser (fast) and with real Kiwi (slow)."""

from __future__ import annotations

import re
from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest

from harness.facts import compute_facts, facts_for, prepare_categories, validate_facts
from harness.facts.keywords import split_sentences
from harness.facts.text import is_injection

from .conftest import block_products, block_reviews, products_frame, puzzle_products, reviews_frame


class FakeKiwi:
    """Whitespace tokenizer tagging Hangul words NNG; records every text it was given."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.calls = 0

    def tokenize(self, texts):
        self.calls += 1
        for text in texts:
            self.seen[text] += 1
            yield [SimpleNamespace(form=w, tag="NNG") for w in re.findall(r"[가-힣]+", text)]


def _facts(products, reviews, **kwargs):
    kiwi = FakeKiwi()
    categories = prepare_categories(products, reviews, kiwi=kiwi, **kwargs)
    return {key: facts_for(c) for key, c in categories.items()}, kiwi, categories


def _puzzle_reviews():
    return [(f"q{i % 12}", "2024-05-01", 5 if i % 3 else 1, f"퍼즐 조각 {'두껍고 선명해요' if i % 3 else '찢어지고 얇아요'} {i}") for i in range(30)]


def test_examples__never_injection_and_pii_masked(exports):
    facts, _, categories = _facts(*exports)
    assert not any(is_injection(t) for t in categories["10"].insights.texts)  # not even as keywords
    insights = facts["10"]["reviewInsights"]
    examples = insights["positiveExamples"] + insights["negativeExamples"]
    assert examples and not any(re.search(r"무시|ignore|프롬프트|prompt", e, re.IGNORECASE) for e in examples)
    assert not any(re.search(r"010-|@", e) for e in examples)
    assert any("[전화번호]" in e for e in insights["negativeExamples"])
    assert any("[이메일]" in e for e in insights["negativeExamples"])
    assert facts["10"]["dataQuality"]["reviewsFlaggedInjection"] == 5


def test_examples__deduplicated_truncated_deterministic(exports):
    products, reviews = exports
    long = "블록 " + "정말 튼튼하고 아이가 매일 가지고 놀아요 " * 20
    reviews = reviews_frame(block_reviews() + [("p6", "2025-01-02", 5, long)])
    first, _, _ = _facts(products, reviews)
    second, _, _ = _facts(products, reviews)
    positive = first["10"]["reviewInsights"]["positiveExamples"]
    assert positive == second["10"]["reviewInsights"]["positiveExamples"]
    assert len(positive) == 3 and all(len(e) <= 180 for e in positive)
    assert sum(e.startswith("블록 퀄리티 최고") for e in positive) <= 1  # seven near-copies, one example
    assert all(e.endswith("…") for e in positive if len(e) == 180)
    negative = first["10"]["reviewInsights"]["negativeExamples"]
    assert len(negative) == 2  # three reviews rated <= 2, one of them an injection


def test_scenarios_and_ages__counted_over_all_reviews(exports):
    facts, _, _ = _facts(*exports, keyword_sample=3)
    insights = facts["10"]["reviewInsights"]
    assert {s["scenario"]: s["count"] for s in insights["usageScenarios"]} == {"놀이": 17, "목욕": 7, "여행": 6, "선물": 4}
    assert insights["ageMentions"][0] == {"age": "3살", "count": 5}
    assert insights["keywordSampleSize"] == 3


def test_sample__bounded_and_each_review_tokenized_once(exports):
    products = products_frame(block_products() + puzzle_products())
    reviews = reviews_frame(block_reviews() + _puzzle_reviews())
    _, kiwi, categories = _facts(products, reviews, keyword_sample=4, negative_pool=2)
    assert kiwi.calls == 1  # one batch for every category
    sampled = []
    for key in ("10", "11"):
        insights = categories[key].insights
        assert insights.uniform == 4 and len(insights.sample) <= 6
        assert len(set(insights.sample.tolist())) == len(insights.sample)
        sampled += insights.texts
    assert max(kiwi.seen.values()) == 1  # no sentence analysed twice
    assert set(kiwi.seen) == {s for text in sampled for s in split_sentences(text)}


def test_distinctive__log_odds_against_other_categories():
    products = products_frame(block_products() + puzzle_products())
    reviews = reviews_frame(block_reviews() + _puzzle_reviews())
    facts, _, _ = _facts(products, reviews)
    blocks = [k["keyword"] for k in facts["10"]["reviewInsights"]["distinctiveKeywords"]]
    puzzles = [k["keyword"] for k in facts["11"]["reviewInsights"]["distinctiveKeywords"]]
    assert blocks[0] == "블록" and "퍼즐" not in blocks
    assert puzzles[0] in {"퍼즐", "조각"} and "블록" not in puzzles
    scores = [k["score"] for k in facts["10"]["reviewInsights"]["distinctiveKeywords"]]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    for f in facts.values():
        validate_facts(f)


def test_subset__insights_follow_the_product_subset(exports):
    _, _, categories = _facts(*exports)
    mask = np.zeros(categories["10"].product_count, dtype=bool)
    mask[3] = True  # p4: seven 2024 reviews about 목욕 놀이
    insights = facts_for(categories["10"], mask)["reviewInsights"]
    assert insights["reviewTextCount"] == 7
    assert {s["scenario"]: s["count"] for s in insights["usageScenarios"]} == {"놀이": 7, "목욕": 7}
    assert insights["negativeExamples"] == []


@pytest.mark.slow
def test_keywords__real_kiwi_nouns_and_adjectives_without_stopwords(exports):
    facts = compute_facts(*exports, category_id=10)[0]
    keywords = [k["keyword"] for k in facts["reviewInsights"]["topKeywords"]]
    assert "블록" in keywords
    assert not {"좋다", "아이", "너무", "제품", "구매"} & set(keywords)
    all_words = {k["keyword"] for k in facts["reviewInsights"]["topKeywords"]}
    assert all(re.search(r"[가-힣]", w) for w in all_words)
    validate_facts(facts)
