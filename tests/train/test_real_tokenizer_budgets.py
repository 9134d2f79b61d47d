"""The presets' SFT data and generation budget on the real Qwen2.5 tokenizer (data/sample).

With the presets' settings (review text on, 100 samples per category) every example used to exceed
2,048 tokens and lose its target's tail and <|im_end|> to TRL's truncation. Here the examples the
builder writes are counted again, independently of the builder, the way TRL counts them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.runner.config import load_experiment
from harness.train.budget import TokenBudget
from harness.train.generate import generation_budget
from harness.train.sft import build_sft_file
from harness.train.sft_io import load_golden_ids
from harness.train.trainer import build_dataset

REPO = Path(__file__).resolve().parents[2]
PRESETS = ("qwen2.5-3b-lora.yaml", "qwen2.5-7b-lora.yaml")


def _preset(name: str):
    return load_experiment(REPO / "experiments" / name).variant


@pytest.fixture(scope="module")
def preset_build(qwen_tokenizer, tmp_path_factory: pytest.TempPathFactory):
    """The 7B preset's SFT file on the sample, built under its own max_length on the real tokenizer."""
    variant = _preset("qwen2.5-7b-lora.yaml")
    sft = variant.train.sft.model_copy(update={"products": str(REPO / "data/sample/products_all.csv"),
                                               "reviews": str(REPO / "data/sample/reviews_all.csv")})  # fmt: skip
    out = tmp_path_factory.mktemp("preset-sft") / "sft.jsonl"
    budget = TokenBudget(qwen_tokenizer, variant.train.trainer.max_length)
    stats = build_sft_file(sft, out, load_golden_ids(REPO / "golden"), progress=False, workers=2, budget=budget)
    return out, stats, variant


def test_presets__same_sft_and_budget_settings() -> None:
    a, b = (_preset(name) for name in PRESETS)
    assert a.train.sft == b.train.sft and a.train.trainer.max_length == b.train.trainer.max_length == 2048
    assert a.generation == b.generation


def test_preset_sft__every_example_fits_with_its_whole_target(preset_build, qwen_tokenizer) -> None:
    out, stats, variant = preset_build
    max_length = variant.train.trainer.max_length
    data = build_dataset(out, qwen_tokenizer, max_length)  # raises if any example is over max_length
    totals = [p + t for p, t in zip(data.prompt_tokens, data.target_tokens, strict=True)]
    assert len(totals) == stats.samples == 1600 and max(totals) <= max_length
    for row in data.dataset:
        ids = qwen_tokenizer(row["prompt"] + row["completion"], add_special_tokens=False)["input_ids"]
        assert ids[-1] == qwen_tokenizer.convert_tokens_to_ids("<|im_end|>")
        summary = json.loads(row["completion"].removesuffix("<|im_end|>"))  # the whole target: it parses
        assert sorted(summary) == ["growthSummary", "marketOverviewSummary"]
    assert data.target_tokens == stats.target_tokens  # the builder's counts are the trainer's


def test_preset_sft__at_least_90_percent_kept(preset_build) -> None:
    _, stats, _ = preset_build
    built_without_limit = stats.samples + stats.dropped_over_budget
    assert stats.samples / built_without_limit >= 0.9
    assert stats.trimmed_examples > 0.9 * stats.samples  # most needed trimming: the real figures, not a no-op


def test_preset_generation_budget__covers_the_longest_target(preset_build) -> None:
    _, stats, _ = preset_build
    longest = max(stats.target_tokens)
    assert 899 <= longest <= 1100  # the template's targets on Qwen2.5's tokenizer (RESULTS.md)
    for name in PRESETS:
        assert generation_budget(_preset(name).generation, longest) >= longest


def test_sft_build_cli__tokenizer_and_max_length(run_cli, qwen_tokenizer_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "sft.jsonl"
    code, stdout, err = run_cli("sft", "build", "--out", str(out), "--samples-per-category", "2", "--workers", "1",
                                "--tokenizer", str(qwen_tokenizer_dir), "--max-length", "2048")  # fmt: skip
    assert code == 0, err
    assert "dropped_over_budget 0" in stdout and "total tokens: min" in stdout
    record = json.loads((tmp_path / "sft.jsonl.build.json").read_text("utf-8"))
    assert record["max_length"] == 2048 and record["token_lengths"]["total"]["max"] <= 2048
    assert record["counts"]["trimmed_examples"] > 0
    code, _, err = run_cli("sft", "build", "--out", str(out), "--max-length", "2048")
    assert code == 2 and "--max-length: needs --tokenizer" in err
