"""Review insights: the keyword sample, scenario and age counts, and representative examples.

Work is bounded per category: keywords come from a uniform random sample of at most
``sample_size`` reviews with text (seeded by the category key, so reruns pick the same reviews),
plus up to ``negative_pool`` extra low-rated reviews so that negative examples exist where
complaints are rare. Every sampled review of every category is tokenized in one Kiwi batch, at
most once. Scenario, age and injection checks are cheap regex scans and run over every review.

Examples are representative: among candidates (sampled, rated >= 4 or <= 2, at least
``MIN_EXAMPLE_CHARS`` long, no injection pattern), the ones whose keywords are closest (cosine) to
the category's keyword profile come first; ties break on the text, so the choice is deterministic.
"""

from __future__ import annotations

import math
import sys
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np

from harness.facts.defaults import DEFAULT_SAMPLE_SIZE
from harness.facts.keywords import CountedMapping, document_counts, log_odds, review_keywords
from harness.facts.prepare import CategoryData, Insights
from harness.facts.text import (
    USAGE_SCENARIOS,
    age_candidates,
    age_mentions,
    clean_text,
    dedup_key,
    example_text,
    injection_flags,
    scenario_matrix,
)

NEGATIVE_POOL = 10
BACKGROUND_SAMPLE = 3000
MIN_EXAMPLE_CHARS = 12
N_EXAMPLES = 3
TOP_KEYWORDS = 10
PROFILE_KEYWORDS = 50
BATCH = 20_000


