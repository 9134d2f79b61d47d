"""Issue 13, defects 4-6: honest run states.

A torn ``timings.jsonl`` line once blocked every resume; a SIGKILLed run stayed RUNNING forever
(``--fresh`` never closed it); resuming after a kill in the logging step left 28 traces for 16
categories; SIGTERM printed a 40-line traceback; experiment files that are not UTF-8, nested
too deeply or 50 MB long escaped as tracebacks or 50 MB artifacts.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from mlflow import MlflowClient

from harness.errors import InputError, Stopped
from harness.runner.config import load_experiment
from harness.runner.run import run_experiment, work_folder
from harness.runner.run_state import END_REASON_TAG, RESUMED_FROM_TAG
from harness.tracking.runlog import experiment_id_for
from tests.runner.conftest import FakeStages, write_experiment

DEAD_PID = 2**22 + 12345  # above Linux's default pid_max: no process has it


def _work(mlflow_store: str) -> Path:
    return Path(mlflow_store.removeprefix("sqlite:///")).parent / "work" / "t" / "tmpl"


def _interrupted(fake_stages: FakeStages, golden_dir: Path, tmp_path: Path, after: int = 1) -> Path:
    path = write_experiment(tmp_path, "tmpl", golden_dir, {"kind": "template"})
    real, calls = fake_stages.write_summary, []

    def flaky(facts: dict) -> dict:
        calls.append(1)
        if len(calls) > after:
            raise KeyboardInterrupt
        return real(facts)

    fake_stages.write_summary = flaky
    with pytest.raises(Stopped):  # Ctrl-C, reported as one line
        run_experiment(path, per_row="none", stages=fake_stages.stages)
    fake_stages.write_summary = real
    return path


def test_resume__a_torn_timings_line_is_repaired(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path = _interrupted(fake_stages, golden_dir, tmp_path, after=2)
    timings = _work(mlflow_store) / "timings.jsonl"
    with timings.open("a", encoding="utf-8") as handle:
        handle.write('{"categoryId": 27, "latency_')  # the kill cut this write
    result = run_experiment(path, mode="resume", per_row="none", stages=fake_stages.stages)
    assert MlflowClient(mlflow_store).get_run(result.run_id).info.status == "FINISHED"
    rows = [json.loads(line) for line in timings.read_text("utf-8").splitlines()]
    assert [r["categoryId"] for r in rows] == [4, 38, 27, 1]


def _orphan(mlflow_store: str, golden_dir: Path, tmp_path: Path) -> tuple[Path, str]:
    """What ``kill -9`` leaves: a RUNNING MLflow run and a RUNNING state.json from a dead process."""
    path = write_experiment(tmp_path, "tmpl", golden_dir, {"kind": "template"})
    config = load_experiment(path)
    orphan = MlflowClient(mlflow_store).create_run(experiment_id_for("t", mlflow_store), run_name="tmpl")
    folder = work_folder(config, mlflow_store).path
    folder.mkdir(parents=True)
    state = {"run_id": orphan.info.run_id, "config_hash": config.config_hash(), "status": "RUNNING",
             "pid": DEAD_PID, "host": socket.gethostname(), "started": "2026-11-29T10:00:00+00:00"}  # fmt: skip
    (folder / "state.json").write_text(json.dumps(state), "utf-8")
    (folder / "predictions.jsonl").write_text(json.dumps({"categoryId": 4, "output": "{}"}) + "\n", "utf-8")
    return path, orphan.info.run_id


def test_orphan__fresh_marks_the_dead_run_failed_with_the_reason(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path, orphan = _orphan(mlflow_store, golden_dir, tmp_path)
    notes: list[str] = []
    result = run_experiment(path, mode="fresh", per_row="none", stages=fake_stages.stages, log=notes.append)
    client = MlflowClient(mlflow_store)
    dead = client.get_run(orphan)
    assert dead.info.status == "FAILED" and dead.info.end_time is not None
    reason = dead.data.tags[END_REASON_TAG]
    assert "without closing" in reason and str(DEAD_PID) in reason
    assert any(orphan in n and "FAILED" in n for n in notes)
    assert result.run_id != orphan and client.get_run(result.run_id).info.status == "FINISHED"


def test_orphan__resume_records_it_then_finishes_it(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path, orphan = _orphan(mlflow_store, golden_dir, tmp_path)
    result = run_experiment(path, mode="resume", per_row="none", stages=fake_stages.stages)
    run = MlflowClient(mlflow_store).get_run(orphan)
    assert result.run_id == orphan and run.info.status == "FINISHED"
    assert "FAILED" in run.data.tags[RESUMED_FROM_TAG] and END_REASON_TAG not in run.data.tags


def test_orphan__without_a_flag_it_is_marked_and_the_choice_left_to_the_user(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path, orphan = _orphan(mlflow_store, golden_dir, tmp_path)
    with pytest.raises(InputError, match="pass --resume or --fresh"):
        run_experiment(path, per_row="none", stages=fake_stages.stages)
    assert MlflowClient(mlflow_store).get_run(orphan).info.status == "FAILED"


def test_run__killed_and_failed_runs_record_why(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    _interrupted(fake_stages, golden_dir, tmp_path)
    client = MlflowClient(mlflow_store)
    [run] = client.search_runs([client.get_experiment_by_name("t").experiment_id])
    assert run.info.status == "KILLED" and "SIGINT" in run.data.tags[END_REASON_TAG]


def test_per_row__resume_after_a_kill_in_the_logging_step_logs_each_category_once(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow.genai

    real = mlflow.genai.evaluate

    def killed_after_logging(**kwargs: object) -> object:
        real(**kwargs)  # every category's trace is in the store ...
        raise KeyboardInterrupt  # ... when the kill arrives

    monkeypatch.setattr(mlflow.genai, "evaluate", killed_after_logging)
    path = write_experiment(tmp_path, "tmpl", golden_dir, {"kind": "template"})
    with pytest.raises(Stopped):
        run_experiment(path, per_row="genai", stages=fake_stages.stages)
    monkeypatch.setattr(mlflow.genai, "evaluate", real)
    result = run_experiment(path, mode="resume", per_row="genai", stages=fake_stages.stages)
    client = MlflowClient(mlflow_store)
    traces = client.search_traces(experiment_ids=[result.experiment_id], run_id=result.run_id, max_results=100)
    assert len(traces) == 4  # four golden categories, not eight


def test_cli__sigint_is_one_line_and_the_run_is_killed(
    mlflow_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., tuple[int, str, str]],
) -> None:  # fmt: skip
    from harness.runner.variants.template import TemplateVariant

    repo = Path(__file__).resolve().parents[2]
    calls: list[int] = []
    real = TemplateVariant.write

    def interrupted(self: TemplateVariant, facts: dict) -> dict:
        calls.append(1)
        if len(calls) > 2:
            raise KeyboardInterrupt  # Ctrl-C while the third category is written
        return real(self, facts)

    monkeypatch.setattr(TemplateVariant, "write", interrupted)
    path = write_experiment(tmp_path, "tmpl", repo / "golden", {"kind": "template"})
    code, _, err = run_cli("run", str(path))
    assert code == 130, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("stopped: ") and "KILLED" in last and "--resume" in last and "2 of 16" in last
    client = MlflowClient(mlflow_store)
    [run] = client.search_runs([client.get_experiment_by_name("t").experiment_id])
    assert run.info.status == "KILLED"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name: \xff\xfe bad\n", "not UTF-8"),
        (b"name: x\nvariant: " + b"[" * 20_000 + b"]" * 20_000 + b"\n", "nested too deeply"),
        (b"name: x\ndescription: '" + b"a" * 1_100_000 + b"'\n", "over the 1,000,000-byte limit"),
    ],
)
def test_experiment_file__encoding_depth_and_size_are_one_line(
    tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]], content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    code, _, err = run_cli("run", str(path))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and expected in lines[0] and str(path) in lines[0], lines


def test_experiment_file__a_long_description_is_refused(tmp_path: Path, golden_dir: Path) -> None:
    path = write_experiment(tmp_path, "tmpl", golden_dir, {"kind": "template"}, description="설명" * 10_000)
    with pytest.raises(InputError, match="key 'description'") as info:
        load_experiment(path)
    assert "(20,000 characters)" in str(info.value) and len(str(info.value)) < 400
