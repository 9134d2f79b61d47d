"""Every YAML the harness reads fails the same way: one line naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.runner.gate import load_baseline
from harness.yamlfile import read_yaml


def test_read_yaml__malformed_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("variants:\n  a: [1, 2\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_yaml(path)
    message = str(info.value)
    assert message.startswith(f"{path}: line ") and "malformed YAML" in message and "\n" not in message


def test_read_yaml__missing_file_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_yaml(tmp_path / "absent.yaml")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert read_yaml(tmp_path / "empty.yaml") is None


def test_gate_baseline__malformed_yaml_is_one_line_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text("variants:\n  t: {json_valid_rate: {direction: higher\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"baseline\.yaml: line \d+: malformed YAML"):
        load_baseline(path)
