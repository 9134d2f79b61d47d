"""Constrained decoding's cost per step on the real Qwen2.5 vocabulary (151,936 logits), batch 8, CPU.

"before": the issue-7 processor, kept here as the baseline: one matcher per row advanced in a Python
loop, one fill per row, the added tokens read as plain text (so ``<tool_call>`` fits inside a
summary string). "after": the shipped processor (``harness.train.constrained``): one batched accept,
one batched fill on xgrammar's threads, every added token but ``<|im_end|>`` special. Both are fed the
same token streams (the golden template summaries, tokenized: the rows walk through keys and
strings as a model's output would) and the same random logits; only the processor call is timed.

    python benchmarks/bench_constrained_step.py --batches 8 32 --steps 300 --rounds 5 --threads 1 [--write-results]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from results_md import emit_json, replace_section

START, END = "<!-- bench_constrained_step:start -->", "<!-- bench_constrained_step:end -->"
REPO = Path(__file__).resolve().parents[1]
VOCAB = 151_936


class PerRowProcessor:
    """The issue-7 processor (before): per-row accept and fill in Python, then one masked apply."""

    def __init__(self, compiled: Any, vocab_size: int) -> None:
        self.compiled, self.vocab_size = compiled, vocab_size
        self.matchers: list[Any] = []
        self.bitmask: Any = None
        self.seen = 0

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import xgrammar as xgr

        if not self.matchers:
            self.matchers = [xgr.GrammarMatcher(self.compiled) for _ in range(input_ids.shape[0])]
            self.bitmask = xgr.allocate_token_bitmask(len(self.matchers), self.vocab_size)
            self.seen = input_ids.shape[1]
        new = input_ids[:, self.seen :].tolist()
        self.seen = input_ids.shape[1]
        active = []
        for row, (matcher, tokens) in enumerate(zip(self.matchers, new, strict=True)):
            for token in tokens:
                if matcher.is_terminated():
                    break
                if not matcher.accept_token(token):
                    raise RuntimeError(f"row {row}: token {token} rejected")
            if not matcher.is_terminated():
                matcher.fill_next_token_bitmask(self.bitmask, row)
                active.append(row)
        if active:
            xgr.apply_token_bitmask_inplace(scores, self.bitmask.to(scores.device), vocab_size=self.vocab_size,
                                            indices=active)  # fmt: skip
        return scores


def processors(tokenizer: Any) -> dict[str, Any]:
    """Factories of both processors over the same schema (no character cap)."""
    import xgrammar as xgr

    from harness.train.constrained import (
        _SEPARATORS,
        SchemaConstraint,
        _compiler,
        _processor_class,
        generation_schema,
    )

    stops = [tokenizer.convert_tokens_to_ids(t) for t in ("<|im_end|>", "<|endoftext|>")]
    info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=VOCAB, stop_token_ids=stops)
    old = _compiler(info).compile_json_schema(json.dumps(generation_schema(), ensure_ascii=False),
                                              any_whitespace=False, separators=_SEPARATORS)  # fmt: skip
    new = SchemaConstraint(tokenizer, VOCAB, stops[:1])
    two = xgr.BatchGrammarMatcher(max_threads=2)
    return {
        "before (per row)": lambda: PerRowProcessor(old, VOCAB),
        "after (whole batch, shipped thread rule)": new.processor,
        "after, 2 fill threads forced": lambda: _processor_class()(new.compiled, VOCAB, lambda rows: two),
    }


def streams(tokenizer: Any, batch: int) -> list[list[int]]:
    from harness.train.constrained import _SEPARATORS
    from harness.writers.template import write_summary

    lines = (REPO / "golden/facts.jsonl").read_text("utf-8").splitlines()
    out = []
    for i in range(batch):
        line = lines[i % len(lines)]
        text = json.dumps(write_summary(json.loads(line)), ensure_ascii=False, separators=_SEPARATORS)
        out.append(tokenizer(text, add_special_tokens=False)["input_ids"])
    return out


def time_steps(make: Any, rows: list[list[int]], steps: int) -> list[float]:
    """Seconds per processor call over ``steps`` decoding steps of one batch."""
    import torch

    torch.manual_seed(0)
    logits = torch.randn(len(rows), VOCAB)
    ids = torch.zeros((len(rows), 4), dtype=torch.long)
    proc = make()
    out = []
    for step in range(steps):
        scores = logits.clone()
        start = time.perf_counter()
        proc(ids, scores)
        out.append(time.perf_counter() - start)
        ids = torch.cat([ids, torch.tensor([[r[step]] for r in rows])], dim=1)
    return out


def run(qwen: Path, batches: list[int], steps: int, rounds: int) -> dict[str, Any]:
    import torch

    from harness.train.trainer import load_tokenizer

    tok = load_tokenizer(qwen, "left")
    makers = processors(tok)
    result: dict[str, Any] = {
        "vocab": VOCAB, "steps": steps, "rounds": rounds, "torch_threads": torch.get_num_threads(),
        "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
        "load_average_1m_start": round(os.getloadavg()[0], 2), "batches": {},
    }  # fmt: skip
    for batch in batches:
        rows = streams(tok, batch)
        n = min(steps, min(len(r) for r in rows))
        samples: dict[str, list[float]] = {label: [] for label in makers}
        for _ in range(rounds):  # interleaved, so a load spike on this shared machine hits all alike
            for label, make in makers.items():
                samples[label] += time_steps(make, rows, n)
        modes = result["batches"][str(batch)] = {}
        for label, xs in samples.items():
            ms = sorted(1000 * x for x in xs)
            modes[label] = {"median_ms": round(statistics.median(ms), 3), "mean_ms": round(statistics.mean(ms), 3),
                            "p90_ms": round(ms[int(0.9 * (len(ms) - 1))], 3)}  # fmt: skip
    result["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    return result


def markdown(result: dict[str, Any], command: str) -> str:
    rows = "\n".join(
        f"| {batch} | {label} | {m['median_ms']} ms | {m['mean_ms']} ms | {m['p90_ms']} ms |"
        for batch, modes in result["batches"].items() for label, m in modes.items()
    )
    eight = list(result["batches"].get("8", next(iter(result["batches"].values()))).values())
    before, after, forced = (m["median_ms"] for m in eight)
    speed = (f"{before / after:.1f}x faster" if after < 0.9 * before else
             f"{after / before:.1f}x slower" if after > 1.1 * before else "about the same")
    threads = ("made the median step slower" if forced > after else "did not make the median step slower")
    return f"""{START}
