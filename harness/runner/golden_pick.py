"""``harness golden pick``: grow a golden set with more categories of an export, chosen by structure.

The decision report's power section says how many golden categories an effect needs; a set of 16
detects only large differences. This picks categories that are not listed yet from an export (the
committed sample or a real ``products_all.csv``/``reviews_all.csv``), appends them to the golden
folder's ``categories.yaml`` with the reason each was chosen, and leaves the freezing to
``make golden`` (``harness golden build``), which cuts their rows and computes their facts.

Choice is deterministic and spread over structures, so a grown set does not fill up with one kind
of market: categories are grouped by concentration band (HHI below 1,500, up to 2,500, above) and
growth shape (rising, falling, a spike year, no growth data), and taken round-robin over the groups,
the most-reviewed first within each. Categories with too few matched reviews or too little review
text are left out: the quality metrics measure what a summary says about review text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.errors import InputError
from harness.ids import category_key
from harness.runner.golden_build import (
    CATEGORIES_FILE,
    PRODUCTS,
    REUSED_ID_SEPARATOR,
    REVIEWS,
    read_category_ids,
)

SPIKE_RATIO = 2.5


@dataclass(frozen=True)
class Pick:
    """One chosen category and why."""

    category_id: str
    why: str


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def concentration(facts: Mapping[str, Any]) -> str:
    hhi = _num((facts.get("metrics") or {}).get("hhi"))
    if hhi is None:
        return "unknown concentration"
    return "fragmented" if hhi < 1500 else "moderate" if hhi <= 2500 else "concentrated"


def growth_shape(facts: Mapping[str, Any]) -> str:
    """rising / falling / spike / flat / no growth data, from the full years of ``growthData``."""
    counts = [
        c for row in facts.get("growthData") or [] if not row.get("partial") and (c := _num(row.get("reviewCount"))) is not None
    ]
    if len(counts) < 2 or not any(counts):
        return "no growth data"
    ordered = sorted(counts)
    median = ordered[len(ordered) // 2]
    if median > 0 and max(counts) / median >= SPIKE_RATIO:
        return "spike"
    first, last = counts[0], counts[-1]
    if last > first * 1.1:
        return "rising"
    return "falling" if last < first * 0.9 else "flat"


def pick(
    facts: Sequence[Mapping[str, Any]],
    listed: set[str],
    n: int,
    min_reviews: int = 100,
    min_text: int = 50,
    source: str = "export",
) -> list[Pick]:
    """Up to ``n`` categories not in ``listed``, round-robin over structure groups, most reviewed first."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for item in facts:
        key = category_key(item.get("categoryId")).split(REUSED_ID_SEPARATOR)[0]
        quality = item.get("dataQuality") or {}
        if key in listed or (_num(quality.get("reviewsMatched")) or 0) < min_reviews:
            continue
        if (_num(quality.get("reviewsWithText")) or 0) < min_text:
            continue
        groups[(concentration(item), growth_shape(item))].append(item)
    queues = {
        group: sorted(items, key=lambda f: (-(_num((f.get("dataQuality") or {}).get("reviewsMatched")) or 0), category_key(f["categoryId"])))
        for group, items in sorted(groups.items())
    }
    chosen: list[Pick] = []
    seen: set[str] = set()
    while len(chosen) < n and any(queues.values()):
        for group, queue in queues.items():
            while queue and len(chosen) < n:
                item = queue.pop(0)
                key = category_key(item["categoryId"]).split(REUSED_ID_SEPARATOR)[0]
                if key in seen:
                    continue
                seen.add(key)
                reviews = int(_num((item.get("dataQuality") or {}).get("reviewsMatched")) or 0)
                chosen.append(Pick(key, f"picked from {source}: {group[0]}, {group[1]}, {reviews:,} matched reviews"))
                break
    return chosen


def append_categories(golden_dir: Path, picks: Sequence[Pick]) -> Path:
    """Appends the picks to ``categories.yaml`` (created when absent), keeping what is there."""
    path = golden_dir / CATEGORIES_FILE
    golden_dir.mkdir(parents=True, exist_ok=True)
    existing = path.read_text("utf-8") if path.exists() else "# Golden categories; `harness golden pick` appended some.\n"
    block = yaml.safe_dump(
        [{"categoryId": p.category_id, "why": p.why} for p in picks], allow_unicode=True, sort_keys=False
    )
    path.write_text(existing.rstrip("\n") + "\n" + block, encoding="utf-8")
    return path


def pick_from_export(export_dir: Path, golden_dir: Path, n: int, min_reviews: int = 100, min_text: int = 50) -> list[Pick]:
    """Computes the export's market facts, picks ``n`` new categories and appends them."""
    from harness.data.load import load_exports
    from harness.facts.engine import compute_facts

    for name in (PRODUCTS, REVIEWS):
        if not (export_dir / name).exists():
            raise InputError(export_dir / name, "not found (an export folder holds products_all.csv and reviews_all.csv)")
    listed = set(read_category_ids(golden_dir)) if (golden_dir / CATEGORIES_FILE).exists() else set()
    exports = load_exports(export_dir / PRODUCTS, export_dir / REVIEWS)
    facts = compute_facts(exports.products, exports.reviews, insights=False)
    picks = pick(facts, listed, n, min_reviews, min_text, source=export_dir.name or str(export_dir))
    if picks:
        append_categories(golden_dir, picks)
    return picks
