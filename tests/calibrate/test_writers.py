"""The calibration writers: reproducible from the template and the expert set, each degraded as named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.calibrate.writers import WRITERS, read_expert, writer_by_name, writer_predictions
from harness.errors import InputError
from harness.evaluate.fidelity import FactIndex
from harness.jsonl import read_jsonl
from harness.runner.golden import load_golden
from harness.writers.contract import SUMMARY_KEYS, split_sentences, states_proxy_premise
from harness.writers.template import write_summary

REPO = Path(__file__).resolve().parents[2]
GOLDEN = load_golden(REPO / "golden")
EXPERT = read_expert(GOLDEN.folder)
COMMITTED = REPO / "experiments" / "predictions" / "calibration"


def outputs(name: str) -> list[tuple[dict[str, Any], dict[str, str]]]:
    rows = writer_predictions(writer_by_name(name), GOLDEN.facts, EXPERT)
    return [(facts, json.loads(row["output"])) for facts, row in zip(GOLDEN.facts, rows, strict=True)]


@pytest.mark.parametrize("name", [w.name for w in WRITERS])
def test_committed_predictions__equal_a_fresh_build(name: str) -> None:
    """`make calibration` rewrote these files; a change to the template or the expert set must too."""
    committed = read_jsonl(COMMITTED / f"{name}.jsonl")
    assert committed == writer_predictions(writer_by_name(name), GOLDEN.facts, EXPERT)


def test_template_writer__is_the_template() -> None:
    assert all(out == write_summary(facts) for facts, out in outputs("template"))


def test_expert_writer__is_the_hand_written_set() -> None:
    for facts, out in outputs("expert"):
        assert out == EXPERT[str(facts["categoryId"])]


def test_stuffer__is_the_template_plus_true_facts() -> None:
    for facts, out in outputs("stuffer"):
        template = write_summary(facts)
        index = FactIndex.from_facts(facts)
        for key in SUMMARY_KEYS:
            assert out[key].startswith(template[key]) and len(out[key]) > len(template[key])
            added = out[key][len(template[key]) :]
            assert all(c.supported for c in index.check_text(added)), (facts["categoryId"], added)


def test_generic__keeps_three_sentences_and_replaces_the_rest() -> None:
    for facts, out in outputs("generic"):
        template = write_summary(facts)
        for key in SUMMARY_KEYS:
            mine, theirs = split_sentences(out[key]), split_sentences(template[key])
            assert mine[:3] == theirs[:3] and len(mine) == len(theirs)
            assert all(not FactIndex.from_facts(facts).check_text(s) for s in mine[3:])


def test_wrong_number__exactly_one_unsupported_number_per_category() -> None:
    for facts, out in outputs("wrong_number"):
        index = FactIndex.from_facts(facts)
        unsupported = [c.stated.text for key in SUMMARY_KEYS for c in index.check_text(out[key]) if not c.supported]
        assert len(unsupported) == 1, (facts["categoryId"], unsupported)


def test_no_premise__neither_summary_opens_with_the_premise() -> None:
    for _, out in outputs("no_premise"):
        for key in SUMMARY_KEYS:
            assert not states_proxy_premise(split_sentences(out[key])[0])


def test_cut_off__growth_ends_mid_sentence_and_market_is_whole() -> None:
    for facts, out in outputs("cut_off"):
        template = write_summary(facts)
        assert out["marketOverviewSummary"] == template["marketOverviewSummary"]
        assert template["growthSummary"].startswith(out["growthSummary"])
        assert not out["growthSummary"].rstrip().endswith(".")


def test_expert_writer__missing_summary_is_bad_input() -> None:
    with pytest.raises(InputError, match="no expert summary"):
        writer_predictions(writer_by_name("expert"), GOLDEN.facts, {})


def test_writer_by_name__unknown() -> None:
    with pytest.raises(InputError, match="unknown calibration writer"):
        writer_by_name("oracle")
