"""SFT data in chat format (system, user = facts JSON, assistant = summary JSON) from the exports.

The legacy builder (log step 22) re-read and re-filtered the whole tables for every subsample; here
the facts engine groups the exports once (``prepare_categories``) and every subsample is built from
that category's precomputed data with ``facts_for(category_data, product_subset)``. Golden
categories never enter: they are excluded before any sampling, and the count is reported.

With a :class:`~harness.train.budget.TokenBudget` every example fits its ``max_length`` with the
whole target and ``<|im_end|>``: optional prompt parts are trimmed, an example that still cannot
fit is dropped and counted, and the token lengths are recorded.

Categories are independent (each has its own seeded RNG), so :func:`write_sft` can build them in
forked worker processes (:mod:`harness.train.sft_pool`) and still write the file, and count the
stats, exactly as one process would.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TextIO

from harness.ids import category_key, category_sort_key
from harness.train.budget import TokenBudget, length_summary
from harness.train.config import SFTSettings
from harness.train.prompt import PROMPT_FORMAT, messages_for, prompt_facts, shown_facts
from harness.train.sft_io import TargetFn, reference_targets, sft_line
from harness.train.sft_pool import can_fork, ordered_map

FactsFn = Callable[[Any, list[int] | None], dict[str, Any]]
"""``facts_for(category_data, product_subset)``: subset = indices into the category's products."""
Eligible = tuple[str, Any, int]
"""``(category id, prepared category data, product count)`` of a category that may enter."""


