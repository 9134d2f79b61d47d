"""SFT building speed: load + group once, then many product subsamples per category.

The legacy builder re-read and re-filtered the full tables for every subsample; here the exports
are grouped once and each sample is ``facts_for(category_data, product_subset)`` plus the template
writer. Times each phase and the per-sample rate; rows are serialised like the real file (to
``--out`` or discarded) so JSON encoding is part of the figure.

    python benchmarks/bench_sft.py --products data/large/products_all.csv \
        --reviews data/large/reviews_all.csv --max-categories 3000 --samples-per-category 100
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=Path, default=Path("data/large/products_all.csv"))
    parser.add_argument("--reviews", type=Path, default=Path("data/large/reviews_all.csv"))
    parser.add_argument("--max-categories", type=int, default=3000)
    parser.add_argument("--samples-per-category", type=int, default=100)
    parser.add_argument("--use-review-text", action="store_true")
    parser.add_argument("--out", type=Path, help="write the SFT JSONL here (default: serialise and discard)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from harness.data.load import load_exports
    from harness.facts import facts_for, prepare_categories
    from harness.train.config import SFTSettings
    from harness.train.sft import SFTStats, iter_samples
    from harness.writers.template import write_summary

    t0 = time.perf_counter()
    cpu0 = os.times()
    exports = load_exports(args.products, args.reviews)
    t1 = time.perf_counter()
    categories = prepare_categories(exports.products, exports.reviews, insights=args.use_review_text)
    t2 = time.perf_counter()
    settings = SFTSettings(products=str(args.products), reviews=str(args.reviews),
                           samples_per_category=args.samples_per_category, max_categories=args.max_categories,
                           use_review_text=args.use_review_text)  # fmt: skip
    stats = SFTStats()
    rows = iter_samples(categories, settings, set(), lambda d, s: facts_for(d, product_subset=s), write_summary, stats)
    handle = args.out.open("w", encoding="utf-8") if args.out else None
    written = 0
    for row in rows:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        written += len(line.encode("utf-8"))
        if handle:
            handle.write(line)
    if handle:
        handle.close()
    t3 = time.perf_counter()
    cpu1 = os.times()
    result = {
        "products": len(exports.products), "reviews": len(exports.reviews), "categories": len(categories),
        "categories_used": stats.categories_used, "samples": stats.samples,
        "duplicate_subsamples": stats.duplicate_subsamples, "skipped_min_products": stats.skipped_min_products,
        "load_s": round(t1 - t0, 1), "prepare_s": round(t2 - t1, 1), "samples_s": round(t3 - t2, 1),
        "total_s": round(t3 - t0, 1), "samples_per_s": round(stats.samples / (t3 - t2), 1),
        "cpu_s": round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 1), "jsonl_mb": round(written / 1e6, 1),
    }  # fmt: skip
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
