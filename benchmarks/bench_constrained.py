"""Constrained vs unconstrained greedy generation: JSON validity, stops and tokens/s (same model, prompts).

The CPU stand-ins often never close the summary object (they loop until ``max_new_tokens``). With
xgrammar masking the logits (``harness.train.constrained``) every output is inside the schema; with
a per-string character cap whose worst case fits ``max_new_tokens`` every output also closes.

    python benchmarks/bench_constrained.py --base models/tiny-qwen2-small \
        --adapter mlruns/work/cpu/cpu-small/adapter --facts golden/facts.jsonl --limit 8 \
        --batch-size 4 --max-new-tokens 300 --threads 1 [--write-results]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

START, END = "<!-- bench_constrained:start -->", "<!-- bench_constrained:end -->"


def _parses(raw: str) -> bool:
    """The trimmed output is one JSON object with exactly the two summary keys (schema aside)."""
    from harness.writers.contract import SUMMARY_KEYS

    try:
        obj = json.loads(raw.strip())
    except ValueError:
        return False
    return isinstance(obj, dict) and sorted(obj) == sorted(SUMMARY_KEYS)


def run(base: Path, adapter: Path | None, facts: list[dict], batch_size: int, max_new_tokens: int,
        cap: int | None, repeats: int = 2) -> dict:  # fmt: skip
    """Generates the same facts unconstrained, constrained, and constrained with the cap; best wall of the repeats."""
    import torch

    from harness.evaluate.format_metrics import json_valid
    from harness.train.config import GenerationSettings
    from harness.train.constrained import _processor_class, worst_case_tokens
    from harness.train.generate import Generator

    masking = [0.0, 0]  # seconds inside the schema logits processor, calls (one per step and batch)
    cls = _processor_class()
    plain_call = cls.__call__

    def timed_call(self, input_ids, scores):
        start = time.perf_counter()
        out = plain_call(self, input_ids, scores)
        masking[0] += time.perf_counter() - start
        masking[1] += 1
        return out

    cls.__call__ = timed_call

    if cap is None:  # the largest cap that still guarantees closure within max_new_tokens
        cap = max(1, next(c for c in range(max_new_tokens, 0, -1) if worst_case_tokens(c) <= max_new_tokens))
    plain = GenerationSettings(batch_size=batch_size, max_new_tokens=max_new_tokens, use_review_text=False)
    modes = {
        "unconstrained": plain,
        "constrained": plain.model_copy(update={"constrained": True}),
        f"constrained, max {cap} chars": plain.model_copy(update={"constrained": True, "constrained_max_chars": cap}),
    }
    loaded = Generator.load(base, adapter, plain)
    list(loaded.generate(facts[:1], batch_size=1))  # warm-up (kernels, caches)
    result: dict = {"examples": len(facts), "batch_size": batch_size, "max_new_tokens": max_new_tokens,
                    "worst_case_tokens": worst_case_tokens(cap), "torch_threads": torch.get_num_threads(),
                    "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                    "load_average_1m": round(os.getloadavg()[0], 2), "repeats": repeats, "modes": {}}  # fmt: skip
    walls: dict[str, list[float]] = {label: [] for label in modes}
    texts: dict[str, list[str]] = {}
    for _ in range(repeats):  # rounds interleave the modes, so a load spike hits all of them alike
        for label, settings in modes.items():
            start = time.perf_counter()
            gen = Generator(loaded.model, loaded.tokenizer, settings)
            setup = time.perf_counter() - start
            masking[:] = [0.0, 0]
            start = time.perf_counter()
            outs = list(gen.generate(facts))
            walls[label].append(time.perf_counter() - start)
            texts[label] = [o.output for o in outs]
            share = masking[0] / walls[label][-1]
            result["modes"][label] = {
                "grammar_compile_s": round(setup, 3),
                "new_tokens": gen.stats.new_tokens,
                "stopped": sum(o.stopped for o in outs),
                "parses": sum(_parses(o.output) for o in outs),
                "json_valid": sum(json_valid(o.output) for o in outs),
                "mask_ms_per_step": round(1000 * masking[0] / masking[1], 3) if masking[1] else 0.0,
                "mask_share_of_wall": round(share, 4),
                "same_as_unconstrained": sum(a == b for a, b in zip(texts[label], texts["unconstrained"], strict=True)),
                "first_output": outs[0].output[:160],
            }
    for label, m in result["modes"].items():
        best = min(walls[label])
        m.update(wall_s=round(best, 2), walls_s=[round(w, 2) for w in walls[label]],
                 tokens_per_s=round(m["new_tokens"] / best, 1))  # fmt: skip
    return result


def markdown(result: dict, command: str) -> str:
    n = result["examples"]
    rows = "\n".join(
        f"| {label} | {m['stopped']}/{n} | {m['parses']}/{n} | {m['json_valid']}/{n} | {m['new_tokens']} "
        f"| {m['wall_s']} s ({', '.join(map(str, m['walls_s']))}) | {m['tokens_per_s']} | {m['mask_ms_per_step']} ms "
        f"| {m['grammar_compile_s']} s | {m['same_as_unconstrained']}/{n} |"
        for label, m in result["modes"].items()
    )
    free = result["modes"]["constrained"]
    capped_label, capped = list(result["modes"].items())[-1]
    loops = " (the stand-in loops inside a string, which the grammar allows)" if free["stopped"] < n else ""
    notes = (
        f"Without a cap the mask left the greedy text unchanged in {free['same_as_unconstrained']}/{n} "
        f"outputs and {free['stopped']}/{n} closed within `max_new_tokens`{loops}. "
        f"With the cap ({capped_label}) {capped['parses']}/{n} parse and "
        f"{capped['json_valid']}/{n} pass the schema. The processor took {free['mask_ms_per_step']} ms per "
        f"batch step, {100 * free['mask_share_of_wall']:.1f}% of the uncapped run's wall; wall times of the "
        "same work differ between rounds on this shared machine, the processor time does not. The capped "
        "run's tokens/s is mostly prefill (short outputs after ~700-token prompts)."
    )
    load = f", load average {result['load_average_1m']} at start" if "load_average_1m" in result else ""
    return f"""{START}
