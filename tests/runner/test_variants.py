"""Variant plug-ins: registry loading, the template's raw output, predictions-file replay and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.evaluate import CostFigures
from harness.runner.gate import _ScratchContext
from harness.runner.golden import load_golden
from harness.runner.variants import VARIANTS
from harness.runner.variants.loading import load_variants
from harness.runner.variants.predictions import PredictionsConfig, PredictionsVariant
from harness.runner.variants.template import TemplateConfig, TemplateVariant


def test_load_variants__registers_builtins() -> None:
    missing = load_variants()
    assert {"template", "predictions"} <= set(VARIANTS.names())
    assert "hf" in VARIANTS or "harness.train.variant" in missing


def test_template__emits_json_with_latency(golden_dir: Path, tmp_path: Path) -> None:
    golden = load_golden(golden_dir)
    preds = list(TemplateVariant(TemplateConfig()).generate(golden.facts, _ScratchContext(tmp_path)))
    assert [p.category_id for p in preds] == [4, 38, 27, 1]
    assert json.loads(preds[0].output)["marketOverviewSummary"].startswith("본 분석의")
    assert all(p.latency_s is not None and p.latency_s >= 0 for p in preds)


def _write_preds(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_predictions__replays_in_golden_order_counting_extras(golden_dir: Path, tmp_path: Path) -> None:
    golden = load_golden(golden_dir)
    rows = [
        {"categoryId": str(f["categoryId"]), "output": f"out {f['categoryId']}"}
        for f in reversed(golden.facts)
    ]
    rows += [
        {"categoryId": 999, "output": "not golden"},
        {"categoryId": 4, "output": "second sample", "latency_s": 1.5},
    ]
    cfg = PredictionsConfig(path=_write_preds(tmp_path / "p.jsonl", rows), model_name="m", tokens_per_s=12.0)
    variant = PredictionsVariant(cfg)
    ctx = _ScratchContext(tmp_path)
    preds = list(variant.generate(golden.facts, ctx))
    assert [p.output for p in preds] == ["out 4", "second sample", "out 38", "out 27", "out 1"]
    assert preds[1].latency_s == 1.5
    assert ctx.params["predictions.ignored_rows"] == 1
    assert variant.cost_metrics() == CostFigures(tokens_per_s=12.0)  # the rest: not measured


def test_predictions__missing_category_is_input_error(golden_dir: Path, tmp_path: Path) -> None:
    golden = load_golden(golden_dir)
    path = _write_preds(tmp_path / "p.jsonl", [{"categoryId": 4, "output": "x"}])
    variant = PredictionsVariant(PredictionsConfig(path=path, model_name="m"))
    with pytest.raises(InputError, match=r"no output for 3 of 4 golden categories \(first: 38\)"):
        list(variant.generate(golden.facts, _ScratchContext(tmp_path)))


def test_predictions__non_string_output_names_row(golden_dir: Path, tmp_path: Path) -> None:
    path = _write_preds(tmp_path / "p.jsonl", [{"categoryId": 4, "output": {"a": 1}}])
    variant = PredictionsVariant(PredictionsConfig(path=path, model_name="m"))
    with pytest.raises(InputError, match="row 1"):
        list(variant.generate(load_golden(golden_dir).facts, _ScratchContext(tmp_path)))


def test_predictions__resumed_subset_does_not_count_done_rows_as_ignored(golden_dir: Path, tmp_path: Path) -> None:
    golden = load_golden(golden_dir)
    rows = [{"categoryId": f["categoryId"], "output": "x"} for f in golden.facts] + [{"categoryId": 999, "output": "y"}]
    variant = PredictionsVariant(PredictionsConfig(path=_write_preds(tmp_path / "p.jsonl", rows), model_name="m"))
    ctx = _ScratchContext(tmp_path)
    variant.prepare(ctx, golden.ids)
    assert len(list(variant.generate(golden.facts[2:], ctx))) == 2
    assert variant.ignored_rows == 1
