"""Template writer throughput: summaries per second on one core.

Why it matters: the template is not only the production writer, it is also the SFT builder's
target function (one call per training example, thousands per run) and the golden gate's baseline,
so its cost must stay negligible next to facts and model generation.

    python benchmarks/bench_template.py --facts golden/facts.jsonl --repeat 50 --write

``--write`` replaces this benchmark's section of ``benchmarks/RESULTS.md`` (between its markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from results_md import figure_table, replace_section

from harness.writers.report import template_report
from harness.writers.template import write_summary

START, END = "<!-- bench_template:start -->", "<!-- bench_template:end -->"


def measure(rows: list[dict], repeat: int) -> dict[str, float]:
    """Times ``write_summary`` per call and ``template_report`` per call over ``repeat`` passes."""
    per_call: list[float] = []
    for _ in range(repeat):
        for facts in rows:
            t0 = time.perf_counter()
            write_summary(facts)
            per_call.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    for facts in rows:
        template_report(facts)
    report_s = (time.perf_counter() - t0) / len(rows)
    total = sum(per_call)
    return {
        "categories": len(rows),
        "calls": len(per_call),
        "summaries_per_s": len(per_call) / total,
        "mean_ms": statistics.fmean(per_call) * 1000,
        "p95_ms": sorted(per_call)[int(0.95 * (len(per_call) - 1))] * 1000,
        "report_ms": report_s * 1000,
    }


def section(command: str, figures: dict[str, float]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        "## Template writer (`benchmarks/bench_template.py`)",
        "",
        f"Command: `{command}`  ",
        (f"Machine: {platform.machine()}, Python {platform.python_version()}, shared 2-core VM (other jobs "
         f"running, 1-min load average {os.getloadavg()[0]:.1f} at the end), one process; measured {when}."),
        "",
    ]
    lines += figure_table(figures, counts=("categories", "calls"))
    lines += ["", "No target in the issue; the SFT builder calls the writer once per training example.", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=Path, default=Path("golden/facts.jsonl"))
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.facts.read_text("utf-8").splitlines() if line.strip()]
    figures = measure(rows, args.repeat)
    for key, value in figures.items():
        print(f"{key:>16}: {value:,.2f}")
    if args.write:
        command = f"python benchmarks/bench_template.py --facts {args.facts} --repeat {args.repeat} --write"
        replace_section(section(command, figures), START, END)


if __name__ == "__main__":
    main()
