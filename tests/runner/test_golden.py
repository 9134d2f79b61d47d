"""The committed golden set: consistent files, references that meet the contract, reproducible inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.jsonl import read_jsonl
from harness.runner.golden import REFERENCE_FILES, load_golden, read_manifest
from harness.runner.golden_build import build_golden, read_category_ids
from harness.writers.contract import split_sentences

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "golden"
SAMPLE = REPO / "data" / "sample"


def test_golden__covers_listed_categories_with_references() -> None:
    golden = load_golden(GOLDEN)
    listed = read_category_ids(GOLDEN)
    assert len(listed) >= 12
    sources = {key.split("~")[0] for key in golden.ids}
    assert sources == set(listed)
    assert set(golden.references) == set(golden.ids)  # one hand-written pair per facts object
    for name in REFERENCE_FILES:  # and so does every other reference set
        assert sorted(str(r["categoryId"]) for r in read_jsonl(GOLDEN / name)) == sorted(golden.ids), name
    assert len(golden.reference_rows) == len(REFERENCE_FILES) * len(golden.ids)
    manifest = read_manifest(GOLDEN)
    assert (
        manifest["version"] == int(golden.version)
        and "make golden" in manifest["command"]
        and manifest["changelog"]
    )


def test_golden__references_meet_the_contract() -> None:
    from harness.evaluate import score_predictions

    golden = load_golden(GOLDEN)
    preds = [{"categoryId": r["categoryId"], "output": json.dumps({k: r[k] for k in ("marketOverviewSummary", "growthSummary")},
              ensure_ascii=False)} for r in golden.reference_rows]  # fmt: skip
    report = json.loads(score_predictions(golden.facts_by_id(), preds).to_json())
    for row in report["rows"]:
        assert row["json_valid"] and row["disclaimer"] and row["sentence_count_ok"], row["categoryId"]
        assert not row["banned_phrase"], row["categoryId"]
        assert row["numeric_fidelity"] == 1.0, (row["categoryId"], row["unsupported_numbers"])


def test_golden__references_are_not_template_output() -> None:
    from harness.writers.template import write_summary

    golden = load_golden(GOLDEN)
    facts = golden.facts_by_id()
    shared = 0
    total = 0
    for ref in golden.reference_rows:
        written = write_summary(facts[str(ref["categoryId"])])
        for field in ("marketOverviewSummary", "growthSummary"):
            template_sentences = set(split_sentences(written[field]))
            ref_sentences = split_sentences(ref[field])
            total += len(ref_sentences)
            shared += sum(s in template_sentences for s in ref_sentences)
    assert shared <= total // 20, f"{shared} of {total} reference sentences are verbatim template sentences"


def test_golden__reference_sets_and_expert_set_are_distinct_writers() -> None:
    """No sentence is shared between the two reference sets or with the expert summaries, and the
    expert set (a calibration writer scored against the references) is never a reference."""
    golden = load_golden(GOLDEN)
    expert = read_jsonl(GOLDEN / "calibration" / "expert.jsonl")
    assert "calibration/expert.jsonl" not in REFERENCE_FILES
    by_writer = {name: read_jsonl(GOLDEN / name) for name in REFERENCE_FILES} | {"expert": expert}
    sentences = {
        name: {s for row in rows for key in ("marketOverviewSummary", "growthSummary") for s in split_sentences(row[key])}
        for name, rows in by_writer.items()
    }
    names = list(sentences)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            shared = sentences[a] & sentences[b]
            assert len(shared) <= 2, (a, b, sorted(shared)[:3])  # a stock phrase at most, never a copied summary
    assert sorted(str(r["categoryId"]) for r in expert) == sorted(golden.ids)


def test_golden_build__recuts_inputs_byte_for_byte(tmp_path: Path) -> None:
    if not (SAMPLE / "products_all.csv").exists():
        pytest.skip("no committed sample")
    golden = tmp_path / "golden"
    golden.mkdir()
    shutil.copy(GOLDEN / "categories.yaml", golden)
    result = build_golden(SAMPLE, golden, facts=False)
    for name in ("products_all.csv", "reviews_all.csv"):
        assert (golden / "inputs" / name).read_bytes() == (GOLDEN / "inputs" / name).read_bytes(), name
    assert (
        result.products == len((GOLDEN / "inputs" / "products_all.csv").read_text("utf-8").splitlines()) - 1
    )


def test_golden_build__keeps_reviews_of_unknown_products(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "products_all.csv").write_text("id,category_id,name\n1,7,a\n2,8,b\n", "utf-8")
    (sample / "reviews_all.csv").write_text("product_id,rating\n1,5\n2,4\n99,3\n", "utf-8")
    golden = tmp_path / "golden"
    golden.mkdir()
    (golden / "categories.yaml").write_text("- {categoryId: 7, why: test}\n", "utf-8")
    result = build_golden(sample, golden, facts=False)
    assert (result.products, result.reviews) == (1, 2)
    assert (golden / "inputs" / "reviews_all.csv").read_text("utf-8") == "product_id,rating\n1,5\n99,3\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[]", "non-empty list"),
        ("- {categoryId: 1}\n", "non-empty why"),
        ("- {categoryId: 1, why: a}\n- {categoryId: '1', why: b}\n", "twice"),
    ],
)
def test_read_category_ids__errors(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "categories.yaml").write_text(text, "utf-8")
    with pytest.raises(InputError, match=problem):
        read_category_ids(tmp_path)


def test_load_golden__reference_for_unknown_category_is_an_error(tmp_path: Path) -> None:
    shutil.copy(GOLDEN / "facts.jsonl", tmp_path / "facts.jsonl")
    ref = {"categoryId": 999, "marketOverviewSummary": "a", "growthSummary": "b"}
    (tmp_path / "references.jsonl").write_text(json.dumps(ref) + "\n", "utf-8")
    with pytest.raises(InputError, match="999 is not a golden category"):
        load_golden(tmp_path)
