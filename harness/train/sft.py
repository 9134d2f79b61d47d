"""SFT data in chat format (system, user = facts JSON, assistant = summary JSON) from the exports.

The legacy builder (log step 22) re-read and re-filtered the whole tables for every subsample; here
the facts engine groups the exports once (``prepare_categories``) and every subsample is built from
that category's precomputed data with ``facts_for(category_data, product_subset)``. Golden
categories never enter: they are excluded before any sampling, and the count is reported.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.ids import category_key
from harness.jsonl import read_jsonl, write_jsonl
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
    if isinstance(obj, dict):
        return {k: round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, list):
        return [round_floats(v, digits) for v in obj]
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
    RNG seeded by (seed, category), so the file is reproducible and categories are independent.
    """
    golden = {category_key(g) for g in golden_ids}
    used = 0
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
        if used >= settings.max_categories:
            stats.skipped_max_categories += 1
            continue
        rng = random.Random(f"{settings.seed}:{cid}")
        n_samples = 1 if settings.references else settings.samples_per_category
        seen: set[tuple[int, ...]] = set()
        produced = 0
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
            produced += 1
            stats.samples += 1
            yield {"categoryId": facts.get("categoryId", cid), "sampleIndex": index,
                   "productCount": len(subset) if subset is not None else n_products, "messages": messages}
        if produced:
            used += 1
            stats.categories_used += 1
            stats.training_category_ids.append(category_key(cid))


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
    settings: SFTSettings, out: str | Path, golden_ids: Collection[str], progress: bool = True
) -> SFTStats:
    """Loads the exports, groups them once, writes the SFT JSONL; returns the counts.

    Targets come from the template writer unless ``settings.references`` names a references file.
    """
    from harness.data.load import load_exports
    from harness.facts import facts_for, prepare_categories

    exports = load_exports(settings.products, settings.reviews)
    categories = prepare_categories(exports.products, exports.reviews, insights=settings.use_review_text,
                                    progress=progress)  # fmt: skip
    if settings.references:
        target_fn = reference_targets(settings.references)
    else:
        from harness.writers.template import write_summary

        target_fn = write_summary
    stats = SFTStats()
    rows = iter_samples(categories, settings, golden_ids, lambda d, s: facts_for(d, product_subset=s), target_fn, stats)
    if progress:
        from tqdm import tqdm

        rows = tqdm(rows, desc="sft samples", unit="ex", mininterval=2.0)
    write_jsonl(out, rows)
    return stats


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
