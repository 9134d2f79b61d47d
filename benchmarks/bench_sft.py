"""SFT building speed: what `harness sft build` does, phase by phase.

The same calls as :func:`harness.train.sft.build_sft_file`: ``load_exports``, ``prepare_categories``
(grouping once; with ``--use-review-text`` also the Kiwi insights), then ``write_sft`` with
``--workers`` processes. Rows are serialised exactly as in the real file, to ``--out`` or to a sink
that only counts the bytes (the full 3,000 x 100 run is ~1.6 GB), so JSON encoding is part of the
figure. CPU time includes the worker processes; the load average is read at start and end because
the machine may be shared.

    python benchmarks/bench_sft.py --products data/large/products_all.csv \\
        --reviews data/large/reviews_all.csv --max-categories 3000 --samples-per-category 100
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path
from typing import Any

from results_md import emit_json


class ByteCounter:
    """A text sink that keeps only the UTF-8 size of what is written."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode("utf-8"))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    from harness.train.sft_pool import default_workers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=Path, default=Path("data/large/products_all.csv"))
    parser.add_argument("--reviews", type=Path, default=Path("data/large/reviews_all.csv"))
    parser.add_argument("--max-categories", type=int, default=3000)
    parser.add_argument("--samples-per-category", type=int, default=100)
    parser.add_argument("--use-review-text", action="store_true")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="worker processes (default: the CPUs available; 1 = in-process)")
    parser.add_argument("--out", type=Path, help="write the SFT JSONL here (default: serialise and discard)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from harness.data.load import load_exports
    from harness.facts import prepare_categories
    from harness.train.config import SFTSettings
    from harness.train.sft import subset_facts, target_for, write_sft

    settings = SFTSettings(products=str(args.products), reviews=str(args.reviews),
                           samples_per_category=args.samples_per_category, max_categories=args.max_categories,
                           use_review_text=args.use_review_text)  # fmt: skip
    load_start = os.getloadavg()[0]
    t0, cpu0 = time.perf_counter(), _cpu()
    exports = load_exports(args.products, args.reviews)
    n_products, n_reviews = len(exports.products), len(exports.reviews)
    t1 = time.perf_counter()
    categories = prepare_categories(exports.products, exports.reviews, insights=args.use_review_text)
    del exports  # as build_sft_file does before forking workers
    t2, cpu2 = time.perf_counter(), _cpu()
    handle: Any = args.out.open("w", encoding="utf-8") if args.out else ByteCounter()
    try:
        stats = write_sft(categories, settings, set(), subset_facts, target_for(settings), handle,
                          workers=args.workers)  # fmt: skip
    finally:
        if args.out:
            handle.close()
    t3, cpu3 = time.perf_counter(), _cpu()
    written = args.out.stat().st_size if args.out else handle.bytes
    result = {
        "products": n_products, "reviews": n_reviews, "categories": len(categories),
        "categories_used": stats.categories_used, "samples": stats.samples,
        "duplicate_subsamples": stats.duplicate_subsamples, "skipped_min_products": stats.skipped_min_products,
        "use_review_text": args.use_review_text, "workers": args.workers,
        "load_s": round(t1 - t0, 1), "prepare_s": round(t2 - t1, 1), "samples_s": round(t3 - t2, 1),
        "total_s": round(t3 - t0, 1), "samples_per_s": round(stats.samples / (t3 - t2), 1),
        "cpu_s_load_prepare": round(cpu2 - cpu0, 1), "cpu_s_samples_incl_workers": round(cpu3 - cpu2, 1),
        "peak_rss_gib_parent": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "peak_rss_gib_largest_worker_incl_shared": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20, 2),
        "jsonl_mb": round(written / 1e6, 1),
        "load_average_start_end": [round(load_start, 2), round(os.getloadavg()[0], 2)],
    }  # fmt: skip
    emit_json(result, args.json)


if __name__ == "__main__":
    main()
