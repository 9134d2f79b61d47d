"""Issue 13: JSONL reading and writing survive deep nesting and lone surrogates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.jsonl import read_jsonl, write_jsonl


def test_read_jsonl__deep_nesting_is_one_line_not_a_recursion_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"categoryId": 1, "output": "x"}\n' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "\n", "utf-8")
    with pytest.raises(InputError, match="line 2: nested too deeply") as info:
        read_jsonl(path)
    assert "\n" not in str(info.value)


def test_write_jsonl__lone_surrogates_round_trip(tmp_path: Path) -> None:
    rows = [{"categoryId": 1, "output": "리뷰\ud800 많다\udfff"}, {"categoryId": 2, "output": "보통"}]
    path = tmp_path / "out.jsonl"
    assert write_jsonl(path, rows) == 2
    assert read_jsonl(path) == rows
    assert json.loads(path.read_text("utf-8").splitlines()[1]) == rows[1]
    assert "보통" in path.read_text("utf-8")  # rows without surrogates keep Hangul unescaped
