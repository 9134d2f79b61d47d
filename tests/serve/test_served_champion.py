"""The verdict served: a template-only suite promoted with ``harness compare --promote``, then
``mlflow models serve -m models:/market-report-summarizer@champion --env-manager local`` on a
free 127.0.0.1 port, answering ``POST /invocations`` as a backend would call it."""

from __future__ import annotations

import json
from pathlib import Path

from harness.runner.run import run_experiment
from harness.writers.template import write_summary
from tests.serve.served import invoke, served

REPO = Path(__file__).resolve().parents[2]
NAME = "market-report-summarizer"


def _golden_facts() -> list[str]:
    return (REPO / "golden" / "facts.jsonl").read_text(encoding="utf-8").splitlines()


def test_promoted_template_only_champion__served_over_http(mlflow_store: str, tmp_path: Path, run_cli) -> None:
    experiment = tmp_path / "template_only.yaml"
    experiment.write_text(json.dumps({"extends": str(REPO / "experiments" / "template_only.yaml"),
                                      "suite": "served", "golden": str(REPO / "golden")}), "utf-8")  # fmt: skip
    run_experiment(experiment, per_row="none")
    code, out, err = run_cli("compare", "--suite", "served", "--promote", "--out-dir", str(tmp_path / "reports"))
    assert code == 0, err
    assert f"promoted: models:/{NAME}@champion = version 1 (template)" in out
    assert f"`models:/{NAME}@champion` is now version 1 (template)" in (tmp_path / "reports" / "decision.md").read_text()

    facts = [_golden_facts()[0], _golden_facts()[12]]
    with served(f"models:/{NAME}@champion", mlflow_store, tmp_path / "serve.log") as url:
        status, body = invoke(url, [{"facts": f} for f in facts])
        assert status == 200, body
        assert [row["source"] for row in body["predictions"]] == ["template", "template"]
        for row, line in zip(body["predictions"], facts, strict=True):
            expected = write_summary(json.loads(line))
            assert (row["marketOverviewSummary"], row["growthSummary"]) == tuple(expected.values())

        status, body = invoke(url, [{"facts": facts[0]}, {"facts": '{"categoryId": 4, "metrics": '}])
        assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"
        assert "row 1: 'facts' is not valid JSON" in body["message"]

        status, body = invoke(url, [{"facts": json.dumps({"categoryId": 4, "categoryName": "x"})}])
        assert status == 400 and "row 0: not valid facts" in body["message"]
