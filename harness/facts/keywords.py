"""Korean keywords with Kiwi, and which of them are distinctive for a category.

Kiwi (kiwipiepy) loads its bundled model once per process (about 2 s), so the analyser is cached
and every batch goes through one ``tokenize`` call that Kiwi spreads over its worker threads.

Distinctive keywords use the weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008, "Fightin' Words"): a keyword scores high when its rate in the
category exceeds its rate in all other categories by more than its sampling noise, and the prior
(the pooled rate over all categories) shrinks rare words towards zero, so one review that says
"펭귄" twice does not make 펭귄 the category's signature. Counts are review frequencies (how many
sampled reviews mention the word), which keeps one repetitive review from dominating.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from harness.facts.text import MAX_TOKENIZE_CHARS, clean_text, keyword_of

PRIOR_STRENGTH = 1000.0
MIN_DISTINCTIVE_COUNT = 2


@lru_cache(maxsize=1)
def get_kiwi() -> Any:
    """The process-wide Kiwi analyser (its model ships inside the kiwipiepy_model wheel)."""
    from kiwipiepy import Kiwi

    workers = max(1, min(4, os.cpu_count() or 1))
    return Kiwi(num_workers=workers)


SENTENCE_SPLIT = re.compile(r"(?<=[.!?~…])\s+|\s*\n\s*")
CACHE_LIMIT = 500_000
_SENTENCE_CACHE: dict[str, tuple[str, ...]] = {}


def split_sentences(text: str) -> list[str]:
    """The review's sentences (Kiwi analyses sentences independently, so nothing is lost)."""
    cut = text[:MAX_TOKENIZE_CHARS]
    return [" ".join(part.split()) for part in SENTENCE_SPLIT.split(cut) if part.strip()]


def _sentence_keywords(tokens: Iterable[Any]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for token in tokens:
        word = keyword_of(token.form, token.tag)
        if word is not None:
            seen.setdefault(word, None)
    return tuple(seen)


def review_keywords(
    texts: Sequence[str], kiwi: Any | None = None, cache: dict[str, tuple[str, ...]] | None = None
) -> list[tuple[str, ...]]:
    """Distinct keywords of each text, in order of first appearance; one Kiwi pass over the batch.

    Texts are cleaned (HTML entities, whitespace), cut to ``MAX_TOKENIZE_CHARS`` (which bounds
    what one very long review can cost) and split into sentences. Each distinct sentence is
    analysed once per process: reviews repeat stock sentences ("배송이 빨라요", "만족해요"), and
    analysing a sentence twice gives the same tokens. Kiwi is the slow step (about 0.3-1 ms per
    sentence on one core), so this is what bounds the insight work.

    Args:
        texts: review texts.
        kiwi: the analyser; default the process-wide one (whose sentence cache is shared).
        cache: sentence -> keywords memo to use with a given ``kiwi``; a fresh one when None.
    """
    if not texts:
        return []
    if kiwi is None:
        kiwi, cache = get_kiwi(), _SENTENCE_CACHE
    elif cache is None:
        cache = {}
    sentences = [split_sentences(clean_text(t)) for t in texts]
    needed = dict.fromkeys(s for parts in sentences for s in parts)
    fresh = [s for s in needed if s not in cache]
    if len(cache) + len(fresh) > CACHE_LIMIT:
        cache.clear()
        fresh = list(needed)
    if fresh:
        for sentence, tokens in zip(fresh, kiwi.tokenize(fresh), strict=True):
            cache[sentence] = _sentence_keywords(tokens)
    out: list[tuple[str, ...]] = []
    for parts in sentences:
        merged: dict[str, None] = {}
        for sentence in parts:
            for word in cache[sentence]:
                merged.setdefault(word, None)
        out.append(tuple(merged))
    return out


def document_counts(bags: Iterable[Sequence[str]]) -> Counter[str]:
    """How many bags (reviews) contain each keyword."""
    counts: dict[str, int] = {}
    for bag in bags:
        for word in bag:
            counts[word] = counts.get(word, 0) + 1
    return Counter(counts)


def log_odds(
    own: Counter[str],
    background: Mapping[str, int],
    own_in_background: Mapping[str, int] | None = None,
    *,
    prior_strength: float = PRIOR_STRENGTH,
    min_count: int = MIN_DISTINCTIVE_COUNT,
) -> list[tuple[str, float]]:
    """Weighted log-odds z-scores of ``own`` against the rest of ``background`` (Monroe et al.).

    The comparison corpus is the background minus the category's own contribution, and the
    informative Dirichlet prior has the background's shape with total ``prior_strength``:
    ``alpha_w = prior_strength * background[w] / sum(background)``. Only the category's own words
    are visited, so one call costs O(own vocabulary), not O(background vocabulary).

    Args:
        own: keyword counts of the category (or of a product subset of it).
        background: pooled keyword counts of every category.
        own_in_background: what this category contributed to ``background`` (default ``own``).
        prior_strength: alpha_0, comparable to one category's sample, so the prior regularises
            rare words without drowning the category's own counts.
        min_count: keywords seen fewer times in the category are not scored.

    Returns:
        ``(keyword, z)`` for keywords with z > 0, highest first (ties by keyword).
    """
    contributed = own if own_in_background is None else own_in_background
    n_own = sum(own.values())
    n_background = sum(background.values()) if not isinstance(background, CountedMapping) else background.total
    n_rest = n_background - sum(contributed.values())
    if n_own == 0 or n_background == 0:
        return []
    scale = prior_strength / n_background
    scored: list[tuple[str, float]] = []
    for word, y_i in own.items():
        if y_i < min_count:
            continue
        alpha = background.get(word, 0) * scale
        if alpha <= 0:
            continue
        y_j = max(0, background.get(word, 0) - contributed.get(word, 0))
        odds_i = (y_i + alpha) / (n_own + prior_strength - y_i - alpha)
        odds_j = (y_j + alpha) / (n_rest + prior_strength - y_j - alpha)
        delta = math.log(odds_i) - math.log(odds_j)
        variance = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
        z = delta / math.sqrt(variance)
        if z > 0:
            scored.append((word, z))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored


class CountedMapping(dict):
    """A keyword-count dict that knows its total (the background is summed once, not per category)."""

    total: int = 0

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> CountedMapping:
        out = cls(counts)
        out.total = int(sum(out.values()))
        return out
