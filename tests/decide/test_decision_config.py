"""The rules file: the shipped one loads; a bad key or metric is a one-line InputError naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.decide.config import DEFAULT_RULES, load_rules
from harness.errors import InputError

SHIPPED = DEFAULT_RULES.read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_rules__shipped_file_is_valid() -> None:
    rules = load_rules()
    assert rules.bootstrap.resamples >= 1000 and rules.bootstrap.confidence == 0.95
    assert "json_valid_rate" in rules.floor and rules.quality.metrics


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("win_share:", "win_shares:", "quality.win_shares: unknown key"),
        ("resamples: 2000", "resamples: lots", "bootstrap.resamples: Input should be a valid integer"),
        ("json_valid_rate: {min: 0.95}", "json_valid_rat: {min: 0.95}", "did you mean 'json_valid_rate'?"),
        ("economy]", "econmy]", "quality.metrics.econmy"),
        ("latency_s_per_summary: {max: 15.0}", "latency_s_per_summary: {}", "give 'min', 'max' or both"),
        ("version: 1", "version: [1", "malformed YAML"),
    ],
)
def test_load_rules__bad_file_names_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in SHIPPED
    with pytest.raises(InputError) as info:
        load_rules(_write(tmp_path, SHIPPED.replace(old, new)))
    text = str(info.value)
    assert message in text and "\n" not in text and str(tmp_path) in text


def test_load_rules__missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_rules(tmp_path / "absent.yaml")
