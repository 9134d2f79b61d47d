"""Runner test helpers: a tiny golden set from the real reference facts and stand-in stages.

The runner's own logic (resume, kill handling, logging) is tested against a fake template writer
and three fake metrics, injected through :class:`harness.runner.stages.Stages`, so these tests stay
fast and fail only for the runner's reasons; tests without ``fake_stages`` use the real ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from harness.evaluate import MetricRegistry, RowInputs
from harness.registry import Registry
from harness.runner.stages import Stages
from harness.runner.variants import Variant
from harness.runner.variants.predictions import PredictionsVariant
from harness.runner.variants.template import TemplateVariant

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fake_metrics() -> MetricRegistry:
    """json_valid: parses as an object; disclaimer: mentions 대리 지표; numeric_fidelity: review count present."""
    metrics = MetricRegistry()

    @metrics.metric("json_valid", higher_is_better=True, kind="bool", needs=["raw"])
    def json_valid(row: RowInputs) -> bool:
        """Parses as a JSON object."""
        try:
            return isinstance(json.loads(row.raw), dict)
        except json.JSONDecodeError:
            return False

    @metrics.metric("disclaimer", higher_is_better=True, kind="bool", needs=["raw"])
    def disclaimer(row: RowInputs) -> bool:
        """Mentions 대리 지표."""
        return "대리 지표" in row.raw

    @metrics.metric("numeric_fidelity", higher_is_better=True, kind="float", needs=["raw", "facts"])
    def numeric_fidelity(row: RowInputs) -> float:
        """The review count appears."""
        return 1.0 if f"{row.facts['metrics']['totalReviewCount']:,}" in row.raw else 0.0

    return metrics


def fake_write_summary(facts: dict[str, Any]) -> dict[str, str]:
    total = facts["metrics"]["totalReviewCount"]
    return {
        "marketOverviewSummary": f"본 분석은 리뷰 수를 판매의 대리 지표로 사용합니다. 리뷰는 {total:,}건입니다.",
        "growthSummary": "성장률 역시 리뷰 수 기반의 대리 지표입니다.",
    }


class FakeStages:
    """The stages the runner tests inject; ``write_summary`` may be swapped mid-test."""

    def __init__(self, write_summary: Callable[[dict[str, Any]], dict[str, str]] = fake_write_summary) -> None:
        self.write_summary = write_summary
        owner = self

        class FakeTemplate(TemplateVariant):
            kind: ClassVar[str] = "template"

            def write(self, facts: dict[str, Any]) -> dict[str, str]:
                return owner.write_summary(facts)

        variants: Registry[type[Variant]] = Registry("variant")
        variants.add("template", FakeTemplate)
        variants.add("predictions", PredictionsVariant)
        self.stages = Stages(variants=variants, metrics=fake_metrics())


@pytest.fixture
def fake_stages() -> FakeStages:
    """A fake template writer and fake metrics for the runner; pass ``fake_stages.stages`` to it."""
    return FakeStages()


@pytest.fixture
def golden_dir(tmp_path: Path) -> Path:
    """A four-category golden set (the real reference facts) with short references and a MANIFEST."""
    folder = tmp_path / "golden"
    folder.mkdir()
    facts = [
        json.loads(line)
        for line in (FIXTURES / "reference_facts.jsonl").read_text("utf-8").splitlines()
        if line
    ]
    (folder / "facts.jsonl").write_text(
        "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in facts), "utf-8"
    )
    refs = [{"categoryId": f["categoryId"], "marketOverviewSummary": "리뷰 수는 대리 지표입니다.", "growthSummary": "성장."}
            for f in facts]  # fmt: skip
    (folder / "references.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in refs), "utf-8"
    )
    (folder / "MANIFEST").write_text("version: test-1\ncommand: fixture\nchangelog: []\n", "utf-8")
    return folder


def write_experiment(folder: Path, name: str, golden: Path, variant: dict[str, Any], **extra: Any) -> Path:
    """Writes an experiment YAML (JSON is valid YAML) and returns its path."""
    data = {
        "name": name,
        "suite": "t",
        "role": "template",
        "golden": str(golden),
        "variant": variant,
        **extra,
    }
    path = folder / f"{name}.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def tiny_hf_experiment(folder: Path, name: str, suite: str, golden: Path | None = None) -> Path:
    """The cpu-small preset on a 3-step stand-in base and a 2-step LoRA over ``golden`` (default:
    the real golden set): the cheapest real ``hf`` run (slow tests). Returns the experiment file."""
    repo = Path(__file__).resolve().parents[2]
    config = {
        "extends": str(repo / "experiments" / "cpu-small.yaml"),
        "name": name,
        "suite": suite,
        "golden": str(golden or repo / "golden"),
        "variant": {
            "base_model": str(folder / "tiny-small"),
            "tiny_pretrain_steps": 3,
            "train": {
                "sft": {"samples_per_category": 1},
                "trainer": {"max_steps": 2, "save_steps": 1, "logging_steps": 1},
            },
        },
    }
    path = folder / f"{name}.yaml"
    path.write_text(json.dumps(config), "utf-8")
    return path

