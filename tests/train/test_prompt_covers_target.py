"""Every SFT target is supported by its own prompt: a model trained on the pair need invent nothing.

The targets are the template writer's summaries; the model sees only the prompt (the user turn the
builder writes: ``prompt_facts``, floats rounded). So each target is scored for numeric fidelity
against that prompt with the project's own scorer (``FactIndex.from_facts(prompt).check_text``,
as the ``numeric_fidelity`` metric scores against facts), and every label the target quotes (the
template quotes each review keyword, usage scenario, segment value and spec age it names) must be
one of the prompt's labels. Without review text the prompt has no insights, so the target must not
describe the review text either. Checked on the golden facts and on a spread of ``data/sample``
categories (sample 0 and product subsets, through the SFT builder itself), with review text on
and off, and on prompts trimmed as far as the token budget may trim them.

On the prompt before format 2 (main at ffc023c) the golden tests fail: with review text 14 of 16
template targets stated something their prompt lacked (30 of 468 numeric claims unsupported: the
6-month price move, a partial year's months covered and annualized count, the unbranded share; 8
distinctive keywords named), without review text all 16 (the target was written from insights the
prompt did not hold); on the 32 sample categories 30 and 32. Now 0 of each.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import reference_facts

from harness.chat_markup import END_OF_TURN
from harness.evaluate.fidelity import FactIndex
from harness.train.config import SFTSettings
from harness.train.prompt import optional_parts, prompt_facts, summary_json, without
from harness.train.sft import SFTStats, iter_samples, subset_facts, target_for
from harness.writers.contract import SUMMARY_KEYS
from harness.writers.phrasing import clean_label
from harness.writers.template import write_summary

REPO = Path(__file__).resolve().parents[2]
GOLDEN = [json.loads(line) for line in (REPO / "golden/facts.jsonl").read_text("utf-8").splitlines() if line.strip()]
SAMPLE = REPO / "data/sample"
QUOTED = re.compile(r"'([^']+)'")
# The template's only sentences about the review text itself; a prompt without insights cannot back them.
TEXT_PHRASES = ("텍스트가 있는 리뷰", "리뷰 텍스트가 없어")
_LABELS = (
    ("metrics", "topTags", "tag"), ("metrics", "topSegments", "segment"),
    ("reviewInsights", "topKeywords", "keyword"), ("reviewInsights", "distinctiveKeywords", "keyword"),
    ("reviewInsights", "usageScenarios", "scenario"), ("reviewInsights", "ageMentions", "age"),
)  # fmt: skip


def prompt_labels(prompt: Mapping[str, Any]) -> set[str]:
    """Every label the prompt lists (a segment also by its value: ``연령: 3세이상`` -> ``3세이상``)."""
    out: set[str] = set()
    for section, key, field in _LABELS:
        for item in (prompt.get(section) or {}).get(key) or []:
            label = item.get(field) if isinstance(item, Mapping) else item
            if isinstance(label, str):
                out |= {clean_label(label), clean_label(label.split(":", 1)[-1])}
    return out


def gaps(prompt: Mapping[str, Any], target: Mapping[str, str]) -> list[str]:
    """What the target states that the prompt does not support (empty: the pair is consistent)."""
    index = FactIndex.from_facts(dict(prompt))
    labels = prompt_labels(prompt)
    out = []
    for key in SUMMARY_KEYS:
        out += [f"{key}: unsupported {c.stated.text}" for c in index.check_text(target[key]) if not c.supported]
        out += [f"{key}: names '{q}'" for q in QUOTED.findall(target[key]) if q not in labels]
        if "reviewInsights" not in prompt:
            out += [f"{key}: says '{p}'" for p in TEXT_PHRASES if p in target[key]]
    return out


def row_gaps(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Gaps of each SFT row, read back from its turns exactly as the model is trained on them."""
    out = {}
    for row in rows:
        turns = {m["role"]: m["content"] for m in row["messages"]}
        found = gaps(json.loads(turns["user"]), json.loads(turns["assistant"]))
        if found:
            out[f"{row['categoryId']}#{row['sampleIndex']}"] = found
    return out


