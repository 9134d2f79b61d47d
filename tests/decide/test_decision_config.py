"""The rules file: the shipped one loads; a bad key, metric or ladder is a one-line InputError naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from decide_runs import make_rules, write_rules

from harness.decide.config import load_rules
from harness.errors import InputError


def test_load_rules__shipped_file_is_valid() -> None:
    """Whatever the team sets in it, the shipped file must load (its values are not pinned here)."""
    rules = load_rules()
    assert rules.ladder and rules.floor and rules.quality.metrics


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("win_share:", "win_shares:", "quality.win_shares: unknown key"),
        ("resamples: 2000", "resamples: lots", "bootstrap.resamples: Input should be a valid integer"),
        ("json_valid_rate:", "json_valid_rat:", "did you mean 'json_valid_rate'?"),
        ("- economy", "- econmy", "quality.metrics.econmy"),
        ("max: 15.0", "{}", "give 'min', 'max' or both"),
        ("version: 2", "version: [2", "malformed YAML"),
        ("version: 2", "version: 1", "version: Input should be greater than or equal to 2"),
        ("role: large", "role: small", "candidate roles must be unique: small appears twice"),
        ("role: large", "role: template", "candidates.1.role: Value error, 'template' is not a model candidate's role"),
        ("step_up:", "large_over_small:", "large_over_small: unknown key"),
    ],
)
def test_load_rules__bad_file_names_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = write_rules(tmp_path / "good.yaml", make_rules()).read_text("utf-8")
    assert old in text
    bad = tmp_path / "rules.yaml"
    bad.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(InputError) as info:
        load_rules(bad)
    text = str(info.value)
    assert message in text and "\n" not in text and str(tmp_path) in text


def test_load_rules__missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_rules(tmp_path / "absent.yaml")
