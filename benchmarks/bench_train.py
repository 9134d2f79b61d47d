"""End-to-end stand-in timing without the runner: build a tiny base, LoRA-train it, generate.

Used for what the CPU suite's budget depends on (pin it to 2 cores with ``taskset -c 0,1`` and
``CUDA_VISIBLE_DEVICES=``) and for the GPU checks (bf16 training, gradient checkpointing, 4-bit
QLoRA via bitsandbytes, generation throughput). It needs only the SFT file (the corpus is its
user and assistant turns), so it runs where the data and facts stages are not installed.

    python benchmarks/bench_train.py --sft out/sft.jsonl --facts golden/facts.jsonl --size small \
        --pretrain-steps 100 --epochs 1 --batch-size 4 --lr 2e-3 --max-new-tokens 600 [--qlora]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from results_md import emit_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sft", type=Path, required=True)
    parser.add_argument("--facts", type=Path, default=Path("golden/facts.jsonl"))
    parser.add_argument("--size", default="small")
    parser.add_argument("--pretrain-steps", type=int, default=None)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--grad-accum", type=int, default=1)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--max-new-tokens", type=int, default=600)
    parser.add_argument("--gen-batch-size", type=int, default=16)
    parser.add_argument("--qlora", action="store_true", help="also train once with 4-bit QLoRA (GPU only)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_train"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    import torch

    from harness.jsonl import read_jsonl
    from harness.train.config import GenerationSettings, LoraSettings, TrainerSettings
    from harness.train.generate import Generator
    from harness.train.sft_io import read_sft
    from harness.train.tiny_model import build_tiny_model, spec_for
    from harness.train.trainer import train_adapter

    def cpu_s() -> float:
        t = os.times()
        return t.user + t.system

    result: dict = {"cuda": torch.cuda.is_available(), "threads": torch.get_num_threads(),
                    "device_name": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"}
    rows = read_sft(args.sft)
    texts = [m["content"] for r in rows for m in r["messages"] if m["role"] in ("user", "assistant")]
    base = args.work / f"base-{args.size}"
    w0, c0 = time.perf_counter(), cpu_s()
    built = build_tiny_model(texts, base, args.size, spec_for(args.size, pretrain_steps=args.pretrain_steps))
    result["build"] = {"wall_s": round(time.perf_counter() - w0, 1), "cpu_s": round(cpu_s() - c0, 1),
                       "parameters": built.parameters, "pretrain_loss": [round(built.pretrain_losses[0], 3),
                                                                          round(built.pretrain_losses[-1], 3)]}
    settings = TrainerSettings(epochs=args.epochs, max_steps=args.max_steps, batch_size=args.batch_size,
                               grad_accum=args.grad_accum, learning_rate=args.lr, logging_steps=1, save_steps=10_000)
    runs = [("lora", settings)] + ([("qlora_4bit", settings.model_copy(update={"qlora_4bit": True}))] if args.qlora else [])
    adapter = None
    for label, trainer_settings in runs:
        w0, c0 = time.perf_counter(), cpu_s()
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        trained = train_adapter(args.sft, base, args.work / f"adapter-{label}", LoraSettings(), trainer_settings,
                                resume=False)
        result[label] = {"wall_s": round(time.perf_counter() - w0, 1), "cpu_s": round(cpu_s() - c0, 1),
                         "steps": trained.global_step, "examples": trained.examples,
                         "loss_first": round(trained.losses[0][1], 3), "loss_last": round(trained.losses[-1][1], 3),
                         "hardware": trained.metadata["hardware"],
                         "peak_gpu_mem_gb": round(torch.cuda.max_memory_allocated() / 1e9, 3) if torch.cuda.is_available() else None}
        adapter = adapter or trained.adapter_dir
    facts = read_jsonl(args.facts)
    gen = Generator.load(base, adapter, GenerationSettings(batch_size=args.gen_batch_size,
                                                           max_new_tokens=args.max_new_tokens, use_review_text=False))
    w0, c0 = time.perf_counter(), cpu_s()
    outs = list(gen.generate(facts))
    valid = 0
    for g in outs:
        try:
            obj = json.loads(g.output.strip())
            valid += isinstance(obj, dict) and set(obj) == {"marketOverviewSummary", "growthSummary"}
        except json.JSONDecodeError:
            pass
    result["generate"] = {"wall_s": round(time.perf_counter() - w0, 1), "cpu_s": round(cpu_s() - c0, 1),
                          "summaries": len(outs), "stopped": sum(g.stopped for g in outs), "json_valid": valid,
                          **{k: round(v, 3) for k, v in gen.stats.metrics().items()},
                          "sample": outs[0].output[:300] if outs else ""}
    emit_json(result, args.json)


if __name__ == "__main__":
    main()
