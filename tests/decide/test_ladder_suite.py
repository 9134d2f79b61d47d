"""Done-when: a four-candidate ladder, run as a suite of predictions-file variants with canned
outputs, goes through `harness suite`, MLflow and `harness compare` to a report and a verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from decide_runs import make_rules, write_rules
from typer.testing import CliRunner

from harness.cli import app
from harness.decide.browser_check import DEFAULT_CHROMIUM, check_report
from harness.decide.compare import run_compare
from harness.runner.golden import load_golden
from harness.writers.template import write_summary

REPO = Path(__file__).resolve().parents[2]
LADDER = [("xs", "Qwen2.5-0.5B"), ("s", "Qwen2.5-1.5B"), ("m", "Qwen2.5-3B"), ("l", "Qwen2.5-7B")]


def _canned(golden_dir: Path) -> dict[str, list[dict[str, object]]]:
    """xs leaks Han characters; s writes the template's text; m and l write the two hand-written reference sets."""
    golden = load_golden(golden_dir)
    sets: list[dict[str, dict[str, str]]] = [{}, {}]
    for ref in golden.reference_rows:  # set A's rows come first, then set B's
        key = str(ref["categoryId"])
        target = sets[0] if key not in sets[0] else sets[1]
        target[key] = {k: ref[k] for k in ("marketOverviewSummary", "growthSummary")}
    outputs: dict[str, list[dict[str, object]]] = {"xs": [], "s": [], "m": [], "l": []}
    for facts in golden.facts:
        cid, key = facts["categoryId"], str(facts["categoryId"])
        template = write_summary(facts)
        leaked = {**template, "growthSummary": template["growthSummary"] + " 市场"}
        for role, summary in (("xs", leaked), ("s", template), ("m", sets[0][key]), ("l", sets[1][key])):
            outputs[role].append({"categoryId": cid, "output": json.dumps(summary, ensure_ascii=False)})
    return outputs


def _experiments(folder: Path, golden_dir: Path) -> None:
    folder.mkdir()
    (folder / "template.yaml").write_text(json.dumps(
        {"name": "template", "suite": "ladder", "role": "template", "golden": str(golden_dir),
         "variant": {"kind": "template"}}), "utf-8")  # fmt: skip
    for role, rows in _canned(golden_dir).items():
        preds = folder / f"{role}.jsonl"
        preds.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        experiment = {"name": f"cand-{role}", "suite": "ladder", "role": role, "golden": str(golden_dir),
                      "variant": {"kind": "predictions", "path": str(preds), "model_name": f"canned {role}"}}
        (folder / f"cand-{role}.yaml").write_text(json.dumps(experiment, ensure_ascii=False), "utf-8")


def test_four_candidate_ladder__suite_report_and_verdict(mlflow_store: str, tmp_path: Path) -> None:
    experiments = tmp_path / "experiments"
    _experiments(experiments, REPO / "golden")
    result = CliRunner().invoke(app, ["suite", "ladder", "--experiments", str(experiments), "--per-row", "none"])
    assert result.exit_code == 0, result.output
    rules = make_rules(ladder=LADDER, quality={"metrics": ["rougeL_f"], "win_share": 0.5, "tie_tolerance": 0.0,
                                               "min_categories": 10})  # fmt: skip
    out = tmp_path / "reports"
    compared = run_compare("ladder", write_rules(tmp_path / "rules.yaml", rules), out, tracking_uri=mlflow_store)

    decision = compared.decision
    assert (decision.verdict, decision.chosen, decision.stepped_down) == ("fall_back_m", "m", ("l",))
    assert decision.reason == "L minus m is within noise on the quality metrics."
    assert not decision.candidates["xs"].floor_ok and not decision.candidates["s"].beats_template
    assert decision.candidates["m"].beats_template and decision.candidates["l"].beats_template
    md = (out / "decision.md").read_text(encoding="utf-8")
    assert md.startswith("**Verdict: fall back to the m model (canned m). L minus m is within noise")
    assert "| l | yes | holds | holds | fits | within noise over m | stepped down from |" in md
    numbers = json.loads((out / "decision.json").read_text(encoding="utf-8"))
    assert numbers["ladder"] == ["xs", "s", "m", "l"] and numbers["chosen"] == "m"
    assert set(compared.guarded) == {"xs", "s", "m", "l"} and compared.guarded["xs"].fallbacks == 16
    assert compared.decision_run_id is not None
    if Path(DEFAULT_CHROMIUM).exists():  # the report stays readable with nine variants in its plots
        check = check_report(out / "decision.html", tmp_path / "shot.png")
        assert check.problems == [] and check.plots_rendered == 4  # metrics, wins, calibration, cost
    else:
        pytest.skip(f"rendering check needs {DEFAULT_CHROMIUM}")
