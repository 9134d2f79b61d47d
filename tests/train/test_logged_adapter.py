"""A trained adapter as an MLflow logged model: logged with its base's id and revision, reloaded
from the store into a clean folder, and decoding exactly as the adapter it was logged from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import mlflow
import pytest
from helpers import TEST_SYSTEM, small_facts
from mlflow import MlflowClient

from harness.errors import InputError
from harness.jsonl import read_jsonl, write_jsonl
from harness.train.config import GenerationSettings
from harness.train.generate import Generator
from harness.train.logged_adapter import log_run_adapter, model_section
from harness.train.trainer import TrainResult

Trained = tuple[TrainResult, TrainResult]
SETTINGS = GenerationSettings(batch_size=2, max_new_tokens=24, system_prompt=TEST_SYSTEM, use_review_text=False)


def _facts() -> list[dict]:
    return [dict(f, categoryId=str(9000 + i)) for i, f in enumerate(small_facts(3))]


def _outputs(base: Path, adapter: Path | None) -> list[str]:
    return [g.output for g in Generator.load(base, adapter, SETTINGS).generate(_facts())]


@pytest.fixture
def logged(trained: Trained, tiny_base: Path, mlflow_store: str, tmp_path: Path) -> tuple[str, str, list[str]]:
    """The trained adapter logged from a throwaway copy (deleted afterwards: only the store has it)."""
    _, second = trained
    copy = tmp_path / "machine-a" / "adapter"
    shutil.copytree(second.adapter_dir, copy)
    expected = _outputs(tiny_base, copy)
    with mlflow.start_run() as run:
        uri = log_run_adapter(copy, model_section(str(tiny_base), tiny_base, "tiny (CPU stand-in)", True, SETTINGS))
    shutil.rmtree(copy.parent)
    return run.info.run_id, uri, expected


def test_logged_adapter__is_a_model_of_the_run_with_base_id_and_revision(logged, tiny_base: Path,
                                                                          mlflow_store: str) -> None:  # fmt: skip
    from harness.train.base_revision import base_revision

    run_id, uri, _ = logged
    model = MlflowClient(mlflow_store).get_logged_model(uri.removeprefix("models:/"))
    assert model.source_run_id == run_id and model.name == "adapter"
    assert model.params["base_model"] == str(tiny_base)
    assert model.params["base_revision"] == base_revision(tiny_base) and model.params["base_revision"].startswith("sha256:")
    files = {a.path for a in MlflowClient(mlflow_store).list_artifacts(run_id, "adapter/artifacts/adapter")}
    names = {Path(f).name for f in files}
    assert {"adapter_model.safetensors", "adapter_config.json", "training_metadata.json"} <= names
    assert "checkpoints" not in names  # the trainer's checkpoints stay on the machine that trained


def test_generate__logged_adapter_reproduces_greedy_outputs_exactly(logged, tiny_base: Path, tmp_path: Path,
                                                                    run_cli) -> None:  # fmt: skip
    run_id, uri, expected = logged
    assert expected != _outputs(tiny_base, None)  # the adapter changes the text, so equality means it was applied
    facts = tmp_path / "facts.jsonl"
    write_jsonl(facts, _facts())
    for ref in (f"runs:/{run_id}/adapter", uri, f"runs:/{run_id}"):
        out = tmp_path / f"pred-{len(ref)}.jsonl"
        # no --base-model, no generation flags: the logged model records the base and the run's decoding
        code, _, err = run_cli("generate", "--facts", str(facts), "--adapter", ref, "--out", str(out))
        assert code == 0, err
        assert [r["output"] for r in read_jsonl(out)] == expected


def test_generate__other_base_weights_are_refused(logged, tiny_base: Path, tmp_path: Path, run_cli) -> None:
    _, uri, _ = logged
    other = tmp_path / "other-base"
    shutil.copytree(tiny_base, other)
    (other / "config.json").write_text((other / "config.json").read_text() + "\n")
    facts = tmp_path / "facts.jsonl"
    write_jsonl(facts, _facts())
    code, _, err = run_cli("generate", "--facts", str(facts), "--adapter", uri, "--base-model", str(other),
                           "--out", str(tmp_path / "p.jsonl"))  # fmt: skip
    assert code == 2 and "revision" in err and len(err.strip().splitlines()) == 1


def test_generate__unknown_logged_model_is_one_line(mlflow_store: str, tmp_path: Path, run_cli) -> None:
    facts = tmp_path / "facts.jsonl"
    write_jsonl(facts, _facts())
    code, _, err = run_cli("generate", "--facts", str(facts), "--adapter", "models:/m-0123456789abcdef",
                           "--out", str(tmp_path / "p.jsonl"))  # fmt: skip
    assert code == 2 and err.startswith("error: models:/m-0123456789abcdef") and len(err.strip().splitlines()) == 1


def test_locate_base__finds_the_hint_and_checks_revision(tiny_base: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from harness.train.base_revision import base_revision, locate_base

    monkeypatch.delenv("HARNESS_MODEL_DIR", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    revision = base_revision(tiny_base)
    assert locate_base("Org/not-here", revision, str(tiny_base)) == tiny_base
    with pytest.raises(InputError, match="HARNESS_MODEL_DIR"):
        locate_base("Org/not-here", revision, str(tmp_path / "gone"))
    with pytest.raises(InputError, match="revision"):
        locate_base(str(tiny_base), "sha256:" + "0" * 64)


class RunCtx:
    """The runner's context as the ``hf`` variant sees it, inside an MLflow run."""

    def __init__(self, run_dir: Path, run_id: str) -> None:
        self.run_dir = run_dir
        self.run_id = run_id

    def log_params(self, params: object) -> None: ...

    def log_metrics(self, metrics: object, step: int | None = None) -> None: ...


