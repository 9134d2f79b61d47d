"""Scoring throughput: summaries scored per second on one core, analyser load excluded.

Why it matters: every MLflow run scores every golden output, the decision stage re-scores
bootstrap samples' rows, and a 3,000-category run scores thousands of outputs; scoring must stay
cheap next to generation. The target (issue 5) is at least 200 summaries per second.

Predictions are the template's outputs for each facts object, each copy with a different number
changed, so no two texts are equal (nothing is served from a cache) and both the supported and
the unsupported paths run. References are golden/references.jsonl when present, else the
unchanged template outputs. The process is pinned to one CPU; the kiwipiepy load is timed apart.

    python benchmarks/bench_score.py --facts golden/facts.jsonl --n 1000 --write

``--write`` replaces this benchmark's section of ``benchmarks/RESULTS.md`` (between its markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results_md import figure_table, replace_section

from harness.evaluate import score_predictions
from harness.evaluate.rouge import warm_up
from harness.writers.template import write_summary

START, END = "<!-- bench_score:start -->", "<!-- bench_score:end -->"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def predictions(facts: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """``n`` distinct outputs: template summaries with the k-th number of copy k changed."""
    base = [(f["categoryId"], json.dumps(write_summary(f), ensure_ascii=False)) for f in facts]
    out: list[dict[str, Any]] = []
    for i in range(n):
        cid, text = base[i % len(base)]
        spans = list(_NUMBER.finditer(text))
        if spans:
            m = spans[(i // len(base)) % len(spans)]
            text = text[: m.start()] + str(int(float(m.group(0)) * 3 + 7)) + text[m.end() :]
        out.append({"categoryId": cid, "output": text})
    return out


def _timed(fn: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure(facts: list[dict[str, Any]], refs: list[dict[str, Any]], n: int) -> dict[str, float]:
    by_id = {f["categoryId"]: f for f in facts}
    preds = predictions(facts, n)
    _, load_s, _ = _timed(warm_up)
    report, wall, cpu = _timed(lambda: score_predictions(by_id, preds))
    _, wall_refs, cpu_refs = _timed(lambda: score_predictions(by_id, preds, refs))
    return {
        "categories": len(facts),
        "summaries": len(preds),
        "analyser_load_s": load_s,
        "no_refs_summaries_per_s": n / wall,
        "no_refs_summaries_per_cpu_s": n / cpu,
        "with_rouge_summaries_per_s": n / wall_refs,
        "with_rouge_summaries_per_cpu_s": n / cpu_refs,
        "numbers_per_summary": report.aggregate["numbers_stated"] / n,
        "mean_numeric_fidelity": report.aggregate["numeric_fidelity"],
    }


def section(command: str, figures: dict[str, float], cpu: int) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        "## Scoring (`benchmarks/bench_score.py`)",
        "",
        f"Command: `{command}`  ",
        (f"Machine: {platform.machine()}, Python {platform.python_version()}, shared 2-core VM (other jobs "
         f"running), one process pinned to CPU {cpu}; measured {when}."),
        "",
    ]
    lines += figure_table(figures, counts=("categories", "summaries"))
    lines += [
        "",
        "Target (issue 5): >= 200 summaries/s on one core, analyser load excluded. `per_s` is wall clock on a",
        "shared machine; `per_cpu_s` is the process's own CPU time, the figure other jobs cannot distort.",
        "`with_rouge` adds kiwipiepy morpheme analysis of every output (references are analysed once and cached).",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=Path, default=Path("golden/facts.jsonl"))
    parser.add_argument("--references", type=Path, default=Path("golden/references.jsonl"))
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    facts = _read(args.facts)
    if args.references.exists():
        refs = _read(args.references)
    else:
        refs = [{"categoryId": f["categoryId"], **write_summary(f)} for f in facts]
    figures = measure(facts, refs, args.n)
    for key, value in figures.items():
        print(f"{key:>32}: {value:,.2f}")
    if args.write:
        command = f"python benchmarks/bench_score.py --facts {args.facts} --n {args.n} --write"
        replace_section(section(command, figures, cpu), START, END)


if __name__ == "__main__":
    main()
