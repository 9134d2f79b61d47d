"""Experiment files: strict validation, one-line errors naming file and key, extends merging."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from harness.errors import InputError
from harness.runner.config import check_partial, deep_merge, load_experiment
from harness.runner.variants.template import TemplateConfig

EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"
NOT_EXPERIMENTS = {"decision_rules.yaml"}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(EXPERIMENTS.glob("*.yaml")), ids=lambda p: p.name)
def test_config__every_shipped_experiment_loads(path: Path) -> None:
    if path.name in NOT_EXPERIMENTS or path.stem.startswith("suite"):
        pytest.skip("not an experiment file")
    if path.stem.startswith("base"):
        check_partial(path)
        return
    config = load_experiment(path)
    assert config.name and config.variant.kind
    assert len(config.config_hash()) == 16


def test_config__template_only_extends_base() -> None:
    config = load_experiment(EXPERIMENTS / "template_only.yaml")
    assert config.suite == "cpu" and config.role == "template"
    assert isinstance(config.variant, TemplateConfig)


def test_config__unknown_top_level_key_names_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.yaml", "name: x\nrole: template\nvariant: {kind: template}\ngolden_dir: g\n")
    with pytest.raises(InputError) as err:
        load_experiment(path)
    assert str(err.value) == f"{path}: key 'golden_dir': unknown key"


def test_config__unknown_variant_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "x.yaml", "name: x\nrole: template\nvariant: {kind: template, temperature: 0.2}\n"
    )
    with pytest.raises(InputError, match=r"key 'variant.temperature': unknown key"):
        load_experiment(path)


def test_config__wrong_type_names_key(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.yaml", "name: x\nrole: [huge]\nvariant: {kind: template}\n")
    with pytest.raises(InputError) as err:
        load_experiment(path)
    message = str(err.value)
    assert "key 'role'" in message and "valid string" in message and "\n" not in message


@pytest.mark.parametrize(("role", "problem"), [("decision", "reserved"), ("a/b", "should match pattern")])
def test_config__role_is_any_candidate_name_but_reserved_or_unsafe(tmp_path: Path, role: str, problem: str) -> None:
    assert load_experiment(_write(tmp_path / "ok.yaml", "name: x\nrole: q2.5-14b\nvariant: {kind: template}\n")).role == "q2.5-14b"
    with pytest.raises(InputError, match=f"key 'role'.*{problem}"):
        load_experiment(_write(tmp_path / "x.yaml", f"name: x\nrole: {role}\nvariant: {{kind: template}}\n"))


def test_config__unknown_kind_suggests_closest(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.yaml", "name: x\nrole: template\nvariant: {kind: templat}\n")
    with pytest.raises(
        InputError, match=r"key 'variant.kind': unknown variant 'templat'; did you mean 'template'"
    ):
        load_experiment(path)


def test_config__missing_variant(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.yaml", "name: x\nrole: template\n")
    with pytest.raises(InputError, match=r"key 'variant': required key is missing"):
        load_experiment(path)


def test_config__malformed_yaml_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.yaml", "name: x\nrole: [template\n")
    with pytest.raises(InputError, match=r"line \d+: malformed YAML"):
        load_experiment(path)


def test_config__extends_deep_merges_and_child_wins(tmp_path: Path) -> None:
    _write(
        tmp_path / "base.yaml",
        "suite: s1\ndescription: base\nvariant: {kind: predictions, model_name: m, path: a.jsonl}\n",
    )
    child = _write(
        tmp_path / "c.yaml", "extends: base.yaml\nname: c\nrole: small\nvariant: {path: b.jsonl}\n"
    )
    config = load_experiment(child)
    assert config.suite == "s1" and config.description == "base"
    assert config.variant.kind == "predictions"
    assert str(config.variant.path) == "b.jsonl" and config.variant.model_name == "m"  # type: ignore[attr-defined]


def test_config__extends_loop_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "a.yaml", "extends: b.yaml\nname: a\n")
    path = _write(tmp_path / "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(InputError, match="loops back"):
        load_experiment(path)


def test_config__frozen_and_hash_stable(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.yaml", "name: x\nrole: template\nvariant: {kind: template}\n")
    a, b = load_experiment(path), load_experiment(path)
    assert a.config_hash() == b.config_hash()
    with pytest.raises(ValidationError, match="frozen"):
        a.name = "y"  # type: ignore[misc]


def test_deep_merge__lists_replace_dicts_merge() -> None:
    merged = deep_merge({"a": {"x": 1, "y": [1, 2]}, "b": 1}, {"a": {"y": [3]}, "c": 2})
    assert merged == {"a": {"x": 1, "y": [3]}, "b": 1, "c": 2}


def test_run_cli__bad_config_is_one_line_exit_2(tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    path = _write(tmp_path / "x.yaml", "name: x\nrole: template\nvariant: {kind: template}\ntemprature: 1\n")
    code, _, err = run_cli("run", str(path))
    assert code == 2
    assert err == f"error: {path}: key 'temprature': unknown key\n"
