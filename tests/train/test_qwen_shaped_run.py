"""The real GPU preset, end to end on the real vocabulary: the Qwen2.5-shaped tiny model stands in for the
weights (SFT under the preset's token budget, LoRA, explicit constrained decoding, scoring, MLflow)."""

from __future__ import annotations

import json
from pathlib import Path

from mlflow import MlflowClient

from harness.chat_markup import MARKUP_RE
from harness.runner.run import run_experiment

REPO = Path(__file__).resolve().parents[2]


def test_run__qwen_preset_on_the_shaped_model(mlflow_store: str, qwen_shaped_dir: Path, tmp_path: Path) -> None:
    config = {
        "extends": str(REPO / "experiments" / "qwen2.5-3b-lora.yaml"),
        "name": "qwen-shaped-e2e",
        "suite": "shaped",
        "golden": str(REPO / "golden"),
        "variant": {
            "base_model": str(qwen_shaped_dir),
            "display_name": "Qwen2.5-shaped random model (test)",
            "train": {
                "sft": {"products": str(REPO / "data/sample/products_all.csv"),
                        "reviews": str(REPO / "data/sample/reviews_all.csv"),
                        "references": str(REPO / "tests/fixtures/qwen_shaped_refs.jsonl"),
                        "use_review_text": False},  # shorter prompts: CI time (budgets with it: test_real_tokenizer_budgets)
                "trainer": {"max_steps": 1, "batch_size": 1, "grad_accum": 1, "save_steps": 1, "logging_steps": 1},
            },
            # max_new_tokens unset, as in the preset: the longest target (145 tokens) + 10%; the cap's
            # worst case (4 characters a string: 84 tokens) fits it, so every output must close.
            "generation": {"batch_size": 8, "constrained": True, "constrained_max_chars": 4, "use_review_text": False},
        },
    }  # fmt: skip
    path = tmp_path / "qwen-shaped.yaml"
    path.write_text(json.dumps(config), "utf-8")
    result = run_experiment(path, per_row="table")
    run = MlflowClient(mlflow_store).get_run(result.run_id)
    params, metrics = run.data.params, run.data.metrics
    assert run.info.status == "FINISHED"
    assert params["sft.samples"] == "3" and int(params["sft.total_tokens_max"]) <= 2048
    assert params["generation.repetition_penalty"] == "1.0" and params["generation.do_sample"] == "False"
    assert params["generation.max_new_tokens"] == "160" and params["generation.constrained"] == "True"
    assert metrics["json_valid_rate"] == 1.0 and metrics["special_token_leak_rate"] == 0.0
    assert metrics["stopped_rate"] == 1.0 and metrics["length_cut_rate"] == 0.0
    meta = json.loads((Path(run.data.tags["adapter"]) / "training_metadata.json").read_text("utf-8"))
    assert meta["token_lengths"]["total"]["max"] <= 2048 and meta["sft_build"]["max_length"] == 2048
    predictions = result.folder / "predictions.jsonl"
    for line in predictions.read_text("utf-8").splitlines():
        assert not MARKUP_RE.search(json.loads(line)["output"])