## Constrained decoding (CPU) (`benchmarks/bench_constrained.py`)

Command: `{command}`
({result["cpu"]}, {result.get("cores", "?")} cores{load}, {result["torch_threads"]} torch thread(s), batch {result["batch_size"]} left-padded,
greedy, `max_new_tokens` {result["max_new_tokens"]}, {result["repeats"]} interleaved rounds; the cap's worst case is {result["worst_case_tokens"]} new
tokens, stop included). "parses": one JSON object with exactly the two keys; "json_valid": the
evaluation metric (parses and passes `summary.schema.json`); "masking per step": time inside the
schema logits processor per decoding step of a batch (matchers advanced, bitmask filled and applied).

| mode | stopped | parses | json_valid | new tokens | best wall (all) | tokens/s | masking per step | setup (vocab + grammar) | same text as unconstrained |
|---|---|---|---|---|---|---|---|---|---|
{rows}

{notes}
{END}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--adapter", type=Path)
    parser.add_argument("--facts", type=Path, default=Path("golden/facts.jsonl"))
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=300)
    parser.add_argument("--max-chars", type=int, help="per-string cap (default: the largest that fits)")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--repeats", type=int, default=2, help="rounds over the modes; the best wall counts")
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--write-results", action="store_true", help="rewrite this section of RESULTS.md")
    args = parser.parse_args()
    import sys

    import torch

    from harness.jsonl import read_jsonl

    if args.threads:
        torch.set_num_threads(args.threads)
    facts = read_jsonl(args.facts)[: args.limit]
    result = run(args.base, args.adapter, facts, args.batch_size, args.max_new_tokens, args.max_chars,
                 args.repeats)
    from results_md import emit_json, replace_section

    emit_json(result, args.json)
    if args.write_results:
        replace_section(markdown(result, "python " + " ".join(["benchmarks/bench_constrained.py", *sys.argv[1:]])),
                        START, END)  # fmt: skip


if __name__ == "__main__":
    main()