@dataclass
class SFTStats:
    """Counts of everything seen, used, trimmed and left out, so nothing disappears silently."""

    categories_seen: int = 0
    categories_used: int = 0
    skipped_golden: int = 0
    skipped_min_products: int = 0
    skipped_max_categories: int = 0
    skipped_no_reference: int = 0
    samples: int = 0
    duplicate_subsamples: int = 0
    trimmed_examples: int = 0
    """Examples written with some optional prompt parts removed to fit the token budget."""
    trimmed_parts: int = 0
    dropped_over_budget: int = 0
    """Examples that could not fit ``max_length`` even with every optional part removed."""
    training_category_ids: list[str] = field(default_factory=list)
    prompt_tokens: list[int] = field(default_factory=list, repr=False)
    target_tokens: list[int] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The counts and the training category ids (token lengths: :meth:`token_lengths`)."""
        out = asdict(self)
        out.pop("prompt_tokens")
        out.pop("target_tokens")
        return out

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.to_dict().items() if isinstance(v, int)}

    def token_lengths(self) -> dict[str, dict[str, int]]:
        """Prompt/target/total token quantiles of the written examples ({} when not counted)."""
        return length_summary(self.prompt_tokens, self.target_tokens) if self.prompt_tokens else {}

    def add_category(self, other: SFTStats) -> None:
        """Adds one category's per-sample counts and lengths (the category counts stay the caller's)."""
        for f in fields(self):
            if f.name.startswith(("categories_", "skipped_")) and f.name != "skipped_no_reference":
                continue
            value = getattr(other, f.name)
            if isinstance(value, int):
                setattr(self, f.name, getattr(self, f.name) + value)
            elif f.name != "training_category_ids":
                getattr(self, f.name).extend(value)


def product_count_of(category_data: Any) -> int:
    """Number of products of one prepared category (the facts engine's ``CategoryData``)."""
    count = getattr(category_data, "product_count", None)
    return int(count) if count is not None else len(category_data.product_ids)


def eligible_categories(
    categories: Mapping[str, Any], settings: SFTSettings, golden_ids: Collection[str], stats: SFTStats
) -> list[Eligible]:
    """Categories in report order that may enter (not golden, enough products), counting the others."""
    golden = {category_key(g) for g in golden_ids}
    out = []
    for cid in sorted(categories, key=category_sort_key):
        stats.categories_seen += 1
        data = categories[cid]
        if category_key(cid) in golden:
            stats.skipped_golden += 1
            continue
        n_products = product_count_of(data)
        if n_products < settings.min_products:
            stats.skipped_min_products += 1
            continue
        out.append((cid, data, n_products))
    return out


@dataclass
class CategoryRows:
    """One category's rows and its tally (what a worker sends back)."""

    rows: list[dict[str, Any]]
    tally: SFTStats


class CategoryBuilder:
    """Builds one category's rows: subsamples, facts, target, prompt, budget."""

    def __init__(self, settings: SFTSettings, facts_fn: FactsFn, target_fn: TargetFn,
                 budget: TokenBudget | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.facts_fn = facts_fn
        self.target_fn = target_fn
        self.budget = budget

    def __call__(self, item: Eligible) -> CategoryRows:
        tally = SFTStats()
        return CategoryRows(list(self.rows(item, tally)), tally)

    def rows(self, item: Eligible, tally: SFTStats) -> Iterator[dict[str, Any]]:
        """Sample 0 is all the category's products, the rest random subsets (seeded by seed and category)."""
        cid, data, n_products = item
        settings = self.settings
        rng = random.Random(f"{settings.seed}:{cid}")
        n_samples = 1 if settings.references else settings.samples_per_category
        seen: set[tuple[int, ...]] = set()
        for index in range(n_samples):
            subset = None if index == 0 else _subset(n_products, settings, rng)
            key = tuple(subset) if subset is not None else (-1,)
            if key in seen or (subset is not None and len(subset) == n_products):
                tally.duplicate_subsamples += 1
                continue
            seen.add(key)
            # The target sees what the prompt shows: without review text, no insights either.
            facts = shown_facts(self.facts_fn(data, subset), settings.use_review_text)
            target = self.target_fn(facts)
            if target is None:
                tally.skipped_no_reference += 1
                break
            messages = self._messages(facts, target, tally)
            if messages is None:
                continue
            tally.samples += 1
            yield {"categoryId": facts.get("categoryId", cid), "sampleIndex": index,
                   "productCount": len(subset) if subset is not None else n_products, "messages": messages}

    def _messages(self, facts: dict[str, Any], target: dict[str, str], tally: SFTStats) -> list[dict[str, str]] | None:
        prompt = prompt_facts(facts, self.settings.use_review_text)
        if self.budget is None:
            return messages_for(prompt, self.settings.system_prompt, target)
        fit = self.budget.fit(prompt, self.settings.system_prompt, target)
        if fit.messages is None:
            tally.dropped_over_budget += 1
            return None
        tally.trimmed_examples += int(fit.trimmed_parts > 0)
        tally.trimmed_parts += fit.trimmed_parts
        tally.prompt_tokens.append(fit.prompt_tokens)
        tally.target_tokens.append(fit.target_tokens)
        return fit.messages


def _results(builder: CategoryBuilder, eligible: list[Eligible], workers: int) -> Iterator[CategoryRows]:
    if workers <= 1 or not can_fork():
        return (builder(item) for item in eligible)
    per_category = 1 if builder.settings.references else builder.settings.samples_per_category
    return ordered_map(builder, eligible, workers, per_category)


def iter_samples(
    categories: Mapping[str, Any],
    settings: SFTSettings,
    golden_ids: Collection[str],
    facts_fn: FactsFn,
    target_fn: TargetFn,
    stats: SFTStats,
    *,
    budget: TokenBudget | None = None,
    workers: int = 1,
) -> Iterator[dict[str, Any]]:
    """Yields SFT rows category by category, in report order, counting everything in ``stats``.

    ``max_categories`` counts categories that produced a sample (with references, a category
    without one produces nothing), so it is applied here, in order, whichever process built them.
    """
    eligible = eligible_categories(categories, settings, golden_ids, stats)
    builder = CategoryBuilder(settings, facts_fn, target_fn, budget)
    results = _results(builder, eligible, workers)
    try:
        for position, ((cid, _, _), result) in enumerate(zip(eligible, results, strict=False)):
            if stats.categories_used >= settings.max_categories:
                stats.skipped_max_categories += len(eligible) - position
                break
            stats.add_category(result.tally)
            yield from result.rows
            if result.tally.samples:
                stats.categories_used += 1
                stats.training_category_ids.append(category_key(cid))
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # cancels the workers' queued tasks once max_categories is reached


def write_sft(
    categories: Mapping[str, Any],
    settings: SFTSettings,
    golden_ids: Collection[str],
    facts_fn: FactsFn,
    target_fn: TargetFn,
    handle: TextIO,
    *,
    workers: int = 1,
    progress: bool = False,
    budget: TokenBudget | None = None,
) -> SFTStats:
    """Writes the SFT rows of prepared categories to ``handle``; returns the counts.

    With ``workers`` > 1 (and fork available), categories are built in that many forked processes
    and written in order, so the file and the counts are byte for byte those of ``workers=1``.
    """
    stats = SFTStats()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc="sft samples", unit="ex", mininterval=2.0)
    try:
        rows = iter_samples(categories, settings, golden_ids, facts_fn, target_fn, stats, budget=budget,
                            workers=workers)  # fmt: skip
        for row in rows:
            handle.write(sft_line(row))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return stats


def _subset(n_products: int, settings: SFTSettings, rng: random.Random) -> list[int]:
    k = max(settings.min_products, round(n_products * settings.subsample_ratio))
    return sorted(rng.sample(range(n_products), min(k, n_products)))


def build_sft_file(
    settings: SFTSettings,
    out: str | Path,
    golden_ids: Collection[str],
    progress: bool = True,
    workers: int = 1,
    budget: TokenBudget | None = None,
) -> SFTStats:
    """Loads the exports, groups them once, writes the SFT JSONL (and its build record); returns the counts.

    Targets come from the template writer unless ``settings.references`` names a references file.
    ``workers`` > 1 builds categories in that many forked processes (same file, same counts);
    the default stays in-process because callers such as the ``hf`` variant run inside a process
    that already holds threads (MLflow, torch), where forking is best avoided.
    """
    from harness.data.load import load_exports
    from harness.facts import prepare_categories
    from harness.train.sft_io import write_build_record

    exports = load_exports(settings.products, settings.reviews)
    categories = prepare_categories(exports.products, exports.reviews, insights=settings.use_review_text,
                                    progress=progress)  # fmt: skip
    del exports  # the frames are not needed once grouped (and forked workers need not inherit them)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        stats = write_sft(categories, settings, golden_ids, subset_facts, target_for(settings), handle,
                          workers=workers, progress=progress, budget=budget)  # fmt: skip
    write_build_record(path, build_record(settings, stats, budget))
    return stats


def build_record(settings: SFTSettings, stats: SFTStats, budget: TokenBudget | None) -> dict[str, Any]:
    """What ``<sft>.build.json`` holds: settings, prompt format, budget, counts and token-length quantiles."""
    return {
        "settings": settings.model_dump(mode="json"),
        "prompt_format": PROMPT_FORMAT,
        "tokenizer": getattr(budget.tokenizer, "name_or_path", None) if budget else None,
        "max_length": budget.max_length if budget else None,
        "counts": stats.counts(),
        "token_lengths": stats.token_lengths(),
    }


def subset_facts(category_data: Any, product_subset: list[int] | None) -> dict[str, Any]:
    """``facts_for`` of a product subset (the :data:`FactsFn` the builder uses)."""
    from harness.facts import facts_for

    return facts_for(category_data, product_subset=product_subset)


def target_for(settings: SFTSettings) -> TargetFn:
    """The references file's summaries when ``settings.references`` is set, else the template writer."""
    if settings.references:
        return reference_targets(settings.references)
    from harness.writers.template import write_summary

    return write_summary