def _golden_rows(use_review_text: bool) -> list[dict[str, Any]]:
    """The builder's rows for the golden facts (one sample each, the template writing the targets)."""
    by_id = {str(f["categoryId"]): f for f in GOLDEN}
    categories = {cid: SimpleNamespace(key=cid, product_count=f["metrics"]["productCount"]) for cid, f in by_id.items()}
    settings = SFTSettings(samples_per_category=1, min_products=1, use_review_text=use_review_text)
    facts_fn = lambda data, subset: by_id[data.key]  # noqa: E731
    rows = list(iter_samples(categories, settings, set(), facts_fn, target_for(settings), SFTStats()))
    assert len(rows) == len(GOLDEN) >= 16
    return rows


@pytest.mark.parametrize("use_review_text", [True, False], ids=["review-text", "no-review-text"])
def test_golden__every_target_is_supported_by_its_prompt(use_review_text: bool) -> None:
    assert row_gaps(_golden_rows(use_review_text)) == {}


@pytest.fixture(scope="module")
def sample_spread() -> dict[str, Any]:
    """Every other non-golden sample category, prepared with review insights as ``harness sft build`` does."""
    from harness.data.load import load_exports
    from harness.facts import prepare_categories

    exports = load_exports(SAMPLE / "products_all.csv", SAMPLE / "reviews_all.csv")
    golden = {str(f["categoryId"]) for f in GOLDEN}
    ids = sorted({str(c) for c in exports.products["category_id"]} - golden)[::2]
    assert len(ids) >= 8
    products = exports.products[exports.products["category_id"].astype(str).isin(ids)]
    reviews = exports.reviews[exports.reviews["product_id"].isin(products["id"])]
    return prepare_categories(products, reviews, insights=True, progress=False)


@pytest.mark.parametrize("use_review_text", [True, False], ids=["review-text", "no-review-text"])
def test_sample_spread__every_built_example_is_supported_by_its_prompt(sample_spread, use_review_text: bool) -> None:
    settings = SFTSettings(samples_per_category=4, use_review_text=use_review_text)
    stats = SFTStats()
    rows = list(iter_samples(sample_spread, settings, set(), subset_facts, target_for(settings), stats))
    assert len(rows) == stats.samples >= 30
    assert row_gaps(rows) == {}


def _facts_and_targets(spread: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, str]]]:
    for facts in GOLDEN + [subset_facts(data, None) for data in spread.values()]:
        yield str(facts["categoryId"]), facts, write_summary(facts)


def test_trimmed_prompts__still_hold_everything_the_target_states(sample_spread) -> None:
    """The tightest trim the budget may make (every optional part the target does not quote) loses nothing."""
    found = {}
    for cid, facts, target in _facts_and_targets(sample_spread):
        prompt = prompt_facts(facts, use_review_text=True)
        trimmed = without(prompt, optional_parts(prompt, summary_json(target) + END_OF_TURN))
        assert trimmed["reviewInsights"].get("positiveExamples") == []  # it did trim
        if problems := gaps(trimmed, target):
            found[cid] = problems
    assert found == {}


def test_prompt__carries_the_fields_the_template_states() -> None:
    """The fields behind the numbers the gap hid: partial-year coverage, unbranded share, price move,
    distinctive keywords (a golden category that has each)."""
    facts = next(f for f in GOLDEN if str(f["categoryId"]) == "1")
    prompt = prompt_facts(facts, use_review_text=True)
    last = prompt["growthData"][-1]
    assert last == {"year": 2025, "reviewCount": 213, "growthRate": round(facts["growthData"][-1]["growthRate"], 4),
                    "partial": True, "monthsCovered": 5.95, "annualizedReviewCount": 430}  # fmt: skip
    assert all(row["partial"] is False and "monthsCovered" not in row for row in prompt["growthData"][:-1])
    assert prompt["metrics"]["priceChange6m"] == -0.0569 and prompt["metrics"]["unbrandedReviewShare"] == 0.0067
    assert prompt["reviewInsights"]["distinctiveKeywords"][:3] == ["눈금", "양", "조절"]
    assert "ageMentions" not in prompt["reviewInsights"] and "hhiTop10" not in prompt["metrics"]
    target = write_summary(facts)
    assert "'눈금'" in target["marketOverviewSummary"] and "430건" in target["growthSummary"]


def test_prompt__legacy_facts_keep_the_legacy_shape() -> None:
    """Legacy facts (no coverage, no insights): growth rows stay year/count/rate, so the model can tell
    coverage unknown (the template then says so) from coverage known."""
    for facts in reference_facts():
        prompt = prompt_facts(facts, use_review_text=True)
        assert all(set(row) <= {"year", "reviewCount", "growthRate"} for row in prompt["growthData"])
        assert gaps(prompt, write_summary(facts)) == []

