"""Benchmark: large-scale synthetic export generation (and optionally loading it back).

Usage::

    python benchmarks/bench_synth.py --out data/large --seed 7 [--load]

Generates 3,000 categories / 300,000 products / 5,000,000 reviews with ``harness data synth``'s
code path in this process, records wall time, CPU time and peak RSS (``ru_maxrss``), and with
``--load`` runs ``load_exports`` on the result in a fresh child process so its peak RSS is its own.
The figures replace this script's section of benchmarks/RESULTS.md (between its markers).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from results_md import replace_section

START, END = "<!-- bench_synth:start -->", "<!-- bench_synth:end -->"
LOAD_CHILD = """
import json, resource, sys, time
from harness.data.load import load_exports
t = time.perf_counter()
e = load_exports(sys.argv[1], sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - t, "products": len(e.products), "reviews": len(e.reviews),
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _mib(path: Path) -> float:
    return path.stat().st_size / 2**20


def run(out: Path, seed: int, load: bool) -> dict[str, object]:
    """Generates the large export and returns the measured figures."""
    from harness.data.synth.generate import generate

    wall, cpu = time.perf_counter(), time.process_time()
    result = generate(out, seed=seed, scale="large", progress=True)
    figures: dict[str, object] = {
        "categories": result.categories,
        "products": result.products,
        "reviews": result.reviews,
        "generate_seconds": round(time.perf_counter() - wall, 1),
        "generate_cpu_seconds": round(time.process_time() - cpu, 1),
        "generate_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "products_csv_mib": round(_mib(result.products_path), 1),
        "reviews_csv_mib": round(_mib(result.reviews_path), 1),
    }
    if load:
        child = subprocess.run([sys.executable, "-c", LOAD_CHILD, str(result.products_path), str(result.reviews_path)],
                               capture_output=True, text=True, check=True)
        loaded = json.loads(child.stdout.strip().splitlines()[-1])
        figures["load_seconds"] = round(loaded["seconds"], 1)
        figures["load_peak_rss_mib"] = round(loaded["peak_rss_mib"], 1)
        figures["loaded_reviews"] = loaded["reviews"]
    return figures


def write_section(figures: dict[str, object], command: str) -> None:
    """Replaces this benchmark's section of RESULTS.md, leaving the other sections alone."""
    machine = (f"Machine: {platform.machine()}, Python {platform.python_version()}, shared 2-core VM (other jobs "
               f"running); measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    lines = [START, "## Synthetic data, large scale (`benchmarks/bench_synth.py`)", "",
             f"Command: `{command}`  ", machine, "", "| figure | value |", "|---|---|"]
    lines += [f"| {key} | {value:,} |" if isinstance(value, int) else f"| {key} | {value} |" for key, value in figures.items()]
    note = ("Peak RSS is `ru_maxrss` of the generating process (target < 4 GiB = 4,096 MiB); "
            "loading runs in a fresh child process. CPU seconds are the generator's own; wall seconds "
            "include waiting for the shared cores.")
    lines += ["", note, END]
    replace_section("\n".join(lines), START, END)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/large"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--load", action="store_true", help="also time load_exports on the result")
    parser.add_argument("--no-write", action="store_true", help="print figures without touching RESULTS.md")
    args = parser.parse_args()
    figures = run(args.out, args.seed, args.load)
    print(json.dumps(figures, indent=2))
    if not args.no_write:
        command = f"python benchmarks/bench_synth.py --out {args.out} --seed {args.seed}" + (" --load" if args.load else "")
        write_section(figures, command)


if __name__ == "__main__":
    main()
