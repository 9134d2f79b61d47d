"""Numeric fidelity on the independent annotated corpus: precision, recall and scoring speed, against a baseline.

Why it matters: numeric fidelity decides the verdict twice (the floor, and the guarded composition
that ships a model output only where every number is supported). It must pass a fluent writer's
correct numbers and flag its wrong ones; ``golden/fidelity/`` holds summaries written blind, every
number annotated (``golden/fidelity/README.md``). Batch 1 is what the metric was developed against;
batches 2-4 were written later, each scored once as a held-out check before any change informed by it.

The baseline is the metric before claim attribution (issue 14), extracted from git at
``--baseline-rev`` into a temporary package and run in the same process on the same corpus, so the
before/after figures and the speed ratio come from one run. Speed: every corpus summary scored as a
raw output by ``score_predictions`` (all per-row metrics, no ROUGE), repeated to ``--n``, one
process pinned to one CPU, CPU time.

    python benchmarks/bench_fidelity.py --n 1000 --write

It also reports a digit-shift probe of how loose the metric is (``fidelity_corpus.digit_shift``: the
variants with a supported number's last digit moved that the metric still accepts; lower is better).

``--write`` replaces this benchmark's section of ``benchmarks/RESULTS.md`` (between its markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from results_md import emit_json, replace_section

from harness.evaluate import score_predictions
from harness.evaluate.fidelity_corpus import (
    CORPUS,
    TARGETS,
    Corpus,
    Seen,
    current_checker,
    digit_shift,
    judge,
    load,
    misses,
    tally,
)
from harness.writers.contract import SUMMARY_KEYS

START, END = "<!-- bench_fidelity:start -->", "<!-- bench_fidelity:end -->"
ROOT = Path(__file__).resolve().parents[1]
# The last commit of main before claim attribution (issue 14) touched harness/evaluate.
BASELINE_REV = "5c3260bbe57f30a5ff6150a5c5dc859e03dad98e"
_IMPORT = re.compile(r"\bharness(?=[.\s])")
# A record, not a figure of this run: how batch 2 scored the first time the metric met it.
HELD_OUT_NOTE = (
    "Batch 1 was developed against. Batch 2 was scored once as a held-out check before any change informed "
    "by it (a development commit of issue 14 on 2026-11-29, not kept on main): correct numbers supported "
    "96.4%, correct summaries with no false alarm 49.0%, wrong numbers flagged 78.8%, lowest error-kind "
    "recall 50.0% (direction). Its misses then showed reading rules the metric lacked (tag counts, "
    "rest-of-brands bounds, changes within one year, ...), which were added as general rules with tests of "
    "their own; the batch-2 column below is therefore no longer a held-out figure. "
    "Batch 3 (78 summaries over ten categories, two of them new to the corpus) was written after the metric "
    "met batches 1-2's targets and scored once before any change informed by it (2026-11-29, main at "
    "6d87fa5): correct numbers supported 92.0% (2,571), correct summaries with no false alarm 10.0% (3 of "
    "30), wrong numbers flagged 85.4% (48), lowest error-kind recall 71.4% (direction and year; value 77.8%, "
    "label 85.7%). The metric had fitted batches 1-2's phrasings: year-after-number clauses (32.7% 줄어든 "
    "2022년), enumerated rates across years (47.6%에서 21.2%, 20.9%, 16.3%로), thresholds and tag counts. "
    "Its misses were then grouped into reading rules (price positions and spreads, bases of shares, tag "
    "counts, lists said year by year, changes within a year, annualised figures, multiples both ways, "
    "stated arithmetic, compared levels, labels, the analysis window of categories with no dated review, "
    "...), each added as a general rule with invented right and wrong sentences of its own "
    "(tests/evaluate/test_reading_rules.py); no annotation was changed. The batch-3 column below is "
    "therefore no longer a held-out figure either. "
    "Batch 4 (74 summaries over six categories, four new to the corpus: golden 27 with no dated review and "
    "three sample categories outside the golden set; written blind by a third writer, leaning on rarer "
    "phrasings) was scored once before any change informed by it (2026-11-29, main at f2c3a5d, after batch "
    "3's rules): correct numbers supported 97.2% (2,600), correct summaries with no false alarm 41.7% (10 of "
    "24), wrong numbers flagged 86.0% (50), lowest error-kind recall 66.7% (year; direction 75.0%, value and "
    "label 87.5%). Batch 3's rules roughly halved the gap on unseen text but did not close it: on a fluent "
    "writer the metric still raises a false alarm in more than half of the correct summaries. "
    "Its misses were then grouped into reading rules (lines and parts of the HHI, a part's measure named "
    "before its whole, sizes of a decline, the years around one, the peak, counts of rates of a sign, years "
    "joined and summed, a change after a year, a list's trend, brands counted in words, a count that "
    "disagrees with the names listed, two stated figures compared, the reference year of a change, a part of "
    "two stated figures, ...), each a general rule with invented right and wrong sentences of its own; no "
    "annotation was changed. The batch-4 column below is therefore no longer a held-out figure either."
)


# A record: the probe on main before batch 4's reading rules (same definition, same corpus).
DIGIT_SHIFT_NOTE = (
    "Many accepted variants stay true (a hedged 약 43% allows 42 and 44; a bound such as 5% 미만 still holds at 6); "
    "a rule that lets more through raises the figure. Main before batch 4's reading rules (at 7d0eca5): 1,519 of "
    "9,687; batch 3's rules had been checked the same way by hand (1,597 of 7,590 then, a looser definition that "
    "counted years and did not look for new flags in the field)."
)


def load_baseline(rev: str, into: Path) -> ModuleType | None:
    """The ``harness`` package at ``rev`` as ``harness_baseline`` (imports rewritten); None without git."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "harness"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"baseline skipped: cannot read {rev} from git ({exc})", file=sys.stderr)
        return None
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    (into / "harness").rename(into / "harness_baseline")
    for path in (into / "harness_baseline").rglob("*.py"):
        path.write_text(_IMPORT.sub("harness_baseline", path.read_text("utf-8")), "utf-8")
    sys.path.insert(0, str(into))
    import importlib

    return importlib.import_module("harness_baseline.evaluate")


