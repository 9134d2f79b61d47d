"""Content metrics on the normalized summary: premise, length, forbidden phrasing, specificity, coverage.

The banned list is short and defensible rather than a style guide: DESIGN.md forbids real
revenue amounts and currency outright (the figures are review-count proxies), and the research
brief asks for a concrete consulting tone, so a few phrasings that say nothing are flagged too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from harness.evaluate.derive import as_dict, as_records, brands_of, metrics_of, num
from harness.evaluate.fidelity import NumberCheck
from harness.evaluate.numbers import WON
from harness.writers.contract import SUMMARY_KEYS, sentence_count_ok, split_sentences, states_proxy_premise

# name -> (pattern, why it is banned)
BANNED_PHRASES: dict[str, tuple[re.Pattern[str], str]] = {
    "currency": (
        re.compile(r"\d\s?(?:[조억만천백]\s?)?" + WON + r"|₩|KRW|\$\s?\d|\d\s?(?:달러|USD|엔|위안)"),
        "currency figures: the numbers are review-count proxies, never money",
    ),
    "revenue_amount": (
        re.compile(r"매출(?:액|\s?규모|\s?금액)[^.。\d]{0,8}\d|매출[은는이가]?\s?(?:약\s?)?\d"),
        "a stated revenue amount: real revenue is unknown to a review-count proxy",
    ),
    "hedge_pileup": (
        re.compile(r"수\s?있을\s?것으로\s?(?:보|판단|예상|사료|생각|전망)"),
        "'~할 수 있을 것으로 보입니다': a doubled hedge that commits to nothing",
    ),
    "double_passive": (
        re.compile(r"보여집니다|보여진다|되어집니다|되어진다"),
        "ungrammatical double passive",
    ),
    "vague_various": (re.compile(r"다양한"), "'다양한' names no fact; the brief asks for the specific segment or keyword"),
    "vague_etc": (re.compile(r"등등|여러\s?가지"), "'등등'/'여러 가지' list nothing concrete"),
}

_TRIVIAL_LABELS = ("rank:", "span:", "growth:years", "listLength:")
_YEAR_LABEL = re.compile(r"^growthData\[\d+\]\.year$")
KEY_FACTS: dict[str, frozenset[str]] = {
    "top3_share": frozenset({"metrics.top3BrandShare", "top3_share"}),
    "hhi": frozenset({"metrics.hhi", "metrics.hhiTop10", "hhi:topBrands"}),
    "rating": frozenset({"metrics.avgRatingWeighted"}),
    "review_count": frozenset({"metrics.totalReviewCount"}),
    "zero_review": frozenset({"metrics.zeroReviewRatio", "zeroReviewProducts", "reviewedProducts", "reviewedProductRatio"}),
}


def disclaimer(summary: Mapping[str, str]) -> bool:
    """The first sentence of each summary states the review-count proxy premise."""
    for key in SUMMARY_KEYS:
        sentences = split_sentences(summary.get(key) or "")
        if not sentences or not states_proxy_premise(sentences[0]):
            return False
    return True


def sentences_ok(summary: Mapping[str, str]) -> bool:
    """Both summaries have a sentence count in range (market 4-6, growth 5-8)."""
    return all(sentence_count_ok(key, summary.get(key) or "") for key in SUMMARY_KEYS)


def banned_hits(summary: Mapping[str, str]) -> list[str]:
    """``name: matched text`` for every banned phrase found in either summary."""
    hits: list[str] = []
    for key in SUMMARY_KEYS:
        text = summary.get(key) or ""
        for name, (pattern, _) in BANNED_PHRASES.items():
            hits.extend(f"{name}: {m.group(0).strip()}" for m in pattern.finditer(text))
    return hits


def _informative(check: NumberCheck) -> bool:
    return any(not (label.startswith(_TRIVIAL_LABELS) or _YEAR_LABEL.match(label)) for label in check.labels)


def _names(facts: dict[str, Any]) -> dict[str, set[str]]:
    metrics = metrics_of(facts)
    insights = as_dict(facts.get("reviewInsights"))
    keywords = {str(r.get("tag")) for r in as_records(metrics.get("topTags"))}
    for field in ("topKeywords", "distinctiveKeywords"):
        values = insights.get(field)
        keywords |= {str(r.get("keyword")) for r in as_records(values)}
        keywords |= {v for v in values if isinstance(v, str)} if isinstance(values, list) else set()
    segments = {str(r.get("segment")).split(":")[-1] for r in as_records(metrics.get("topSegments"))}
    return {
        "brand": {str(b.get("name")) for b in brands_of(facts)},
        "keyword": keywords,
        "segment": segments,
        "scenario": {str(r.get("scenario")) for r in as_records(insights.get("usageScenarios"))},
    }


def insight_specificity(summary: Mapping[str, str], facts: dict[str, Any], checks: Iterable[NumberCheck]) -> int:
    """Distinct supported facts plus distinct brands, keywords, segments and scenarios the summary uses.

    Years and ranks are supported but say nothing specific, so they do not count.
    """
    facts_used = {
        (c.stated.value, c.stated.high, c.stated.unit) for c in checks if c.supported and _informative(c)
    }
    text = "".join(" ".join(summary.get(key) or "" for key in SUMMARY_KEYS).split())
    used = 0
    for names in _names(facts).values():
        used += sum(1 for name in names if len(name.strip()) >= 2 and "".join(name.split()) in text)
    return len(facts_used) + used


def key_fact_coverage(facts: dict[str, Any], checks: Iterable[NumberCheck]) -> float | None:
    """Share of the key facts the facts carry that a supported number of the summary states."""
    metrics = metrics_of(facts)
    shares = [s for b in brands_of(facts) if (s := num(b.get("share"))) is not None]
    available = {
        "top3_share": num(metrics.get("top3BrandShare")) is not None or len(shares) >= 3,
        "hhi": num(metrics.get("hhi")) is not None or bool(shares),
        "rating": num(metrics.get("avgRatingWeighted")) is not None,
        "review_count": num(metrics.get("totalReviewCount")) is not None,
        "zero_review": num(metrics.get("zeroReviewRatio")) is not None,
    }
    labels = {label for check in checks for label in check.labels}
    keys = [key for key, ok in available.items() if ok]
    if not keys:
        return None
    return sum(1 for key in keys if KEY_FACTS[key] & labels) / len(keys)