def _rng(key: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def _draw(
    category: CategoryData, eligible: np.ndarray, sample_size: int, negative_pool: int, seed: int
) -> tuple[np.ndarray, int]:
    """Global review positions to tokenize: uniform sample first, then extra negatives.

    Only ``eligible`` reviews (with text, no injection pattern) are drawn: instructions aimed at a
    model are not customer vocabulary and must not surface as keywords either.
    """
    start, end = category.review_range
    reviews = category.store.reviews
    with_text = np.flatnonzero(eligible[start:end]) + start
    rng = _rng(category.key, seed)
    if with_text.size > sample_size:
        uniform = np.sort(rng.choice(with_text, size=sample_size, replace=False))
    else:
        uniform = with_text
    ratings = reviews.rating[with_text]
    negatives = with_text[ratings <= 2]
    missing = negative_pool - int(np.sum(reviews.rating[uniform] <= 2))
    extra = np.setdiff1d(negatives, uniform, assume_unique=True)
    if missing > 0 and extra.size:
        extra = np.sort(rng.choice(extra, size=min(missing, extra.size), replace=False))
    else:
        extra = extra[:0]
    return np.concatenate([uniform, extra]).astype(np.int64), int(uniform.size)


def _tokenize(texts: list[str], kiwi: Any | None, progress: bool) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    cache: dict[str, tuple[str, ...]] | None = None if kiwi is None else {}
    chunks: Iterable[int] = range(0, len(texts), BATCH)
    if progress and len(texts) > BATCH:
        from tqdm import tqdm

        chunks = tqdm(chunks, desc="tokenizing review samples", unit="batch", file=sys.stderr)
    for lo in chunks:
        out.extend(review_keywords(texts[lo : lo + BATCH], kiwi, cache))
    return out


def add_insights(
    categories: dict[str, CategoryData],
    keys: Iterable[str] | None = None,
    *,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    negative_pool: int = NEGATIVE_POOL,
    background_sample: int = BACKGROUND_SAMPLE,
    seed: int = 0,
    kiwi: Any | None = None,
    progress: bool = False,
) -> None:
    """Fills ``insights`` of the chosen categories (all by default) and the shared background.

    When only some categories are chosen, the background for distinctive keywords is a uniform
    sample of ``background_sample`` reviews from the other categories instead of their full
    keyword samples, which keeps a one-category run cheap.
    """
    chosen = list(categories) if keys is None else list(keys)
    if not chosen:
        return
    store = categories[chosen[0]].store
    if store.reviews.source_text is None:
        if store.reviews.has_text.any():
            raise ValueError("the reviews were loaded without their text (review_text=False); insights need it")
        for key in chosen:
            categories[key].insights = None
        return
    ranges = [categories[key].review_range for key in chosen]
    scan_index = np.concatenate([np.arange(s, e) for s, e in ranges])
    if progress:
        print(f"scanning {len(scan_index):,} reviews for scenarios, ages and injected instructions ...",
              file=sys.stderr, flush=True)
    scanned = store.reviews.texts_at(scan_index)
    scenarios, injection = scenario_matrix(scanned), injection_flags(scanned)
    eligible = store.reviews.has_text.copy()
    eligible[scan_index[injection]] = False
    draws = {key: _draw(categories[key], eligible, sample_size, negative_pool, seed) for key in chosen}
    positions = np.concatenate([draws[key][0] for key in chosen]) if draws else np.zeros(0, np.int64)
    other = np.zeros(0, np.int64)
    chosen_set = set(chosen)
    if len(chosen_set) < len(categories):
        mask = np.zeros(len(store.reviews.has_text), dtype=bool)
        for key, category in categories.items():
            if key not in chosen_set:
                mask[slice(*category.review_range)] = True
        pool = np.flatnonzero(mask & store.reviews.has_text)
        if pool.size > background_sample:
            pool = np.sort(_rng("background", seed).choice(pool, size=background_sample, replace=False))
        other = pool[~injection_flags(store.reviews.texts_at(pool))]
    all_positions = np.concatenate([positions, other])
    if progress:
        print(f"analysing {len(all_positions):,} sampled reviews with Kiwi (at most {sample_size} per category) ...",
              file=sys.stderr, flush=True)
    texts = [str(v) for v in store.reviews.texts_at(all_positions).tolist()]
    bags = _tokenize(texts, kiwi, progress)
    background: Counter[str] = document_counts(bags[len(positions) :])
    age_rows = np.flatnonzero(age_candidates(scanned))
    age_values = [tuple(age_mentions(str(t))) for t in scanned.iloc[age_rows].tolist()]
    offset, scan_offset = 0, 0
    for key in chosen:
        category = categories[key]
        sample, uniform = draws[key]
        keywords = bags[offset : offset + len(sample)]
        sample_texts = texts[offset : offset + len(sample)]
        offset += len(sample)
        background.update(document_counts(keywords[:uniform]))
        size = category.review_count
        lo, hi = np.searchsorted(age_rows, [scan_offset, scan_offset + size])
        category.insights = Insights(
            sample=sample,
            uniform=uniform,
            keywords=keywords,
            texts=sample_texts,
            scenarios=scenarios[scan_offset : scan_offset + size],
            injection=injection[scan_offset : scan_offset + size],
            ages={int(age_rows[i]) - scan_offset: age_values[i] for i in range(lo, hi) if age_values[i]},
            sample_size=sample_size,
        )
        scan_offset += size
    store.background = CountedMapping.of(background)


def _profile_score(bag: tuple[str, ...], profile: dict[str, float], norm: float) -> float:
    if not bag or norm == 0:
        return 0.0
    # map() over the bag adds the same values in the same order as a generator would.
    return sum(map(profile.get, bag, repeat(0.0))) / (math.sqrt(len(bag)) * norm)


@dataclass
class _Derived:
    """What :func:`insight_facts` needs of a category that no product subset changes.

    Built once per category (``Insights.derived``), so a hundred subsets of it do not re-read
    ratings and injection flags element by element, re-clean the same example texts or re-count
    the full keyword sample.
    """

    local: np.ndarray  # category-local review index of each sampled review
    positive: list[int]  # sampled reviews that may be a positive example (rating >= 4, clean, long enough)
    negative: list[int]  # the same for negative examples (rating <= 2)
    full_own: Counter[str]  # keyword counts of the whole uniform sample
    age_index: np.ndarray  # category-local review index per (review, age) mention
    age_codes: np.ndarray  # index into age_names per mention
    age_names: list[str]
    cleaned: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # entry -> (clean, dedup key, example)


def _derived(category: CategoryData) -> _Derived:
    insights = category.insights
    assert insights is not None
    if insights.derived is not None:
        return insights.derived
    start = category.review_range[0]
    ratings = category.store.reviews.rating[insights.sample].tolist()
    injected = insights.injection[insights.sample - start].tolist()
    usable = [not injected[j] and len(text) >= MIN_EXAMPLE_CHARS for j, text in enumerate(insights.texts)]
    names: dict[str, int] = {}
    age_index: list[int] = []
    age_codes: list[int] = []
    for index, labels in insights.ages.items():
        for label in labels:
            age_index.append(index)
            age_codes.append(names.setdefault(label, len(names)))
    insights.derived = _Derived(
        local=insights.sample - start,
        # NaN fails both comparisons, as np.isnan excluded it before.
        positive=[j for j, r in enumerate(ratings) if usable[j] and r >= 4],
        negative=[j for j, r in enumerate(ratings) if usable[j] and r <= 2],
        full_own=document_counts(insights.keywords[: insights.uniform]),
        age_index=np.asarray(age_index, dtype=np.int64),
        age_codes=np.asarray(age_codes, dtype=np.int64),
        age_names=list(names),
    )
    return insights.derived


def _examples(
    category: CategoryData, candidates: list[int], profile: dict[str, float], derived: _Derived
) -> list[str]:
    """Up to ``N_EXAMPLES`` distinct example texts among ``candidates`` (sample entries), the ones
    closest to the keyword profile first (ties by text)."""
    insights = category.insights
    assert insights is not None
    norm = math.sqrt(sum(v * v for v in profile.values()))
    keywords, texts = insights.keywords, insights.texts
    ranked = [(-_profile_score(keywords[j], profile, norm), texts[j], j) for j in candidates]
    ranked.sort(key=lambda item: (item[0], item[1]))  # (score, text) as before; j only carries the entry
    chosen: list[str] = []
    seen: set[str] = set()
    cleaned = derived.cleaned
    for _, text, j in ranked:  # cleaning and de-duplication only as far down the ranking as needed
        entry = cleaned.get(j)
        if entry is None:
            raw = clean_text(text)
            entry = cleaned[j] = (raw, dedup_key(raw), example_text(raw))
        raw, key, example = entry
        if len(raw) < MIN_EXAMPLE_CHARS or key in seen:
            continue
        seen.add(key)
        chosen.append(example)
        if len(chosen) == N_EXAMPLES:
            break
    return chosen


def insight_facts(category: CategoryData, review_mask: np.ndarray | None = None) -> tuple[dict[str, Any], dict[str, int]]:
    """``reviewInsights`` and its data-quality counts for the category or a subset of its reviews.

    Args:
        category: a prepared category.
        review_mask: bool per category review (from a product subset); None means all.
    """
    store = category.store
    start, end = category.review_range
    mask = np.ones(end - start, dtype=bool) if review_mask is None else review_mask
    text_count = int(store.reviews.has_text[start:end][mask].sum())
    out: dict[str, Any] = {"hasReviewText": text_count > 0, "reviewTextCount": text_count}
    insights = category.insights
    if insights is None:
        return out, {}
    derived = _derived(category)
    keep = mask[derived.local].tolist()
    # ``keep`` covers every sampled review; the uniform sample is its first ``insights.uniform``.
    uniform_bags = [bag for bag, k in zip(insights.keywords[: insights.uniform], keep, strict=False) if k]
    own = document_counts(uniform_bags)
    full_own = own if review_mask is None else derived.full_own
    distinctive = log_odds(own, store.background, full_own)
    top = sorted(own.items(), key=lambda item: (-item[1], item[0]))
    profile = {word: float(count) for word, count in top[:PROFILE_KEYWORDS]}
    scenario_counts = insights.scenarios[mask].sum(axis=0)
    age_counts = np.bincount(derived.age_codes[mask[derived.age_index]], minlength=len(derived.age_names))
    ages = {name: count for name, count in zip(derived.age_names, age_counts.tolist(), strict=True) if count}
    positive = [j for j in derived.positive if keep[j]]
    negative = [j for j in derived.negative if keep[j]]
    out.update(
        {
            "keywordSampleSize": len(uniform_bags),
            "topKeywords": [{"keyword": w, "count": int(c)} for w, c in top[:TOP_KEYWORDS]],
            "distinctiveKeywords": [{"keyword": w, "score": round(z, 4)} for w, z in distinctive[:TOP_KEYWORDS]],
            "usageScenarios": [
                {"scenario": name, "count": count}
                for count, name in sorted(
                    ((int(count), name) for name, count in zip(USAGE_SCENARIOS, scenario_counts, strict=True) if count > 0),
                    key=lambda pair: (-pair[0], pair[1]),
                )
            ],
            "ageMentions": [
                {"age": a, "count": c} for a, c in sorted(ages.items(), key=lambda item: (-item[1], item[0]))[:10]
            ],
            "positiveExamples": _examples(category, positive, profile, derived),
            "negativeExamples": _examples(category, negative, profile, derived),
        }
    )
    return out, {"reviewsFlaggedInjection": int(insights.injection[mask].sum())}
