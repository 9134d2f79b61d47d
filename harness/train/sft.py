"""SFT data in chat format (system, user = facts JSON, assistant = summary JSON) from the exports.

The legacy builder (log step 22) re-read and re-filtered the whole tables for every subsample; here
the facts engine groups the exports once (``prepare_categories``) and every subsample is built from
that category's precomputed data with ``facts_for(category_data, product_subset)``. Golden
categories never enter: they are excluded before any sampling, and the count is reported.

Categories are independent (each has its own seeded RNG), so :func:`write_sft` can build them in
forked worker processes and still write the file, and count the stats, exactly as one process
would: 3,000 categories x 100 samples take minutes instead of an hour (``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing as mp
import os
import pickle
import random
import sys
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from harness.errors import InputError
from harness.ids import category_key
from harness.jsonl import read_jsonl
from harness.train.config import SFTSettings
from harness.train.tiny_model import END_OF_TURN

LEGACY_METRIC_KEYS = (
    "productCount", "brandCount", "totalReviewCount", "avgRatingWeighted", "ratingHistogram",
    "zeroReviewRatio", "lowRatingRatio", "top3BrandShare", "hhi", "topBrands", "topTags", "topSegments",
)  # fmt: skip
INSIGHT_KEYS = ("topKeywords", "usageScenarios", "positiveExamples", "negativeExamples", "hasReviewText",
                "reviewTextCount")  # fmt: skip

TargetFn = Callable[[dict[str, Any]], dict[str, str]]
FactsFn = Callable[[Any, list[int] | None], dict[str, Any]]
"""``facts_for(category_data, product_subset)``: subset = indices into the category's products."""


@dataclass
class SFTStats:
    """Counts of everything seen, used and left out, so nothing disappears silently."""

    categories_seen: int = 0
    categories_used: int = 0
    skipped_golden: int = 0
    skipped_min_products: int = 0
    skipped_max_categories: int = 0
    skipped_no_reference: int = 0
    samples: int = 0
    duplicate_subsamples: int = 0
    training_category_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def prompt_facts(facts: Mapping[str, Any], use_review_text: bool) -> dict[str, Any]:
    """The model's input: the legacy facts fields (plus ``hhi``), review insights only when asked.

    Scoring still checks numbers against the full facts; only the prompt is rounded.

    Keeping the prompt to the legacy fields keeps the sequence short enough for 2,048 tokens and the
    same for old and new facts; fields a legacy facts object lacks are simply absent.
    """
    metrics = facts.get("metrics") or {}
    out: dict[str, Any] = {
        "reportType": facts.get("reportType", "market_report_summary"),
        "categoryId": facts.get("categoryId"),
        "categoryName": facts.get("categoryName"),
        "metrics": {k: metrics[k] for k in LEGACY_METRIC_KEYS if k in metrics},
        "growthData": [
            {k: g[k] for k in ("year", "reviewCount", "growthRate") if k in g} for g in facts.get("growthData") or []
        ],
    }
    insights = facts.get("reviewInsights")
    if use_review_text and isinstance(insights, Mapping):
        out["reviewInsights"] = {k: insights[k] for k in INSIGHT_KEYS if k in insights}
    return round_floats(out)


