"""Tokens per second of batched vs one-at-a-time greedy generation (same model, prompts, settings).

Batching with left padding is what makes generation over a golden set cheap; this measures how
much on the machine at hand. Outputs of both modes are compared too (greedy decoding should give
the same text; with fp32 on CPU it does, bf16 on GPU may differ in rare ties).

    python benchmarks/bench_generation.py --base models/tiny-qwen2-small --facts golden/facts.jsonl \
        --batch-size 8 --max-new-tokens 128 [--adapter DIR]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from results_md import emit_json


def run(base: Path, adapter: Path | None, facts: list[dict], batch_size: int, max_new_tokens: int) -> dict:
    """Generates the same facts batched and one at a time; returns tokens/s of both and agreement."""
    import torch

    from harness.train.config import GenerationSettings
    from harness.train.generate import Generator

    settings = GenerationSettings(batch_size=batch_size, max_new_tokens=max_new_tokens, use_review_text=False)
    gen = Generator.load(base, adapter, settings)
    list(gen.generate(facts[:1], batch_size=1))  # warm-up (kernels, caches)
    result: dict = {"device": str(gen.device), "examples": len(facts), "max_new_tokens": max_new_tokens,
                    "torch_threads": torch.get_num_threads(), "cpu": platform.processor() or platform.machine()}
    outputs = {}
    for label, size in (("batched", batch_size), ("one_at_a_time", 1)):
        gen.stats = type(gen.stats)()
        start = time.perf_counter()
        outputs[label] = [g.output for g in gen.generate(facts, batch_size=size)]
        wall = time.perf_counter() - start
        result[label] = {"batch_size": size, "wall_s": round(wall, 2), "new_tokens": gen.stats.new_tokens,
                         "tokens_per_s": round(gen.stats.new_tokens / wall, 1),
                         "peak_gpu_mem_gb": gen.stats.peak_gpu_mem_gb}  # fmt: skip
    result["speedup"] = round(result["batched"]["tokens_per_s"] / result["one_at_a_time"]["tokens_per_s"], 2)
    result["same_outputs"] = sum(a == b for a, b in zip(outputs["batched"], outputs["one_at_a_time"], strict=True))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--adapter", type=Path)
    parser.add_argument("--facts", type=Path, default=Path("golden/facts.jsonl"))
    parser.add_argument("--limit", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    from harness.jsonl import read_jsonl

    facts = read_jsonl(args.facts)[: args.limit]
    result = run(args.base, args.adapter, facts, args.batch_size, args.max_new_tokens)
    emit_json(result, args.json)


if __name__ == "__main__":
    main()
