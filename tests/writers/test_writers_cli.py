"""``harness summarize`` and ``harness report`` through the real entry point (exit 2 on bad input)."""

from __future__ import annotations

import json
from pathlib import Path

from writers_facts import VARIANTS, reference_facts

from harness.writers.contract import is_valid_summary
from harness.writers.template import write_summary


def write_facts(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "facts.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_summarize__writes_one_prediction_per_category(tmp_path, run_cli):
    rows = reference_facts() + [VARIANTS["no_reviews"]]
    out = tmp_path / "pred.jsonl"
    status, stdout, _ = run_cli("summarize", "--facts", str(write_facts(tmp_path, rows)),
                                "--variant", "template", "--out", str(out))
    assert status == 0 and "wrote 5 predictions" in stdout
    preds = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [p["categoryId"] for p in preds] == [r["categoryId"] for r in rows]
    for pred, facts in zip(preds, rows, strict=True):
        assert set(pred) == {"categoryId", "output"}
        assert json.loads(pred["output"]) == write_summary(facts)
        assert is_valid_summary(json.loads(pred["output"]))


def test_summarize__unknown_variant_suggests_the_closest(tmp_path, run_cli):
    status, _, err = run_cli("summarize", "--facts", str(write_facts(tmp_path, reference_facts())),
                             "--variant", "templte", "--out", str(tmp_path / "p.jsonl"))
    assert status == 2 and "did you mean 'template'" in one_error_line(err)


def test_summarize__unreadable_facts_name_record_and_field(tmp_path, run_cli):
    rows = reference_facts()
    rows[2]["metrics"]["lowRatingRatio"] = "low"
    path = write_facts(tmp_path, rows)
    status, _, err = run_cli("summarize", "--facts", str(path), "--out", str(tmp_path / "p.jsonl"))
    line = one_error_line(err)
    assert status == 2 and line.startswith(f"error: {path}: record 3 (categoryId 27)")
    assert "metrics.lowRatingRatio" in line and "expected a finite number" in line


def test_summarize__malformed_jsonl_and_missing_id(tmp_path, run_cli):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"categoryId": 1}\n{not json\n', encoding="utf-8")
    status, _, err = run_cli("summarize", "--facts", str(path), "--out", str(tmp_path / "p.jsonl"))
    assert status == 2 and "line 2" in one_error_line(err)
    path.write_text('{"categoryName": "x"}\n', encoding="utf-8")
    status, _, err = run_cli("summarize", "--facts", str(path), "--out", str(tmp_path / "p.jsonl"))
    assert status == 2 and "missing field 'categoryId'" in one_error_line(err)


def test_report__by_id_and_by_unique_name(tmp_path, run_cli):
    facts = write_facts(tmp_path, reference_facts())
    out = tmp_path / "r.json"
    status, stdout, _ = run_cli("report", "--facts", str(facts), "--category-id", "4", "--out", str(out))
    assert status == 0 and "source template" in stdout
    assert json.loads(out.read_text("utf-8"))["categoryName"] == "그림/동화/놀이책"
    status, _, _ = run_cli("report", "--facts", str(facts), "--category-name", "이유식용품",
                           "--out", str(out))
    assert status == 0 and json.loads(out.read_text("utf-8"))["categoryId"] == 1


def test_report__ambiguous_or_unknown_category(tmp_path, run_cli):
    facts = write_facts(tmp_path, reference_facts())
    status, _, err = run_cli("report", "--facts", str(facts), "--category-name",
                             "신생아/영유아완구", "--out", str(tmp_path / "r.json"))
    assert status == 2 and "matches 2 categories (categoryId 38, 27)" in one_error_line(err)
    status, _, err = run_cli("report", "--facts", str(facts), "--category-id", "77",
                             "--out", str(tmp_path / "r.json"))
    assert status == 2 and "no category with categoryId '77'" in one_error_line(err)
    status, _, err = run_cli("report", "--facts", str(facts), "--out", str(tmp_path / "r.json"))
    assert status == 2 and "exactly one of --category-id and --category-name" in one_error_line(err)


def test_report__with_model_predictions(tmp_path, run_cli):
    facts = write_facts(tmp_path, reference_facts())
    preds = tmp_path / "pred.jsonl"
    summary = write_summary(reference_facts()[1])
    preds.write_text(json.dumps({"categoryId": "38", "output": json.dumps(summary, ensure_ascii=False) + "<|im_end|>"},
                                ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "r.json"
    status, stdout, _ = run_cli("report", "--facts", str(facts), "--category-id", "38",
                                "--predictions", str(preds), "--model-name", "qwen2.5-3b-lora", "--out", str(out))
    report = json.loads(out.read_text("utf-8"))
    assert status == 0 and "source model qwen2.5-3b-lora" in stdout
    assert report["source"]["model"] == "qwen2.5-3b-lora" and report["summaries"] == summary
    status, _, err = run_cli("report", "--facts", str(facts), "--category-id", "4",
                             "--predictions", str(preds), "--model-name", "m", "--out", str(out))
    assert status == 2 and "no prediction for categoryId 4" in one_error_line(err)
    status, _, err = run_cli("report", "--facts", str(facts), "--category-id", "38",
                             "--predictions", str(preds), "--out", str(out))
    assert status == 2 and "--predictions needs --model-name" in one_error_line(err)
