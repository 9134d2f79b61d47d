"""Locating base weights: config key, env var, HF cache; a clear one-line stop when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.train.weights import resolve_base_model


def _fake_model(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}", "utf-8")
    return folder


def test_resolve__missing_weights_one_line_with_places(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HARNESS_MODEL_DIR", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(InputError) as err:
        resolve_base_model("Qwen/Qwen2.5-7B-Instruct")
    line = str(err.value)
    assert "\n" not in line and "HARNESS_MODEL_DIR" in line and "cache" in line and "model_dir" in line


def test_resolve__env_var_layouts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    nested = _fake_model(tmp_path / "models" / "Qwen" / "Qwen2.5-3B-Instruct")
    monkeypatch.setenv("HARNESS_MODEL_DIR", str(tmp_path / "models"))
    assert resolve_base_model("Qwen/Qwen2.5-3B-Instruct") == nested
    monkeypatch.setenv("HARNESS_MODEL_DIR", str(nested))
    assert resolve_base_model("Qwen/Qwen2.5-3B-Instruct") == nested


def test_resolve__config_key_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    flat = _fake_model(tmp_path / "Qwen2.5-7B-Instruct")
    monkeypatch.setenv("HARNESS_MODEL_DIR", str(tmp_path / "elsewhere"))
    assert resolve_base_model("Qwen/Qwen2.5-7B-Instruct", model_dir=str(tmp_path)) == flat


def test_resolve__local_path(tmp_path: Path) -> None:
    folder = _fake_model(tmp_path / "tiny")
    assert resolve_base_model(str(folder)) == folder
