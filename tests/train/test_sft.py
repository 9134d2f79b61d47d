"""SFT builder: golden categories excluded, knobs honoured, targets end with <|im_end|>."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import reference_facts, summary

from harness.errors import InputError
from harness.train.config import SFTSettings
from harness.train.prompt import build_messages, prompt_facts, shown_facts, to_prompt_completion
from harness.train.sft import SFTStats, iter_samples
from harness.train.sft_io import load_golden_ids, read_sft, reference_targets

FACTS = reference_facts()


def _categories(sizes: dict[str, int]) -> dict[str, Any]:
    return {cid: SimpleNamespace(key=cid, product_count=n) for cid, n in sizes.items()}


def _facts_fn(calls: list[tuple[str, list[int] | None]]):
    def facts_fn(data: Any, subset: list[int] | None) -> dict[str, Any]:
        calls.append((data.key, subset))
        f = json.loads(json.dumps(FACTS[0]))
        f["categoryId"] = int(data.key) if data.key.isdigit() else data.key
        f["metrics"]["productCount"] = data.product_count if subset is None else len(subset)
        return f

    return facts_fn


def test_iter_samples__golden_never_enters() -> None:
    calls: list[tuple[str, list[int] | None]] = []
    stats = SFTStats()
    cats = _categories({"1": 20, "2": 20, "52~1": 20, "101": 20})
    rows = list(iter_samples(cats, SFTSettings(samples_per_category=3), {"2", "52~1"}, _facts_fn(calls), summary, stats))
    assert {str(r["categoryId"]) for r in rows} == {"1", "101"}
    assert {c for c, _ in calls} == {"1", "101"}  # golden categories are not even computed
    assert stats.skipped_golden == 2 and stats.training_category_ids == ["1", "101"] and stats.samples == 6


def test_iter_samples__subsamples_use_ratio_and_indices() -> None:
    calls: list[tuple[str, list[int] | None]] = []
    settings = SFTSettings(samples_per_category=5, subsample_ratio=0.5, min_products=3, seed=1)
    rows = list(iter_samples(_categories({"7": 40}), settings, set(), _facts_fn(calls), summary, SFTStats()))
    assert calls[0] == ("7", None)  # sample 0: the whole category
    subsets = [s for _, s in calls[1:]]
    assert all(len(s) == 20 and len(set(s)) == 20 and min(s) >= 0 and max(s) < 40 for s in subsets)
    assert len({tuple(s) for s in subsets}) == len(subsets) == 4
    assert [r["productCount"] for r in rows] == [40, 20, 20, 20, 20]
    again = list(iter_samples(_categories({"7": 40}), settings, set(), _facts_fn([]), summary, SFTStats()))
    assert again == rows  # seeded: reproducible


def test_iter_samples__min_products_and_max_categories_are_counted() -> None:
    stats = SFTStats()
    cats = _categories({"1": 2, "2": 10, "3": 10, "4": 10})
    settings = SFTSettings(samples_per_category=1, min_products=3, max_categories=2)
    rows = list(iter_samples(cats, settings, set(), _facts_fn([]), summary, stats))
    assert [r["categoryId"] for r in rows] == [2, 3]
    assert stats.skipped_min_products == 1 and stats.skipped_max_categories == 1 and stats.categories_seen == 4


def test_iter_samples__duplicate_subsamples_counted_not_repeated() -> None:
    stats = SFTStats()
    settings = SFTSettings(samples_per_category=6, subsample_ratio=0.9, min_products=3)
    rows = list(iter_samples(_categories({"1": 3}), settings, set(), _facts_fn([]), summary, stats))
    assert len(rows) == 1 and stats.duplicate_subsamples == 5  # 90% of 3 products is all 3: same as sample 0


def test_prompt_facts__review_text_switch_and_rounding() -> None:
    facts = dict(FACTS[0], reviewInsights={"topKeywords": [{"keyword": "아이", "count": 3}], "hasReviewText": True,
                                           "distinctiveKeywords": [{"keyword": "x", "score": 1.0}, {"score": 0.5}],
                                           "ageMentions": [{"age": "3살", "count": 2}]})  # fmt: skip
    with_text = prompt_facts(facts, use_review_text=True)
    without = prompt_facts(facts, use_review_text=False)
    # distinctive keywords as bare words (their scores are never stated); ages are not the template's
    assert with_text["reviewInsights"] == {"topKeywords": [{"keyword": "아이", "count": 3}], "distinctiveKeywords": ["x"],
                                           "hasReviewText": True}  # fmt: skip
    assert "reviewInsights" not in without
    assert without["metrics"]["zeroReviewRatio"] == round(FACTS[0]["metrics"]["zeroReviewRatio"], 4)
    assert without["metrics"]["totalReviewCount"] == FACTS[0]["metrics"]["totalReviewCount"]


def test_to_prompt_completion__target_ends_with_im_end(tiny_base: Path) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_base)
    for facts in FACTS:
        pair = to_prompt_completion(build_messages(facts, "sys", True, summary(facts)), tok)
        assert pair["prompt"].endswith("<|im_start|>assistant\n")
        assert pair["completion"].endswith("<|im_end|>") and pair["completion"].count("<|im_end|>") == 1
        assert json.loads(pair["completion"].removesuffix("<|im_end|>")) == summary(facts)


def test_reference_targets__by_category(tmp_path: Path) -> None:
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps({"categoryId": 4, "marketOverviewSummary": "가", "growthSummary": "나"}) + "\n", "utf-8")
    target = reference_targets(path)
    assert target({"categoryId": "4"}) == {"categoryId": 4, "marketOverviewSummary": "가", "growthSummary": "나"}
    assert target({"categoryId": 5}) is None


def test_load_golden_ids__dir_list_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "facts.jsonl").write_text('{"categoryId": 4}\n{"categoryId": "52~1"}\n', "utf-8")
    (tmp_path / "ids.txt").write_text("# golden\n4\n21\n", "utf-8")
    assert load_golden_ids(tmp_path / "g") == {"4", "52~1"}
    assert load_golden_ids(tmp_path / "ids.txt") == {"4", "21"}
    with pytest.raises(InputError, match="not found"):
        load_golden_ids(tmp_path / "missing.txt")


def test_read_sft__rejects_rows_without_assistant_turn(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "x"}]}) + "\n", "utf-8")
    with pytest.raises(InputError, match="row 1"):
        read_sft(path)


def test_shown_facts__without_review_text_drops_the_insights_only() -> None:
    facts = dict(FACTS[0], reviewInsights={"hasReviewText": False, "reviewTextCount": 0})
    assert shown_facts(facts, True) == facts
    shown = shown_facts(facts, False)
    assert "reviewInsights" not in shown and shown["metrics"] is facts["metrics"] and "reviewInsights" in facts


def test_iter_samples__without_review_text_the_target_sees_no_insights() -> None:
    """The target is written from the facts the prompt shows: none of the insights the prompt lacks."""
    seen: list[dict[str, Any]] = []

    def target_fn(facts: dict[str, Any]) -> dict[str, str]:
        seen.append(facts)
        return summary(facts)

    def facts_fn(data: Any, subset: list[int] | None) -> dict[str, Any]:
        return dict(FACTS[0], categoryId=1, reviewInsights={"hasReviewText": False, "reviewTextCount": 0})

    for use_review_text in (False, True):
        settings = SFTSettings(samples_per_category=1, use_review_text=use_review_text)
        rows = list(iter_samples(_categories({"1": 20}), settings, set(), facts_fn, target_fn, SFTStats()))
        user = json.loads(rows[0]["messages"][1]["content"])
        assert ("reviewInsights" in seen[-1]) is ("reviewInsights" in user) is use_review_text



def test_build_record__names_the_prompt_format() -> None:
    """An adapter's training_metadata.json copies the build record: it says which prompt its examples had."""
    from harness.train.prompt import PROMPT_FORMAT
    from harness.train.sft import build_record

    assert build_record(SFTSettings(), SFTStats(), None)["prompt_format"] == PROMPT_FORMAT == 2
