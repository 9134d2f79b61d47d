"""``harness compare --promote``: every candidate a registry version, the verdict the ``champion`` alias."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pytest
from decide_runs import Recorder, RunSpec
from mlflow import MlflowClient

from harness.decide.compare import run_compare
from harness.errors import InputError
from harness.serve.config import ModelSection
from harness.tracking.logged_models import fetch_model
from harness.tracking.model_registry import CHAMPION, PREVIOUS, alias_version
from harness.train.logged_adapter import log_run_adapter

NAME = "market-report-summarizer"
TEMPLATE_ONLY = (RunSpec("template"), RunSpec("large", shift=2.0, bad_rows={"numeric_fidelity": 3}))
KEEP_LARGE = (RunSpec("template"), RunSpec("large", shift=2.0))


def _log_adapter(run_id: str, tmp: Path) -> None:
    """What the hf variant logs after training (files that nothing here loads: promotion only copies)."""
    adapter = tmp / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text('{"r": 16}', "utf-8")
    (adapter / "adapter_model.safetensors").write_bytes(b"weights")
    (adapter / "training_metadata.json").write_text(json.dumps({"data_sha256": "abc", "lora": {"r": 16}}), "utf-8")
    section = ModelSection(base_model="Qwen/Qwen2.5-7B-Instruct", base_revision="a" * 40, model_name="tiny-qwen2-large")
    with mlflow.start_run(run_id=run_id):
        log_run_adapter(adapter, section)


def test_promote__template_only_suite_crowns_the_template(
    record_suite: Recorder, mlflow_store: str, tmp_path: Path, rules_file: Path
) -> None:
    ids = record_suite(*TEMPLATE_ONLY)
    result = run_compare("cpu", rules_file, tmp_path / "r", tracking_uri=mlflow_store, promote=True)
    assert result.decision.verdict == "template_only" and result.promotion is not None
    promotion = result.promotion
    assert [v.candidate for v in promotion.versions] == ["template"]  # large logged no adapter: noted
    assert "large not registered" in promotion.notes[0] and "logged no adapter" in promotion.notes[0]
    assert (promotion.champion, promotion.previous) == ("1", None) and alias_version(NAME, CHAMPION) == "1"
    version = MlflowClient(mlflow_store).get_model_version(NAME, "1")
    assert version.tags == {
        "candidate": "template", "model_name": "template", "stand_in": "false", "verdict": "template_only",
        "suite": "cpu", "decision_run_id": result.decision_run_id, "source_run_id": ids["template"],
        "chosen": "true", "fallback_rate": "1.0000",
    }  # fmt: skip
    assert version.run_id == result.decision_run_id
    decision_run = MlflowClient(mlflow_store).get_run(result.decision_run_id)
    assert decision_run.info.status == "FINISHED"
    md = (tmp_path / "r" / "decision.md").read_text(encoding="utf-8")
    assert f"## Promoted to the model registry ({NAME})" in md
    assert f"`models:/{NAME}@champion` is now version 1 (template)" in md
    numbers = json.loads((tmp_path / "r" / "decision.json").read_text(encoding="utf-8"))
    assert numbers["promotion"]["champion"] == {"alias": "champion", "version": "1", "candidate": "template"}


def test_promote__a_kept_model_becomes_champion_and_the_old_one_previous(
    record_suite: Recorder, mlflow_store: str, tmp_path: Path, rules_file: Path
) -> None:
    record_suite(*TEMPLATE_ONLY, suite="before")
    run_compare("before", rules_file, tmp_path / "a", tracking_uri=mlflow_store, promote=True)
    ids = record_suite(*KEEP_LARGE, suite="after")
    _log_adapter(ids["large"], tmp_path)
    result = run_compare("after", rules_file, tmp_path / "b", tracking_uri=mlflow_store, promote=True)
    assert result.decision.verdict == "keep_large" and result.promotion is not None
    promotion = result.promotion
    assert [(v.candidate, v.version) for v in promotion.versions] == [("template", "3"), ("large", "2")]
    assert (alias_version(NAME, CHAMPION), alias_version(NAME, PREVIOUS)) == ("2", "1")
    client = MlflowClient(mlflow_store)
    tags = client.get_model_version(NAME, "2").tags
    assert (tags["candidate"], tags["verdict"], tags["chosen"]) == ("large", "keep_large", "true")
    assert float(tags["fallback_rate"]) == result.guarded["large"].fallback_rate
    assert client.get_model_version(NAME, "3").tags["chosen"] == "false"
    local = fetch_model(f"models:/{NAME}@champion", tmp_path / "dl")
    assert local.config["model"]["base_revision"] == "a" * 40  # the run's base, with the compare's guard
    assert local.config["guard"]["min"] == {"numeric_fidelity": 1.0}
    assert local.adapter_dir is not None and (local.adapter_dir / "adapter_model.safetensors").read_bytes() == b"weights"
    md = (tmp_path / "b" / "decision.md").read_text(encoding="utf-8")
    assert f"`models:/{NAME}@champion` is now version 2 (large); `@previous` is version 1" in md


def test_promote__a_kept_model_without_adapter_moves_no_alias(
    record_suite: Recorder, mlflow_store: str, tmp_path: Path, rules_file: Path
) -> None:
    record_suite(*KEEP_LARGE)
    with pytest.raises(InputError, match="logged no adapter"):
        run_compare("cpu", rules_file, tmp_path, tracking_uri=mlflow_store, promote=True)
    assert alias_version(NAME, CHAMPION) is None
    runs = MlflowClient(mlflow_store).search_runs(["0"], "tags.role = 'decision'")
    assert [r.info.status for r in runs] == ["FAILED"]


def test_promote__needs_the_decision_run(mlflow_store: str, rules_file: Path, run_cli) -> None:
    code, _, err = run_cli("compare", "--rules", str(rules_file), "--promote", "--no-log-run")
    assert code == 2 and "--promote" in err and len(err.strip().splitlines()) == 1
