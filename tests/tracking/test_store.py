"""The tracking store: default location, env override, WAL, idempotent creation, per-test copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.tracking.store import (
    DEFAULT_STORE_DIR,
    artifact_root,
    ensure_store,
    journal_mode,
    sqlite_path,
    sqlite_uri,
    tracking_uri,
)


def test_tracking_uri__defaults_to_repo_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    uri = tracking_uri()
    assert uri == f"sqlite:///{DEFAULT_STORE_DIR / 'mlflow.db'}"
    assert uri.startswith("sqlite:////")
    assert artifact_root(uri) == str(DEFAULT_STORE_DIR / "artifacts")


def test_tracking_uri__env_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5999")
    assert tracking_uri() == "http://127.0.0.1:5999"
    assert sqlite_path(tracking_uri()) is None
    assert ensure_store() == "http://127.0.0.1:5999"  # a server: nothing to create


def test_mlflow_store__is_migrated_wal_and_private(mlflow_store: str, tmp_path: Path) -> None:
    from mlflow import MlflowClient

    db = sqlite_path(mlflow_store)
    assert db is not None and db.is_relative_to(tmp_path)
    assert journal_mode(db) == "wal"
    assert ensure_store(mlflow_store) == mlflow_store  # already current: no second migration
    client = MlflowClient(mlflow_store)
    default = client.get_experiment("0")
    assert default.artifact_location.startswith(str(tmp_path))
    assert client.search_runs(["0"]) == []


def test_sqlite_uri__relative_path_resolves_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    uri = sqlite_uri("x/mlflow.db")
    assert uri == f"sqlite:///{tmp_path.resolve() / 'x' / 'mlflow.db'}"
    assert sqlite_path("sqlite:///rel/m.db") == tmp_path / "rel" / "m.db"