def round_floats(obj: Any, digits: int = 4) -> Any:
    """Floats cut to ``digits`` decimals: Qwen tokenizes digit by digit, so 0.38618063112078344 costs 19
    tokens where 0.3862 (enough for the "38.6%" a summary states) costs 6."""
    if isinstance(obj, float):
        return round(obj, digits)
    # Members are tested inline and only containers recurse: most members are leaves, and every
    # SFT sample's prompt has over a hundred of them.
    if isinstance(obj, dict):
        return {
            k: round(v, digits) if isinstance(v, float) else round_floats(v, digits) if isinstance(v, (dict, list)) else v
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [
            round(v, digits) if isinstance(v, float) else round_floats(v, digits) if isinstance(v, (dict, list)) else v
            for v in obj
        ]
    return obj


def build_messages(
    facts: Mapping[str, Any], system_prompt: str, use_review_text: bool, target: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """System + user (compact facts JSON) [+ assistant (summary JSON)] turns for one example."""
    user = json.dumps(prompt_facts(facts, use_review_text), ensure_ascii=False, separators=(",", ":"))
    messages = [{"role": "system", "content": system_prompt}, {"role": "user", "content": user}]
    if target is not None:
        summary = {"marketOverviewSummary": target["marketOverviewSummary"], "growthSummary": target["growthSummary"]}
        messages.append({"role": "assistant", "content": json.dumps(summary, ensure_ascii=False)})
    return messages


def to_prompt_completion(messages: list[dict[str, str]], tokenizer: Any) -> dict[str, str]:
    """Prompt (chat template up to ``<|im_start|>assistant\\n``) and completion (answer + ``<|im_end|>``).

    Qwen's template has no generation markers, so TRL's assistant-only loss cannot find the answer;
    a prompt-completion pair with completion-only loss masks exactly the prompt. The prompt is the
    one generation uses, and the completion ends with the end-of-turn token, so the model learns
    to stop (the legacy targets lacked it and the old model ran on into ``<|im_end|>`` and Chinese).
    """
    prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
    completion = messages[-1]["content"] + END_OF_TURN
    return {"prompt": prompt, "completion": completion}


def load_golden_ids(path: str | Path) -> set[str]:
    """Golden category ids from a folder of JSONL files, a JSONL file, or a plain list (one id a line)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.jsonl"))
        return {category_key(r["categoryId"]) for f in files for r in read_jsonl(f) if "categoryId" in r}
    if not path.is_file():
        raise InputError(path, "golden id file not found")
    if path.suffix == ".jsonl":
        return {category_key(r["categoryId"]) for r in read_jsonl(path, required=("categoryId",))}
    text = path.read_text(encoding="utf-8-sig")
    return {category_key(line) for line in text.splitlines() if line.strip() and not line.startswith("#")}


def product_count_of(category_data: Any) -> int:
    """Number of products of one prepared category (the facts engine's ``CategoryData``)."""
    count = getattr(category_data, "product_count", None)
    return int(count) if count is not None else len(category_data.product_ids)


def _eligible(
    categories: Mapping[str, Any], settings: SFTSettings, golden_ids: Collection[str], stats: SFTStats
) -> Iterator[tuple[str, Any, int]]:
    """Categories in report order that may enter (not golden, enough products), counting the others.

    Neither test depends on what earlier categories produced, so the parallel writer can decide
    the whole list up front; only ``max_categories`` is left to the in-order consumer.
    """
    golden = {category_key(g) for g in golden_ids}
    for cid in sorted(categories, key=_sort_key):
        stats.categories_seen += 1
        data = categories[cid]
        if category_key(cid) in golden:
            stats.skipped_golden += 1
            continue
        n_products = product_count_of(data)
        if n_products < settings.min_products:
            stats.skipped_min_products += 1
            continue
        yield cid, data, n_products


def _category_samples(
    cid: str, data: Any, n_products: int, settings: SFTSettings, facts_fn: FactsFn, target_fn: TargetFn,
    stats: SFTStats,
) -> Iterator[dict[str, Any]]:
    """The rows of one category; counts samples, duplicate subsets and a missing reference in ``stats``."""
    rng = random.Random(f"{settings.seed}:{cid}")
    n_samples = 1 if settings.references else settings.samples_per_category
    seen: set[tuple[int, ...]] = set()
    for index in range(n_samples):
        subset = None if index == 0 else _subset(n_products, settings, rng)
        key = tuple(subset) if subset is not None else (-1,)
        if key in seen or (subset is not None and len(subset) == n_products):
            stats.duplicate_subsamples += 1
            continue
        seen.add(key)
        facts = facts_fn(data, subset)
        target = target_fn(facts)
        if target is None:
            stats.skipped_no_reference += 1
            break
        messages = build_messages(facts, settings.system_prompt, settings.use_review_text, target)
        stats.samples += 1
        yield {"categoryId": facts.get("categoryId", cid), "sampleIndex": index,
               "productCount": len(subset) if subset is not None else n_products, "messages": messages}


def _use(stats: SFTStats, cid: str) -> None:
    stats.categories_used += 1
    stats.training_category_ids.append(category_key(cid))


def iter_samples(
    categories: Mapping[str, Any],
    settings: SFTSettings,
    golden_ids: Collection[str],
    facts_fn: FactsFn,
    target_fn: TargetFn,
    stats: SFTStats,
) -> Iterator[dict[str, Any]]:
    """Yields SFT rows: sample 0 of a category is all its products, the rest random subsets.

    A subset keeps ``subsample_ratio`` of the products (at least ``min_products``), drawn with an
    RNG seeded by (seed, category), so the file is reproducible and categories are independent
    (which is what lets :func:`write_sft` hand categories to several processes).
    """
    used = 0
    for cid, data, n_products in _eligible(categories, settings, golden_ids, stats):
        if used >= settings.max_categories:
            stats.skipped_max_categories += 1
            continue
        produced = 0
        for row in _category_samples(cid, data, n_products, settings, facts_fn, target_fn, stats):
            produced += 1
            yield row
        if produced:
            used += 1
            _use(stats, cid)


def sft_line(row: Mapping[str, Any]) -> str:
    """One row as its JSONL line (the same encoding as :func:`harness.jsonl.write_jsonl`)."""
    return json.dumps(row, ensure_ascii=False) + "\n"


def default_workers() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one, else ``os.cpu_count``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Worker processes need the fork start method (Linux): they inherit the prepared categories
    copy-on-write instead of receiving hundreds of MB of arrays each by pickle."""
    return sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()


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
) -> SFTStats:
    """Writes the SFT rows of prepared categories to ``handle``; returns the counts.

    With ``workers`` > 1 (and fork available), categories are built in that many forked
    processes and written in order, so the file and the counts are byte for byte those of
    ``workers=1`` (the in-process path, :func:`iter_samples`).
    """
    stats = SFTStats()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc="sft samples", unit="ex", mininterval=2.0)
    try:
        if workers <= 1 or not can_fork():
            for row in iter_samples(categories, settings, golden_ids, facts_fn, target_fn, stats):
                handle.write(sft_line(row))
                if bar is not None:
                    bar.update(1)
        else:
            _write_parallel(categories, settings, golden_ids, facts_fn, target_fn, handle, stats, workers, bar)
    finally:
        if bar is not None:
            bar.close()
    return stats


# --- worker processes -------------------------------------------------------------------------


@dataclass
class _Job:
    """What the forked workers read: set in the parent just before the pool forks, never pickled."""

    tasks: list[list[tuple[str, Any, int]]]
    settings: SFTSettings
    facts_fn: FactsFn
    target_fn: TargetFn


_JOB: _Job | None = None
SAMPLES_PER_TASK = 200
"""About this many samples per task: a few tenths of a second of work, so the per-task overhead
(a queue round trip, pickling the lines back) stays small and categories of very different sizes
still spread evenly over the workers."""


@dataclass
class _CategoryResult:
    lines: list[str]
    samples: int
    duplicates: int
    no_reference: int


@dataclass
class _WorkerError:
    """An exception raised in a worker, carried back without calling its ``__init__`` (exceptions
    such as :class:`InputError` take arguments their pickled ``args`` do not hold)."""

    cls: type[BaseException]
    args: tuple[Any, ...]
    state: dict[str, Any]

    @classmethod
    def of(cls, exc: BaseException) -> _WorkerError:
        carried = cls(type(exc), exc.args, dict(vars(exc)))
        try:
            pickle.dumps(carried)
        except Exception:  # noqa: BLE001 - anything unpicklable becomes a plain message
            carried = cls(RuntimeError, (f"{type(exc).__name__}: {exc}",), {})
        return carried

    def rebuild(self) -> BaseException:
        exc = self.cls.__new__(self.cls)
        exc.args = self.args
        exc.__dict__.update(self.state)
        return exc


def _run_task(task: int) -> list[_CategoryResult] | _WorkerError:
    job = _JOB
    assert job is not None, "SFT worker started without a job (fork start method required)"
    out = []
    try:
        for cid, data, n_products in job.tasks[task]:
            tally = SFTStats()
            rows = _category_samples(cid, data, n_products, job.settings, job.facts_fn, job.target_fn, tally)
            lines = [sft_line(row) for row in rows]
            out.append(_CategoryResult(lines, tally.samples, tally.duplicate_subsamples, tally.skipped_no_reference))
    except Exception as exc:  # noqa: BLE001 - re-raised in the parent, at this category's turn
        return _WorkerError.of(exc)
    return out


def _write_parallel(
    categories: Mapping[str, Any],
    settings: SFTSettings,
    golden_ids: Collection[str],
    facts_fn: FactsFn,
    target_fn: TargetFn,
    handle: TextIO,
    stats: SFTStats,
    workers: int,
    bar: Any,
) -> None:
    """Categories in tasks over forked workers; results are consumed in task order.

    Golden and min-products skips are decided up front (:func:`_eligible`). ``max_categories``
    counts categories that produced a sample, which only a category's result tells (with
    references, a category without one produces nothing), so it is applied here in order, exactly
    as :func:`iter_samples` does; tasks are submitted a few at a time ahead of the consumer, so
    little work is wasted once the limit is reached.
    """
    global _JOB
    eligible = list(_eligible(categories, settings, golden_ids, stats))
    per_category = 1 if settings.references else settings.samples_per_category
    # At most SAMPLES_PER_TASK samples a task, and at least a few tasks per worker on small jobs.
    size = max(1, min(SAMPLES_PER_TASK // per_category, -(-len(eligible) // (4 * workers))))
    tasks = [eligible[i : i + size] for i in range(0, len(eligible), size)]
    window = 4 * workers
    used = 0
    _JOB = _Job(tasks, settings, facts_fn, target_fn)
    gc.freeze()  # the collector would otherwise touch (and so copy) every inherited object's page
    # A pool executor rather than multiprocessing.Pool: a worker that dies (out of memory, killed)
    # raises BrokenProcessPool here instead of leaving the parent waiting forever.
    executor = ProcessPoolExecutor(min(workers, max(1, len(tasks))), mp_context=mp.get_context("fork"))
    try:
        pending: deque[Future[list[_CategoryResult] | _WorkerError]] = deque()
        submitted = 0
        for task in tasks:
            if used >= settings.max_categories:
                stats.skipped_max_categories += len(task)
                continue
            while submitted < len(tasks) and len(pending) < window:
                pending.append(executor.submit(_run_task, submitted))
                submitted += 1
            results = pending.popleft().result()
            if isinstance(results, _WorkerError):
                raise results.rebuild()
            for (cid, _, _), result in zip(task, results, strict=True):
                if used >= settings.max_categories:
                    stats.skipped_max_categories += 1
                    continue
                handle.writelines(result.lines)
                stats.samples += result.samples
                stats.duplicate_subsamples += result.duplicates
                stats.skipped_no_reference += result.no_reference
                if result.samples:
                    used += 1
                    _use(stats, cid)
                if bar is not None:
                    bar.update(result.samples)
    finally:
        # Tasks still queued once max_categories is reached (or after an error) are not needed.
        executor.shutdown(wait=True, cancel_futures=True)
        _JOB = None
        gc.unfreeze()


def _subset(n_products: int, settings: SFTSettings, rng: random.Random) -> list[int]:
    k = max(settings.min_products, round(n_products * settings.subsample_ratio))
    return sorted(rng.sample(range(n_products), min(k, n_products)))


def _sort_key(cid: Any) -> tuple[int, str]:
    text = category_key(cid)
    return (0, f"{int(text):020d}") if text.isdigit() else (1, text)


def reference_targets(path: str | Path) -> TargetFn:
    """Targets from a references JSONL (``categoryId``, both summary keys); None for unknown ids."""
    refs = {category_key(r["categoryId"]): r for r in read_jsonl(path, required=("categoryId",))}
    for cid, r in refs.items():
        if not (isinstance(r.get("marketOverviewSummary"), str) and isinstance(r.get("growthSummary"), str)):
            raise InputError(path, "reference lacks marketOverviewSummary/growthSummary strings", f"categoryId {cid}")
    return lambda facts: refs.get(category_key(facts.get("categoryId")))


def build_sft_file(
    settings: SFTSettings, out: str | Path, golden_ids: Collection[str], progress: bool = True, workers: int = 1
) -> SFTStats:
    """Loads the exports, groups them once, writes the SFT JSONL; returns the counts.

    Targets come from the template writer unless ``settings.references`` names a references file.
    ``workers`` > 1 builds categories in that many forked processes (same file, same counts);
    the default stays in-process because callers such as the ``hf`` variant run inside a process
    that already holds threads (MLflow, torch), where forking is best avoided.
    """
    from harness.data.load import load_exports
    from harness.facts import prepare_categories

    exports = load_exports(settings.products, settings.reviews)
    categories = prepare_categories(exports.products, exports.reviews, insights=settings.use_review_text,
                                    progress=progress)  # fmt: skip
    del exports  # the frames are not needed once grouped (and forked workers need not inherit them)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        return write_sft(categories, settings, golden_ids, subset_facts, target_for(settings), handle,
                         workers=workers, progress=progress)  # fmt: skip


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


def file_sha256(path: str | Path) -> str:
    """Content hash of a data file (recorded in ``training_metadata.json`` and MLflow)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_sft(path: str | Path) -> list[dict[str, Any]]:
    """Reads an SFT JSONL, checking each row has system/user/assistant turns."""
    rows = read_jsonl(path, required=("messages",))
    for lineno, row in enumerate(rows, start=1):
        roles = [m.get("role") for m in row["messages"] if isinstance(m, dict)]
        if roles[-1:] != ["assistant"] or "user" not in roles:
            raise InputError(path, "messages must end with an assistant turn after a user turn", f"row {lineno}")
    return rows