def baseline_checker(package: ModuleType) -> Callable[[dict[str, Any]], Callable[[str], Sequence[Seen]]]:
    import importlib

    fidelity = importlib.import_module(f"{package.__name__}.fidelity")

    def checker(facts: dict[str, Any]) -> Callable[[str], Sequence[Seen]]:
        index = fidelity.FactIndex.from_facts(facts)
        return lambda text: [
            Seen(c.stated.start, c.stated.end, "supported" if c.supported else "unsupported")
            for c in index.check_text(text)
        ]

    return checker


def speed(corpus: Corpus, scorer: Callable[..., Any], n: int, rounds: int = 3) -> float:
    """Median summaries per CPU second of ``scorer`` over the corpus summaries repeated to ``n``."""
    base = [
        {"categoryId": s["categoryId"], "output": json.dumps({k: s[k] for k in SUMMARY_KEYS}, ensure_ascii=False)}
        for s in corpus.summaries
    ]
    preds = [base[i % len(base)] for i in range(n)]
    rates = []
    for _ in range(rounds):
        cpu = time.process_time()
        scorer(corpus.facts, preds)
        rates.append(n / (time.process_time() - cpu))
    return sorted(rates)[len(rates) // 2]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def section(command: str, figures: dict[str, Any], cpu: int) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    new, old, batches = figures["current"], figures.get("baseline"), figures["batches"]
    lines = [
        START,
        "## Numeric fidelity on the annotated corpus (`benchmarks/bench_fidelity.py`)",
        "",
        f"Command: `{command}`  ",
        (f"Corpus: `golden/fidelity/` ({new['all']['summaries']} summaries, written blind by another engineer). "
         f"Baseline: the metric at git `{figures['baseline_rev'][:12]}` (by default the last one before claim "
         f"attribution), same run. Machine: {platform.machine()}, Python {platform.python_version()}, shared "
         f"2-core VM, one process pinned to CPU {cpu}; measured {when}."),
        "",
        HELD_OUT_NOTE,
        "",
        "| figure | target | " + " | ".join(f"batch {b}" for b in batches) + " | all | baseline (all) |",
        "|---|---|" + "---|" * len(batches) + "---|---|",
    ]
    rows = [
        ("correct numbers supported", "correct_numbers_supported", ">= 99.5%"),
        ("correct summaries with no false alarm", "correct_summaries_clean", ">= 97%"),
        ("wrong numbers flagged (number recall)", "wrong_numbers_flagged", ">= 98%"),
        ("lowest error-kind recall", "each_kind_flagged", ">= 90%"),
        ("number precision (flags that are wrong numbers)", "number_precision", ""),
        ("summary recall (edited/fabricated summaries flagged)", "summary_recall", ""),
        ("summary precision (flagged summaries with an error)", "summary_precision", ""),
        ("wrong numbers flagged as contradicted", "wrong_contradicted", ""),
    ]
    for name, key, target in rows:
        cells = [_pct(new[b].get(key)) for b in (*(f"batch{n}" for n in batches), "all")]
        lines.append(f"| {name} | {target} | " + " | ".join(cells) + f" | {_pct(old['all'].get(key)) if old else 'n/a'} |")
    counts = new["all"]
    lines += [
        "",
        (f"Numbers: {counts['correct_numbers']} correct, {counts['wrong_numbers']} wrong; {counts['unparsed_numbers']} "
         f"annotated numbers the metric did not read as a number; {counts['unannotated_numbers']} numbers the metric "
         f"read that carry no annotation ({counts['unannotated_flagged']} of them flagged)."),
        "",
        "By error kind (recall; how the flagged ones were flagged):",
        "",
        "| kind | n | flagged | contradicted | unverifiable | baseline flagged |",
        "|---|---|---|---|---|---|",
    ]
    for kind, row in counts["by_kind"].items():
        base = old["all"]["by_kind"].get(kind, {}).get("flagged") if old else None
        lines.append(f"| {kind} | {row['n']} | {_pct(row['flagged'])} | {row['contradicted']} | {row['unverifiable']} | {_pct(base)} |")
    lines += ["", "By phrasing family (the writer's tags):", "",
              "| family | correct | supported | wrong | flagged | baseline supported | baseline flagged |", "|---|---|---|---|---|---|---|"]
    for family, row in counts["by_family"].items():
        base = old["all"]["by_family"].get(family, {}) if old else {}
        lines.append(
            f"| {family} | {row['correct']} | {_pct(row['supported'])} | {row['wrong']} | {_pct(row['flagged'])} | "
            f"{_pct(base.get('supported'))} | {_pct(base.get('flagged'))} |"
        )
    lines += [
        "",
        "Per batch, by error kind (flagged):",
        "",
        "| kind | " + " | ".join(f"batch {b}" for b in batches) + " |",
        "|---|" + "---|" * len(batches),
    ]
    kinds = sorted(set().union(*(new[f"batch{b}"]["by_kind"] for b in batches)))
    for kind in kinds:
        cells = [new[f"batch{b}"]["by_kind"].get(kind, {}) for b in batches]
        lines.append(f"| {kind} | " + " | ".join(f"{_pct(c.get('flagged'))} (n={c.get('n', 0)})" for c in cells) + " |")
    shifted = figures["digit_shift"]
    lines += [
        "",
        (f"Digit-shift probe (how loose the metric is; lower is better): every supported number of the correct "
         f"summaries that is written with a digit and is not a year, its last digit moved by +1, +3 and -1 with "
         f"the format kept; a variant is accepted when the shifted number still reads supported and its field "
         f"gains no flag. **{shifted['all'][0]:,} of {shifted['all'][1]:,} variants accepted** ("
         + ", ".join(f"batch {b}: {shifted[f'batch{b}'][0]:,} of {shifted[f'batch{b}'][1]:,}" for b in batches)
         + f"). {DIGIT_SHIFT_NOTE}"),
    ]
    speed_new, speed_old = figures["speed_current"], figures.get("speed_baseline")
    ratio = f"{speed_new / speed_old:.2f}x the baseline" if speed_old else "baseline not run"
    lines += [
        "",
        (f"Scoring speed (all per-row metrics, no ROUGE, CPU time, one core): **{speed_new:,.0f} summaries/s** "
         f"({ratio}: {speed_old or 0:,.0f}/s). Target: >= 200 summaries/s."),
        "",
        "The targets are held by `tests/evaluate/test_fidelity_corpus.py` on every batch landed.",
        END,
    ]
    return "\n".join(lines)


def measure(corpus: Corpus, baseline: ModuleType | None, n: int) -> dict[str, Any]:
    batches = sorted({int(s["batch"]) for s in corpus.summaries})
    figures: dict[str, Any] = {"batches": batches}
    for name, checker in (("current", current_checker), ("baseline", baseline_checker(baseline) if baseline else None)):
        if checker is None:
            continue
        result = judge(corpus, checker)
        figures[name] = {**{f"batch{b}": tally(result, b) for b in batches}, "all": tally(result)}
        if name == "current":
            figures["misses"] = [
                f"{j.note.summary} {j.note.field[:6]} {j.note.text!r} {j.note.status}/{j.note.kind or j.note.family}: {j.outcome}"
                for j in misses(result)
            ]
    figures["digit_shift"] = {**{f"batch{b}": digit_shift(corpus, current_checker, b) for b in batches},
                              "all": digit_shift(corpus, current_checker)}
    figures["speed_current"] = speed(corpus, score_predictions, n)
    if baseline is not None:
        figures["speed_baseline"] = speed(corpus, baseline.score_predictions, n)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--baseline-rev", default=BASELINE_REV)
    parser.add_argument("--n", type=int, default=1000, help="summaries scored per speed round")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    corpus = load(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        baseline = load_baseline(args.baseline_rev, Path(tmp))
        figures = measure(corpus, baseline, args.n)
    figures["baseline_rev"] = args.baseline_rev
    figures["targets"] = TARGETS
    emit_json(figures, args.json)
    if args.write:
        command = f"python benchmarks/bench_fidelity.py --n {args.n} --write"
        replace_section(section(command, figures, cpu), START, END)


if __name__ == "__main__":
    main()
