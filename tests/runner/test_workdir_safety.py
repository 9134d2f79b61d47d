"""Issue 13, defect 1: a run name must never delete data outside its own work folder.

``name: "."`` once emptied every sibling experiment's folder, ``".."`` all of ``work/``, and
``suite: ".."`` with ``name: ".."`` the MLflow database itself. Names now match a strict pattern,
every path the runner writes or deletes must resolve under its own folder, and ``--fresh`` deletes
only what the runner's manifest lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import InputError, Stopped
from harness.runner.config import load_experiment
from harness.runner.run import run_experiment
from harness.runner.workdir import MANIFEST, RunFolder
from tests.runner.conftest import FakeStages, write_experiment


def _store_dir(uri: str) -> Path:
    return Path(uri.removeprefix("sqlite:///")).parent


@pytest.mark.parametrize(
    ("key", "value"),
    [("name", "."), ("name", ".."), ("name", "a/b"), ("name", "../x"), ("name", "-x"), ("name", "x" * 81),
     ("suite", "."), ("suite", ".."), ("suite", "a\\b"), ("name", "a\nb")],
)  # fmt: skip
def test_config__path_like_names_are_refused(tmp_path: Path, golden_dir: Path, key: str, value: str) -> None:
    extra = {"suite": value} if key == "suite" else {}
    path = write_experiment(tmp_path, "exp", golden_dir, {"kind": "template"}, **extra)
    if key == "name":
        data = json.loads(path.read_text("utf-8"))
        data["name"] = value
        path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(InputError, match=f"key '{key}'") as info:
        load_experiment(path)
    assert "\n" not in str(info.value)


def test_config__ordinary_names_pass(tmp_path: Path, golden_dir: Path) -> None:
    path = write_experiment(tmp_path, "qwen2.5-7b_lora", golden_dir, {"kind": "template"}, suite="gpu")
    assert load_experiment(path).name == "qwen2.5-7b_lora"


def _interrupted_sibling(fake_stages: FakeStages, golden_dir: Path, tmp_path: Path) -> None:
    """A sibling experiment of suite ``t`` interrupted after one category (its rows stay on disk)."""
    path = write_experiment(tmp_path, "sibling", golden_dir, {"kind": "template"})
    real = fake_stages.write_summary
    calls: list[int] = []

    def flaky(facts: dict) -> dict:
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(facts)

    fake_stages.write_summary = flaky
    with pytest.raises(Stopped):
        run_experiment(path, per_row="none", stages=fake_stages.stages)
    fake_stages.write_summary = real


@pytest.mark.parametrize(("suite", "name"), [("t", "."), ("t", ".."), ("..", ".."), (".", "x")])
def test_run_cli__dot_names_exit_2_and_touch_nothing(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path,
    run_cli: Callable[..., tuple[int, str, str]], capsys: pytest.CaptureFixture[str], suite: str, name: str,
) -> None:  # fmt: skip
    _interrupted_sibling(fake_stages, golden_dir, tmp_path)
    capsys.readouterr()
    store = _store_dir(mlflow_store)
    before = sorted(str(p.relative_to(store)) for p in store.rglob("*"))
    assert "work/t/sibling/predictions.jsonl" in before
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(json.dumps({"name": name, "suite": suite, "role": "template", "golden": str(golden_dir),
                                   "variant": {"kind": "template"}}), "utf-8")  # fmt: skip
    code, _, err = run_cli("run", str(hostile), "--fresh")
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "must match" in err
    assert sorted(str(p.relative_to(store)) for p in store.rglob("*")) == before


def test_run__fresh_deletes_only_what_the_runner_wrote(
    mlflow_store: str, fake_stages: FakeStages, golden_dir: Path, tmp_path: Path
) -> None:
    path = write_experiment(tmp_path, "own", golden_dir, {"kind": "template"})
    result = run_experiment(path, per_row="none", stages=fake_stages.stages)
    folder = result.folder
    (folder / "my-notes.txt").write_text("keep me", "utf-8")
    (folder / "mine").mkdir()
    (folder / "mine" / "data.csv").write_text("a,b\n", "utf-8")
    assert (folder / MANIFEST).exists()
    run_experiment(path, mode="fresh", per_row="none", stages=fake_stages.stages)
    assert (folder / "my-notes.txt").read_text("utf-8") == "keep me"
    assert (folder / "mine" / "data.csv").exists()
    assert (folder / "predictions.jsonl").exists()


def test_workdir__tampered_manifest_is_refused_before_anything_is_deleted(tmp_path: Path) -> None:
    root = tmp_path / "work" / "t"
    victim = tmp_path / "mlflow.db"
    victim.write_text("precious", "utf-8")
    folder = RunFolder(root / "exp", root=tmp_path / "work")
    folder.acquire()
    try:
        folder.write_state(run_id="r", status="RUNNING")
        manifest = folder.path / MANIFEST
        manifest.write_text(manifest.read_text("utf-8") + "../../../mlflow.db\n", "utf-8")
        with pytest.raises(InputError, match="outside"):
            folder.clear()
        assert victim.read_text("utf-8") == "precious"
        assert (folder.path / "state.json").exists()  # checked first, nothing deleted
    finally:
        folder.release()


def test_workdir__symlinked_output_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious", "utf-8")
    folder = RunFolder(tmp_path / "work" / "t" / "exp", root=tmp_path / "work")
    folder.acquire()
    try:
        (folder.path / "predictions.jsonl").symlink_to(outside)
        with pytest.raises(InputError, match="outside"):
            folder.append({"categoryId": 1, "output": "x"}, {"categoryId": 1})
        assert outside.read_text("utf-8") == "precious"
    finally:
        folder.release()


def test_workdir__folder_must_resolve_under_its_root(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "work" / "t").mkdir(parents=True)
    (tmp_path / "work" / "t" / "exp").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(InputError, match="outside"):
        RunFolder(tmp_path / "work" / "t" / "exp", root=tmp_path / "work")


def test_workdir__folder_without_manifest_loses_only_known_runner_files(tmp_path: Path) -> None:
    folder = RunFolder(tmp_path / "work" / "t" / "old", root=tmp_path / "work")
    folder.path.mkdir(parents=True)
    for name in ("predictions.jsonl", "scores.json", "keep.txt"):
        (folder.path / name).write_text("x", "utf-8")
    (folder.path / "adapter").mkdir()
    folder.acquire()
    try:
        folder.clear()
    finally:
        folder.release()
    assert sorted(p.name for p in folder.path.iterdir()) == [".lock", "adapter", "keep.txt"]
