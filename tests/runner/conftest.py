"""Runner test helpers: a tiny golden set from the real reference facts and stand-in stages.

The runner's own logic (resume, kill handling, logging) is tested against small fakes of the
template writer and the scorer, so these tests stay fast and fail only for the runner's reasons;
tests marked ``real_stages`` use the real writer and metrics.
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import harness.evaluate
from harness.registry import Registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass(frozen=True)
class FakeMetric:
    name: str
    higher_is_better: bool
    kind: str


@dataclass
class FakeReport:
    rows: list[dict[str, Any]]
    aggregate: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"rows": self.rows, "aggregate": self.aggregate}, ensure_ascii=False)


def fake_score_predictions(
    facts_by_id: dict[str, Any], predictions: list[dict[str, Any]], references: Any = None
) -> FakeReport:
    """json_valid: parses as an object; disclaimer: mentions 대리 지표; numeric_fidelity: review count present."""
    rows = []
    for pred in predictions:
        key = str(pred["categoryId"])
        try:
            obj = json.loads(pred["output"])
            valid = isinstance(obj, dict)
        except json.JSONDecodeError:
            valid = False
        total = facts_by_id[key]["metrics"]["totalReviewCount"]
        rows.append(
            {
                "categoryId": pred["categoryId"],
                "json_valid": valid,
                "disclaimer": "대리 지표" in pred["output"],
                "numeric_fidelity": 1.0 if f"{total:,}" in pred["output"] else 0.0,
                "unsupported_numbers": [],
            }
        )
    n = len(rows) or 1
    aggregate = {
        "json_valid_rate": sum(r["json_valid"] for r in rows) / n,
        "disclaimer_rate": sum(r["disclaimer"] for r in rows) / n,
        "numeric_fidelity": sum(r["numeric_fidelity"] for r in rows) / n,
    }
    return FakeReport(rows, aggregate)


def fake_write_summary(facts: dict[str, Any]) -> dict[str, str]:
    total = facts["metrics"]["totalReviewCount"]
    return {
        "marketOverviewSummary": f"본 분석은 리뷰 수를 판매의 대리 지표로 사용합니다. 리뷰는 {total:,}건입니다.",
        "growthSummary": "성장률 역시 리뷰 수 기반의 대리 지표입니다.",
    }


@pytest.fixture
def fake_stages(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Replaces the template writer and the scorer with the fakes above; returns the fake writer module."""
    metrics: Registry[FakeMetric] = Registry("metric")
    for name, higher, kind in (
        ("json_valid", True, "bool"),
        ("disclaimer", True, "bool"),
        ("numeric_fidelity", True, "float"),
    ):
        metrics.add(name, FakeMetric(name, higher, kind))
    monkeypatch.setattr(harness.evaluate, "METRICS", metrics, raising=False)
    monkeypatch.setattr(harness.evaluate, "score_predictions", fake_score_predictions, raising=False)
    writer = types.ModuleType("harness.writers.template")
    writer.write_summary = fake_write_summary  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "harness.writers.template", writer)
    return writer


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
