"""``harness run``: one complete MLflow run per experiment, honest statuses, resume and fresh."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mlflow import MlflowClient

from harness.errors import InputError, Stopped
from harness.runner.run import run_experiment
from tests.runner.conftest import FakeStages, write_experiment

ARTIFACTS = {"predictions.jsonl", "normalized.jsonl", "scores.json", "facts.jsonl", "config.yaml"}


def _artifact_text(client: MlflowClient, run_id: str, name: str, tmp: Path) -> str:
    return Path(client.download_artifacts(run_id, name, str(tmp))).read_text("utf-8")


def test_run__template_logs_metrics_params_tags_artifacts(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path = write_experiment(tmp_path, "tmpl", golden_dir, {"kind": "template"})
    result = run_experiment(path, per_row="none", stages=fake_stages.stages)
    client = MlflowClient(mlflow_store)
    run = client.get_run(result.run_id)
    assert run.info.status == "FINISHED"
    assert {"json_valid_rate", "disclaimer_rate", "numeric_fidelity", "latency_s_per_summary"} <= set(run.data.metrics)
    assert run.data.metrics["json_valid_rate"] == 1.0 and run.data.metrics["numeric_fidelity"] == 1.0
    assert run.data.metrics["train_time_s"] == 0.0  # it trains nothing: a measured zero
    # No tokens, no GPU: not measured, so not logged (never a 0 that passes every budget).
    assert "tokens_per_s" not in run.data.metrics and "peak_gpu_mem_gb" not in run.data.metrics
    tags = run.data.tags
    assert (tags["suite"], tags["role"], tags["variant"], tags["model_name"], tags["stand_in"]) == (
        "t", "template", "template", "template", "false")  # fmt: skip
    assert tags["hardware"] and tags["git_commit"]
    params = run.data.params
    assert params["golden_version"] == "test-1" and params["golden_categories"] == "4"
    assert len(params["data_hash"]) == 16 and params["pkg.mlflow"] != "absent"
    assert {a.path for a in client.list_artifacts(result.run_id)} >= ARTIFACTS
    preds = [
        json.loads(x)
        for x in _artifact_text(client, result.run_id, "predictions.jsonl", tmp_path).splitlines()
    ]
    assert [p["categoryId"] for p in preds] == [4, 38, 27, 1] and set(preds[0]) == {"categoryId", "output"}
    scores = json.loads(_artifact_text(client, result.run_id, "scores.json", tmp_path))
    assert len(scores["rows"]) == 4 and scores["aggregate"]["json_valid_rate"] == 1.0
    assert client.get_experiment(result.experiment_id).name == "t"


def _interrupt_after(writer: FakeStages, n: int, exc: BaseException) -> list[Any]:
    calls: list[Any] = []
    real = writer.write_summary

    def flaky(facts: dict[str, Any]) -> dict[str, str]:
        calls.append(facts["categoryId"])
        if len(calls) > n:
            raise exc
        return real(facts)

    writer.write_summary = flaky
    return calls


def _interrupted_template_run(
    fake_stages: FakeStages, golden_dir: Path, tmp_path: Path, after: int, exc: BaseException
) -> Path:
    """A template experiment whose run stops with ``exc`` after ``after`` categories; its file."""
    path = write_experiment(tmp_path, "tmpl", golden_dir, {"kind": "template"})
    _interrupt_after(fake_stages, after, exc)
    with pytest.raises(Stopped if isinstance(exc, KeyboardInterrupt) else type(exc)):  # Ctrl-C: the one-line stop
        run_experiment(path, per_row="none", stages=fake_stages.stages)
    return path


def test_run__interrupt_is_killed_keeps_rows_and_resumes(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    real = fake_stages.write_summary
    path = _interrupted_template_run(fake_stages, golden_dir, tmp_path, 2, KeyboardInterrupt())
    client = MlflowClient(mlflow_store)
    [killed] = client.search_runs([client.get_experiment_by_name("t").experiment_id])
    assert killed.info.status == "KILLED"
    kept = _artifact_text(client, killed.info.run_id, "predictions.jsonl", tmp_path).splitlines()
    assert len(kept) == 2  # what it wrote before the kill is in MLflow, not only on disk

    with pytest.raises(InputError, match="pass --resume or --fresh"):
        run_experiment(path, per_row="none", stages=fake_stages.stages)

    fake_stages.write_summary = real
    calls = _interrupt_after(fake_stages, 99, RuntimeError())
    result = run_experiment(path, mode="resume", per_row="none", stages=fake_stages.stages)
    assert result.resumed and result.run_id == killed.info.run_id
    assert calls == [27, 1]  # only the categories not yet predicted
    run = client.get_run(result.run_id)
    assert run.info.status == "FINISHED" and run.data.metrics["json_valid_rate"] == 1.0
    preds = _artifact_text(client, result.run_id, "predictions.jsonl", tmp_path).splitlines()
    assert [json.loads(p)["categoryId"] for p in preds] == [4, 38, 27, 1]


def test_run__exception_is_failed_and_fresh_starts_over(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    real = fake_stages.write_summary
    path = _interrupted_template_run(fake_stages, golden_dir, tmp_path, 1, RuntimeError("boom"))
    fake_stages.write_summary = real
    calls = _interrupt_after(fake_stages, 99, RuntimeError())
    result = run_experiment(path, mode="fresh", per_row="none", stages=fake_stages.stages)
    assert not result.resumed and len(calls) == 4
    client = MlflowClient(mlflow_store)
    statuses = sorted(r.info.status for r in client.search_runs([result.experiment_id]))
    assert statuses == ["FAILED", "FINISHED"]


def test_run__resume_after_torn_line_drops_it(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path = _interrupted_template_run(fake_stages, golden_dir, tmp_path, 1, KeyboardInterrupt())
    preds = next(Path(mlflow_store.removeprefix("sqlite:///")).parent.glob("work/t/tmpl/predictions.jsonl"))
    with preds.open("a", encoding="utf-8") as handle:
        handle.write('{"categoryId": 38, "output": "{\\"market')  # a write cut off by SIGKILL
    fake_stages.write_summary = lambda facts: {"marketOverviewSummary": "대리 지표", "growthSummary": "x"}
    result = run_experiment(path, mode="resume", per_row="none", stages=fake_stages.stages)
    rows = [json.loads(x) for x in preds.read_text("utf-8").splitlines()]
    assert [r["categoryId"] for r in rows] == [4, 38, 27, 1]
    assert result.metrics["json_valid_rate"] == 1.0


def test_run__resume_refuses_changed_config(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path = _interrupted_template_run(fake_stages, golden_dir, tmp_path, 1, KeyboardInterrupt())
    write_experiment(tmp_path, "tmpl", golden_dir, {"kind": "template"}, description="changed")
    with pytest.raises(InputError, match="config changed"):
        run_experiment(path, mode="resume", per_row="none", stages=fake_stages.stages)


def test_run__secrets_are_masked(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    token_dir = tmp_path / "hf_AbCdEfGhIjKlMnOp1234"
    token_dir.mkdir()
    facts = [json.loads(x) for x in (golden_dir / "facts.jsonl").read_text("utf-8").splitlines()]
    rows = [{"categoryId": f["categoryId"], "output": json.dumps(fake_stages.write_summary(f), ensure_ascii=False)}
            for f in facts]  # fmt: skip
    pred_file = token_dir / "preds.jsonl"
    pred_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    variant = {
        "kind": "predictions",
        "path": str(pred_file),
        "model_name": "https://bob:s3cr3tT0ken@hub.example/m?token=zzz999",
    }
    path = write_experiment(tmp_path, "preds", golden_dir, variant, role="small")
    result = run_experiment(path, per_row="none", stages=fake_stages.stages)
    client = MlflowClient(mlflow_store)
    run = client.get_run(result.run_id)
    logged = json.dumps([run.data.params, run.data.tags])
    logged += _artifact_text(client, result.run_id, "config.yaml", tmp_path)
    for secret in ("s3cr3tT0ken", "zzz999", "AbCdEfGhIjKlMnOp1234"):
        assert secret not in logged
    assert run.data.tags["model_name"] == "https://bob:***@hub.example/m?token=***"
    assert "hf_***" in run.data.params["variant.path"]


def test_run__resume_after_hard_kill(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    """SIGKILL leaves the MLflow run RUNNING and state.json unfinished; --resume still continues it."""
    from harness.runner.config import load_experiment
    from harness.runner.run import work_folder
    from harness.tracking.runlog import experiment_id_for

    path = write_experiment(tmp_path, "tmpl", golden_dir, {"kind": "template"})
    config = load_experiment(path)
    client = MlflowClient(mlflow_store)
    orphan = client.create_run(experiment_id_for("t", mlflow_store), run_name="tmpl")
    folder = work_folder(config, mlflow_store).path
    folder.mkdir(parents=True)
    (folder / "state.json").write_text(json.dumps({"run_id": orphan.info.run_id, "config_hash": config.config_hash(),
                                                   "status": "RUNNING"}), "utf-8")  # fmt: skip
    (folder / "predictions.jsonl").write_text(json.dumps({"categoryId": 4, "output": "{}"}) + "\n", "utf-8")
    calls = _interrupt_after(fake_stages, 99, RuntimeError())
    result = run_experiment(path, mode="resume", per_row="none", stages=fake_stages.stages)
    assert result.run_id == orphan.info.run_id and calls == [38, 27, 1]
    assert client.get_run(orphan.info.run_id).info.status == "FINISHED"
    assert result.metrics["json_valid_rate"] == 1.0  # the kept row "{}" plus three new ones: all objects


@pytest.mark.parametrize("per_row", ["table", "genai"])
def test_run__lone_surrogate_from_the_predictions_variant_finishes(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path, per_row: str
) -> None:
    """Issue 13: ``RunFolder.append`` once raised UnicodeEncodeError here, failing every resume too."""
    facts = [json.loads(x) for x in (golden_dir / "facts.jsonl").read_text("utf-8").splitlines()]
    rows = [{"categoryId": f["categoryId"], "output": json.dumps(fake_stages.write_summary(f), ensure_ascii=False)}
            for f in facts]  # fmt: skip
    rows[1]["output"] = rows[1]["output"][:-2] + '\ud800"}'
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")  # ASCII escapes: valid UTF-8
    path = write_experiment(tmp_path, "surrogate", golden_dir, {"kind": "predictions", "path": str(preds),
                                                               "model_name": "m"})  # fmt: skip
    result = run_experiment(path, per_row=per_row, stages=fake_stages.stages)
    client = MlflowClient(mlflow_store)
    assert client.get_run(result.run_id).info.status == "FINISHED"
    kept = _artifact_text(client, result.run_id, "predictions.jsonl", tmp_path).splitlines()
    assert json.loads(kept[1])["output"] == rows[1]["output"]
