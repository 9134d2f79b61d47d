"""The README's metric table is generated from the registry and must be current."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.evaluate import METRICS
from harness.evaluate.cost import COST_METRICS
from harness.evaluate.metric_table import BEGIN, END, main, render, updated

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme__metric_table_is_current() -> None:
    assert main([str(README), "--check"]) == 0, "run `make readme`"


def test_render__one_line_per_metric_and_cost_figure() -> None:
    lines = render().splitlines()[2:]
    assert len(lines) == len(METRICS.metrics()) + len(COST_METRICS)
    assert lines[0].startswith("| `json_valid_rate` | higher | share of rows where true | raw |")
    assert any(line.startswith("| `peak_gpu_mem_gb` | lower | run-level cost |") for line in lines)


def test_check__stale_table_fails_and_rewrite_fixes_it(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{BEGIN}\n| old |\n{END}\noutro\n", encoding="utf-8")
    assert main([str(readme), "--check"]) == 1
    assert main([str(readme)]) == 0 and main([str(readme), "--check"]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("intro\n") and text.endswith(f"{END}\noutro\n") and "| old |" not in text
    with pytest.raises(InputError, match="markers are missing"):
        updated("no markers", "x.md")
