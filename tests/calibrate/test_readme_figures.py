"""The README's calibration and power figures are generated from the calibration run and must be current."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.calibrate.readme import CALIBRATION_BLOCK, GENERATOR, main
from harness.errors import InputError
from harness.markdown_block import markers, replace_block

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme__calibration_and_power_figures_are_current() -> None:
    assert main([str(README), "--check"]) == 0, "run `make readme`"


def test_readme__figures_name_every_writer_and_the_expert_is_kept() -> None:
    begin, end = markers(CALIBRATION_BLOCK, GENERATOR)
    text = README.read_text(encoding="utf-8")
    block = text[text.index(begin) : text.index(end)]
    for writer in ("template", "expert", "stuffer", "generic", "wrong_number", "no_premise", "cut_off"):
        assert f"\n| {writer} |" in block, writer
    verdicts = block.split("Writer minus template", 1)[0]
    rows = {line.split(" | ")[0]: line for line in verdicts.splitlines() if line.startswith("| ")}
    assert rows["| expert"].endswith("| **kept** |")
    assert all("**kept**" not in row for name, row in rows.items() if name != "| expert")
    assert "FAILS" not in block


def test_replace_block__rewrites_between_markers_and_names_the_file_without_them() -> None:
    begin, end = markers("x", "by hand")
    text = f"intro\n{begin}\nold\n{end}\noutro\n"
    assert replace_block(text, "x", "by hand", "new", "R.md") == f"intro\n{begin}\nnew\n{end}\noutro\n"
    with pytest.raises(InputError, match=r"R\.md.*the x markers are missing"):
        replace_block("no markers", "x", "by hand", "new", "R.md")
