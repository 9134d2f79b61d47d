"""Share of padding tokens per training batch: dynamic padding (TRL's collator) vs legacy pad-to-2048.

The legacy trainer padded every example to ``max_length`` (2,048), so most of each batch's compute
went to pad tokens. TRL pads a batch to its own longest example. Both schemes are measured on
the same SFT file and tokenizer, with batches drawn in the same seeded random order.

    python benchmarks/bench_padding.py --sft out/sft.jsonl --base models/tiny-qwen2-small --batch-size 2
"""

from __future__ import annotations

import argparse
import random
import statistics
from pathlib import Path

from results_md import emit_json


def lengths_of(sft: Path, base: Path) -> list[int]:
    """Token length of prompt + completion of every example (what the trainer feeds the model)."""
    from harness.train.prompt import to_prompt_completion
    from harness.train.sft_io import read_sft
    from harness.train.trainer import load_tokenizer

    tok = load_tokenizer(base, "right")
    out = []
    for row in read_sft(sft):
        pair = to_prompt_completion(row["messages"], tok)
        out.append(len(tok(pair["prompt"] + pair["completion"], add_special_tokens=False)["input_ids"]))
    return out


def padding_shares(lengths: list[int], batch_size: int, max_length: int, seed: int) -> dict[str, float]:
    """Mean per-batch pad share and total tokens for both schemes (sequences truncated at max_length)."""
    order = list(range(len(lengths)))
    random.Random(seed).shuffle(order)
    dyn, legacy = [], []
    dyn_tokens = legacy_tokens = 0
    for i in range(0, len(order), batch_size):
        batch = [min(lengths[j], max_length) for j in order[i : i + batch_size]]
        real = sum(batch)
        width = max(batch)
        dyn.append(1 - real / (width * len(batch)))
        legacy.append(1 - real / (max_length * len(batch)))
        dyn_tokens += width * len(batch)
        legacy_tokens += max_length * len(batch)
    return {
        "examples": len(lengths),
        "batches": len(dyn),
        "mean_length": statistics.mean(lengths),
        "max_length_seen": max(lengths),
        "dynamic_pad_share_mean": statistics.mean(dyn),
        "dynamic_pad_share_max": max(dyn),
        "legacy_pad_share_mean": statistics.mean(legacy),
        "dynamic_tokens": dyn_tokens,
        "legacy_tokens": legacy_tokens,
        "tokens_saved_ratio": 1 - dyn_tokens / legacy_tokens,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sft", type=Path, required=True)
    parser.add_argument("--base", type=Path, required=True, help="base model folder (its tokenizer is used)")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=2048)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    result = padding_shares(lengths_of(args.sft, args.base), args.batch_size, args.max_length, args.seed)
    emit_json(result)


if __name__ == "__main__":
    main()