## Constrained decoding cost per step on the real Qwen2.5 vocabulary (`benchmarks/bench_constrained_step.py`)

Command: `{command}`
({result["cpu"]}, {result["cores"]} cores shared with other engineers' jobs, load average {result["load_average_1m_start"]} at the
start and {result["load_average_1m_end"]} at the end, {result["torch_threads"]} torch thread; {result["vocab"]:,} logits, up to {result["steps"]} decoding
steps x {result["rounds"]} interleaved rounds per mode.) Time inside the schema logits processor per decoding step of
the whole batch: advance the matchers by the new tokens, fill the bitmask, mask the logits in place.

| batch | processor | median per step | mean | p90 |
|---|---|---|---|---|
{rows}

At batch 8 the median step costs {before} ms before and {after} ms after ({speed}; the target was at most
2 ms). The issue's "about 4.5 ms per row" did not reproduce with xgrammar 0.2.9 on this machine. Means and
p90s are dominated by other jobs' load spikes. Forcing a second fill thread at batch 8 {threads}
({forced} ms) on these 2 shared cores; the processor uses one fill thread per 16 rows (`ROWS_PER_THREAD`).
What changed is what is allowed. "Before" let 20 added tokens (`<|im_start|>`, `<tool_call>`, the
vision, fim and repo tokens) appear inside a summary string, and `<|endoftext|>` end it. "After" allows
no added token but `<|im_end|>`, and that only after the closing brace (`tests/train/test_qwen_shaped.py`).
{END}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qwen", type=Path, default=REPO / "models/qwen2.5-tokenizer")
    parser.add_argument("--batches", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    result = run(args.qwen, args.batches, args.steps, args.rounds)
    emit_json(result, args.json)
    if args.write_results:
        command = "python " + " ".join(["benchmarks/bench_constrained_step.py", *sys.argv[1:]])
        replace_section(markdown(result, command), START, END)


if __name__ == "__main__":
    main()
