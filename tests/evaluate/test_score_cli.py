"""``harness score`` end to end: files in, scores.json and a table out, exit 2 on bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from harness.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _write(path: Path, rows: list[dict[str, Any]] | str) -> Path:
    text = rows if isinstance(rows, str) else "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return path


def test_score_cli__writes_scores_and_prints_table(tmp_path: Path, hand_summary: dict[str, str]) -> None:
    preds = _write(tmp_path / "p.jsonl", [{"categoryId": 4, "output": json.dumps(hand_summary, ensure_ascii=False)},
                                         {"categoryId": 4, "output": "잘못된 출력"}])
    refs = _write(tmp_path / "r.jsonl", [{"categoryId": 4, **hand_summary}])
    out = tmp_path / "s" / "scores.json"
    result = CliRunner().invoke(app, ["score", "--facts", str(FIXTURES / "reference_facts.jsonl"), "--allow-partial",
                                      "--predictions", str(preds), "--references", str(refs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    scores = json.loads(out.read_text("utf-8"))
    assert len(scores["rows"]) == 2 and scores["aggregate"]["json_valid_rate"] == 0.5
    assert scores["rows"][0]["rougeL_f"] == 1.0
    assert "json_valid_rate" in result.output and "numeric_fidelity" in result.output
    assert scores["aggregate"]["categories_without_output"] == 3 and scores["aggregate"]["rows_repeating_a_category"] == 1


def test_score_cli__repeated_or_missing_categories_exit_2_unless_allowed(
    tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    """Issue 13: a repeated id counted twice in the averages, and partial coverage passed, silently."""
    facts = str(FIXTURES / "reference_facts.jsonl")
    ids = [json.loads(line)["categoryId"] for line in (FIXTURES / "reference_facts.jsonl").read_text("utf-8").splitlines()]
    rows = [{"categoryId": cid, "output": "x"} for cid in ids]
    cases = {
        "repeated": (rows + [{"categoryId": str(ids[0]), "output": "y"}], f"categoryId {ids[0]} appears 2 times (lines 1, 5)"),
        "missing": (rows[:2], f"predictions cover 2 of 4 facts categories (no output for {ids[2]}, {ids[3]})"),
    }
    for name, (preds_rows, expected) in cases.items():
        preds = _write(tmp_path / f"{name}.jsonl", preds_rows)
        out = tmp_path / f"{name}.json"
        code, _, err = run_cli("score", "--facts", facts, "--predictions", str(preds), "--out", str(out))
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and expected in lines[0] and "--allow-partial" in lines[0], (name, lines)
        assert not out.exists()
        code, _, err = run_cli("score", "--facts", facts, "--predictions", str(preds), "--out", str(out), "--allow-partial")
        assert code == 0, err
        assert json.loads(out.read_text("utf-8"))["aggregate"]["n_rows"] == len(preds_rows)
    full = _write(tmp_path / "full.jsonl", rows)
    code, _, err = run_cli("score", "--facts", facts, "--predictions", str(full), "--out", str(tmp_path / "f.json"))
    assert code == 0, err


def test_score_cli__bad_inputs_exit_2_with_one_line(tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    facts = str(FIXTURES / "reference_facts.jsonl")
    good = json.dumps({"categoryId": 4, "output": "x"})
    cases = {
        "malformed": (f"{good}\n\n{{not json\n", "line 3: malformed JSON"),
        "unknown": (f"{good}\n" + json.dumps({"categoryId": 12345, "output": "x"}) + "\n", "line 2: unknown categoryId 12345"),
        "missing": (json.dumps({"categoryId": 4}) + "\n", "line 1: missing field 'output'"),
    }
    for name, (text, expected) in cases.items():
        preds = _write(tmp_path / f"{name}.jsonl", text)
        code, _, err = run_cli("score", "--facts", facts, "--predictions", str(preds), "--out", str(tmp_path / "s.json"))
        assert code == 2, (name, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and str(preds) in lines[0], (name, lines)
        assert not (tmp_path / "s.json").exists()
