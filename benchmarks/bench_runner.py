"""What one `harness run` costs beyond generating: scoring, MLflow logging, and each per-category view.

The runner is overhead around the variant; on a 2-core CPU box that overhead should stay small next
to a model's generation time. Each mode runs in a fresh temporary SQLite store (migrated once, as
the test fixture does), so store creation is reported separately from the runs.

    python benchmarks/bench_runner.py [--experiment experiments/template_only.yaml] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--experiment", default="experiments/template_only.yaml")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from harness.runner.config import load_experiment
    from harness.runner.gate import evaluate_config
    from harness.runner.golden import load_golden
    from harness.runner.run import run_experiment
    from harness.tracking.store import checkpoint, ensure_store, sqlite_uri

    config = load_experiment(args.experiment)
    golden = load_golden(config.golden)
    evaluate_config(config, golden)  # warm imports and the Korean tokenizer once, outside the timings
    results: dict[str, list[float]] = {"generate+score, no MLflow": []}
    for _ in range(args.repeat):
        start = time.perf_counter()
        evaluate_config(config, golden)
        results["generate+score, no MLflow"].append(time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template" / "mlflow.db"
        start = time.perf_counter()
        ensure_store(sqlite_uri(template))
        checkpoint(template)
        migrate = time.perf_counter() - start
        for mode in ("none", "table", "genai"):
            key = f"harness run, per-row {mode}"
            results[key] = []
            for i in range(args.repeat):
                store = Path(tmp) / f"{mode}{i}"
                store.mkdir()
                shutil.copyfile(template, store / "mlflow.db")
                uri = sqlite_uri(store / "mlflow.db")
                os.environ["MLFLOW_TRACKING_URI"] = uri
                start = time.perf_counter()
                run_experiment(args.experiment, mode="fresh", per_row=mode, uri=uri, log=lambda _m: None)
                results[key].append(time.perf_counter() - start)
    load = os.getloadavg()[0]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"golden categories: {len(golden.facts)}; store creation + migration: {migrate:.1f} s; "
        f"1-min load average {load:.1f}; peak RSS {rss:.0f} MiB"
    )
    print("| step | median s | runs |")
    print("|---|---|---|")
    for key, values in results.items():
        print(f"| {key} | {statistics.median(values):.2f} | {', '.join(f'{v:.2f}' for v in values)} |")


if __name__ == "__main__":
    main()
