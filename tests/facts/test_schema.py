"""The shipped facts schema: legacy objects pass, broken ones fail with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.facts import compute_facts, facts_errors, read_facts, validate_facts
from harness.facts.keywords import log_odds
from harness.jsonl import write_jsonl

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference_facts.jsonl"


def _legacy() -> list[dict]:
    return [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_schema__accepts_legacy_reference_facts():
    objects = _legacy()
    assert len(objects) == 4
    for obj in objects:
        assert facts_errors(obj) == []


def test_schema__rejects_out_of_range_and_renamed_fields():
    obj = _legacy()[0]
    obj["metrics"]["top3BrandShare"] = 29.57  # a percent where a ratio belongs
    obj["metrics"]["hhi_all"] = 1.0  # a renamed field
    errors = facts_errors(obj)
    assert any("top3BrandShare" in e for e in errors) and any("hhi_all" in e for e in errors)
    with pytest.raises(InputError, match=r"facts\.jsonl: object 1: not valid facts"):
        validate_facts(obj, "facts.jsonl", "object 1")


def test_read_facts__validates_each_object(tmp_path, exports):
    path = tmp_path / "facts.jsonl"
    write_jsonl(path, compute_facts(*exports, insights=False) + _legacy())
    assert [f["categoryId"] for f in read_facts(path)] == [10, 11, 4, 38, 27, 1]
    bad = _legacy()[0]
    del bad["metrics"]
    write_jsonl(path, [bad])
    with pytest.raises(InputError, match="object 1"):
        read_facts(path)


def test_log_odds__hand_computed_z_score():
    # background 105 words, prior alpha_0 = 1000 -> alpha(블록) = 1000 * 10/105 = 95.238.
    # own: 블록 10 of 15; rest: 블록 0 of 90.
    # delta = ln((10+95.238)/(15+1000-10-95.238)) - ln(95.238/(90+1000-95.238)) = 0.18921
    # var = 1/105.238 + 1/95.238 = 0.020002 -> z = 0.18921 / 0.14143 = 1.3379
    own = {"블록": 10, "배송": 5}
    background = {"블록": 10, "배송": 50, "퍼즐": 45}
    scored = dict(log_odds(own, background))
    assert scored["블록"] == pytest.approx(1.3375, abs=1e-3)
    assert "배송" not in scored  # 5 of 15 here against 45 of 90 elsewhere: not distinctive
    assert dict(log_odds(own, background, prior_strength=10))["블록"] > scored["블록"]  # weaker prior