def test_variant__resume_takes_the_run_adapter_from_the_store(trained: Trained, tiny_base: Path, mlflow_store: str,
                                                              tmp_path: Path) -> None:  # fmt: skip
    from harness.tracking.logged_models import find_run_model
    from harness.train.variant import HFConfig, HFVariant

    _, second = trained
    generation = SETTINGS.model_dump()
    first = HFVariant(HFConfig(base_model=str(tiny_base), adapter=str(second.adapter_dir), generation=generation))
    with mlflow.start_run() as run:
        first.prepare(RunCtx(tmp_path / "machine-a", run.info.run_id), ["4"])
    assert find_run_model(run.info.run_id) is not None  # logged before any generation
    expected = [p.output for p in first.generate(_facts(), RunCtx(tmp_path / "machine-a", run.info.run_id))]

    # The same run resumed elsewhere, with a train section whose data does not exist there: only
    # the stored adapter can make this work, so training is provably skipped.
    resumed = HFVariant(HFConfig(base_model=str(tiny_base), generation=generation,
                                 train={"sft": {"products": str(tmp_path / "absent.csv")}}))  # fmt: skip
    with mlflow.start_run(run_id=run.info.run_id):
        ctx = RunCtx(tmp_path / "machine-b", run.info.run_id)
        resumed.prepare(ctx, ["4"])
        assert [p.output for p in resumed.generate(_facts(), ctx)] == expected
    assert resumed.cost_metrics().train_time_s == pytest.approx(second.metadata["train_time_s"])


def test_logged_adapter__is_a_servable_guarded_summarizer(logged, trained: Trained, tiny_base: Path) -> None:
    """The run's logged model loads as MLflow would serve it: base found, adapter applied, guard on."""
    import pandas as pd

    from harness.writers.template import write_summary

    _, uri, _ = logged
    lines = (Path(__file__).resolve().parents[2] / "golden" / "facts.jsonl").read_text("utf-8").splitlines()[:2]
    facts = [json.loads(line) for line in lines]
    model = mlflow.pyfunc.load_model(uri)
    out = model.predict(pd.DataFrame({"facts": lines}))
    # the stand-in's 24-token outputs are not summaries: the guard sends every row to the template
    assert list(out["source"]) == ["template", "template"]
    assert out.iloc[1]["growthSummary"] == write_summary(facts[1])["growthSummary"]
    summarizer = model.unwrap_python_model()._summarizer
    direct = [g.output for g in Generator.load(tiny_base, trained[1].adapter_dir, SETTINGS).generate(facts)]
    assert summarizer._generate(facts) == direct  # the served model decodes exactly as the adapter does
