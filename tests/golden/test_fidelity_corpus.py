"""Integrity of the numeric-fidelity corpus (golden/fidelity/), checked without the metric.

The corpus is the yardstick the metric is held to (issue 14), so its own defects would be read as
the metric's: a number nobody annotated, a span that points at the wrong place, an edit that
changed two claims, a count quietly below the issue's minimums.
"""

from __future__ import annotations

import json
import re
import runpy
from collections import Counter
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "golden" / "fidelity"
FIELDS = ("marketOverviewSummary", "growthSummary")
KINDS = ("value", "year", "brand", "direction", "label", "fabricated")
EDIT_KINDS = ("value", "year", "brand", "direction", "label")
# Korean number words the corpus's writers use: counters after a native numeral, halves, fractions.
NUMBER_WORD = re.compile(
    r"(?<![가-힣])(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|스무)\s?"
    r"(?:배(?!송|앓이)|곳|개(?!선|발|편|척|월|입|인|최)|건|명|해(?!석|당|외|결|소|야)|가지|차례|번|브랜드|자릿수|달)"
    r"|절반|과반|반토막|(?:\d|두|세|네|다섯|열)\s?분의"
)
# What the issue asks of the whole corpus (all batches).
MINIMUMS = {"total": 200, "categories": 14, "correct": 85, "correct_per_category": 4, "per_edit_kind": 18,
            "fabricated": 20}
# Batch 1 (landed first so the metric can be measured early): what the team agreed it holds.
BATCH1_MINIMUMS = {"total": 100, "categories": 8, "correct": 40, "correct_per_category": 4, "per_edit_kind": 9,
                   "fabricated": 10}
# Batch 3 (written last, by a writer who saw neither the metric nor batches 1-2's text): the held-out check.
BATCH3_MINIMUMS = {"total": 60, "categories": 8, "correct": 25, "correct_per_category": 2, "per_edit_kind": 6,
                   "fabricated": 6}
# Batch 4 (written after batch 3 by a writer who saw neither the metric nor batches 1-3's text): a second
# held-out check, with at least three categories no earlier batch used.
BATCH4_MINIMUMS = {"total": 40, "categories": 6, "correct": 16, "correct_per_category": 2, "per_edit_kind": 4,
                   "fabricated": 6}
BATCHES = (1, 2, 3, 4)
SAMPLE = ROOT / "data" / "sample"


def _jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{path.name}:{n}: not JSON: {e}")
    return rows


@lru_cache(maxsize=1)
def summaries() -> list[dict]:
    return _jsonl(CORPUS / "summaries.jsonl")


@lru_cache(maxsize=1)
def facts() -> list[dict]:
    return _jsonl(CORPUS / "facts.jsonl")


def by_id() -> dict[str, dict]:
    return {r["id"]: r for r in summaries()}


def spans(row: dict, field: str) -> list[tuple[int, int, dict]]:
    """Each annotation's (start, end) in its field, found as the format says: the occurrence-th match."""
    text, out = row[field], []
    for e in row["numbers"]:
        if e["field"] != field:
            continue
        pos, start = -1, 0
        for _ in range(e["occurrence"]):
            pos = text.find(e["text"], start)
            assert pos != -1, f"{row['id']}: {e['text']!r} occurrence {e['occurrence']} not in {field}"
            start = pos + len(e["text"])
        out.append((pos, pos + len(e["text"]), e))
    return out


def test_ids_unique_and_rows_well_formed():
    rows = summaries()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), [i for i, c in Counter(ids).items() if c > 1]
    fact_ids = {str(f["categoryId"]) for f in facts()}
    for r in rows:
        assert set(r) == {"id", "batch", "categoryId", "origin", "parent", "marketOverviewSummary", "growthSummary",
                          "numbers"}, r["id"]
        assert r["batch"] in BATCHES and r["origin"] in ("correct", "edit", "fabricated"), r["id"]
        assert str(r["categoryId"]) in fact_ids, r["id"]
        assert all(isinstance(r[f], str) and r[f] for f in FIELDS), r["id"]
        for e in r["numbers"]:
            assert e["field"] in FIELDS and e["status"] in ("supported", "wrong") and e["family"], (r["id"], e)
            if e["status"] == "supported":
                assert e["kind"] is None and e["how"], (r["id"], e)
            else:
                assert e["kind"] in KINDS and e["how"], (r["id"], e)
                assert (e["fact"] is None) == (e["kind"] == "fabricated"), (r["id"], e)


def test_every_annotation_is_found_where_it_says():
    for r in summaries():
        for field in FIELDS:
            located = sorted(spans(r, field))
            text = r[field]
            for (s, e, ann), nxt in zip(located, located[1:] + [None], strict=True):
                assert not (s > 0 and text[s - 1].isdigit()) and not (e < len(text) and text[e].isdigit() and
                                                                      text[e - 1].isdigit()), (r["id"], ann["text"])
                if nxt is not None:
                    assert e <= nxt[0], f"{r['id']}: {ann['text']!r} overlaps {nxt[2]['text']!r}"


def test_no_number_is_left_unannotated():
    missing = []
    for r in summaries():
        for field in FIELDS:
            text = r[field]
            covered = [False] * len(text)
            for s, e, _ in spans(r, field):
                covered[s:e] = [True] * (e - s)
            missing.extend(
                f"{r['id']} {field}: {m.group(0)!r} in {text[max(0, m.start() - 20):m.end() + 20]!r}"
                for m in [*re.finditer(r"\d+", text), *NUMBER_WORD.finditer(text)]
                if not all(covered[m.start():m.end()])
            )
    assert missing == []


def test_sentence_counts_follow_the_product_contract():
    for r in summaries():
        for field, (lo, hi) in zip(FIELDS, ((4, 6), (5, 8)), strict=True):
            n = len([s for s in re.split(r"(?<=[.!?])\s+", r[field].strip()) if s])
            assert lo <= n <= hi, f"{r['id']} {field}: {n} sentences"


def test_correct_rows_have_only_supported_numbers():
    for r in summaries():
        if r["origin"] == "correct":
            assert r["parent"] is None and r["numbers"], r["id"]
            assert all(e["status"] == "supported" for e in r["numbers"]), r["id"]


def _changed_region(a: str, b: str) -> tuple[int, int, int]:
    """Common prefix length and the changed spans' ends in a and b."""
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    return p, len(a) - s, len(b) - s


def test_edits_and_fabrications_change_one_claim_of_their_parent():
    rows = by_id()
    for r in summaries():
        if r["origin"] == "correct":
            continue
        parent = rows.get(r["parent"])
        assert parent is not None and parent["origin"] == "correct", r["id"]
        assert parent["categoryId"] == r["categoryId"], r["id"]
        wrong = [e for e in r["numbers"] if e["status"] == "wrong"]
        assert len(wrong) == 1, f"{r['id']}: {len(wrong)} wrong numbers"
        w = wrong[0]
        assert (w["kind"] == "fabricated") == (r["origin"] == "fabricated"), r["id"]
        changed = [f for f in FIELDS if r[f] != parent[f]]
        assert changed == [w["field"]], f"{r['id']}: changed {changed}, wrong number in {w['field']}"
        field = w["field"]
        p, pend, cend = _changed_region(parent[field], r[field])
        ws, we, _ = next(t for t in spans(r, field) if t[2] is w)
        if r["origin"] == "fabricated":
            assert pend == p and p <= ws and we <= cend, f"{r['id']}: not a pure insertion holding the claim"
            assert len(r["numbers"]) == len(parent["numbers"]) + 1, r["id"]
        else:
            assert len(r["numbers"]) == len(parent["numbers"]), r["id"]
            near = r[field][max(0, min(p, ws) - 1): max(cend, we) + 1]
            assert len(near) <= 80, f"{r['id']}: the edit and its wrong number are far apart: {near!r}"
        mine = Counter((e["field"], e["text"], e["fact"]) for e in r["numbers"] if e is not w)
        theirs = Counter((e["field"], e["text"], e["fact"]) for e in parent["numbers"])
        assert sum((mine - theirs).values()) <= 1, f"{r['id']}: untouched numbers differ from the parent's"


def _check_minimums(rows: list[dict], minimums: dict[str, int]) -> None:
    origin = Counter(r["origin"] for r in rows)
    kinds = Counter(e["kind"] for r in rows for e in r["numbers"] if e["status"] == "wrong")
    correct_per_cat = Counter(str(r["categoryId"]) for r in rows if r["origin"] == "correct")
    assert len(rows) >= minimums["total"]
    assert len(correct_per_cat) >= minimums["categories"]
    assert origin["correct"] >= minimums["correct"]
    assert min(correct_per_cat.values()) >= minimums["correct_per_category"], correct_per_cat
    assert all(kinds[k] >= minimums["per_edit_kind"] for k in EDIT_KINDS), kinds
    assert kinds["fabricated"] >= minimums["fabricated"] and origin["fabricated"] == kinds["fabricated"]


def test_batch_one_meets_its_minimums():
    rows = [r for r in summaries() if r["batch"] == 1]
    _check_minimums(rows, BATCH1_MINIMUMS)
    assert {"real-4", "real-38"} <= {str(r["categoryId"]) for r in rows}


def test_batch_three_meets_its_minimums():
    rows = [r for r in summaries() if r["batch"] == 3]
    _check_minimums(rows, BATCH3_MINIMUMS)
    earlier = Counter(str(r["categoryId"]) for r in summaries() if r["batch"] in (1, 2))
    mine = {str(r["categoryId"]) for r in rows}
    # at least two categories no earlier batch used, and at least three that they used at most the median
    assert len(mine - set(earlier)) >= 2, mine
    median = sorted(earlier.values())[len(earlier) // 2]
    least = {c for c, n in earlier.items() if n <= median}
    assert len(mine & least) >= 3, (mine, least)


def test_batch_four_meets_its_minimums():
    rows = [r for r in summaries() if r["batch"] == 4]
    _check_minimums(rows, BATCH4_MINIMUMS)
    earlier = {str(r["categoryId"]) for r in summaries() if r["batch"] in (1, 2, 3)}
    assert len({str(r["categoryId"]) for r in rows} - earlier) >= 3


def test_whole_corpus_meets_the_issue_minimums():
    rows = summaries()
    _check_minimums(rows, MINIMUMS)
    assert {"real-1", "real-4", "real-27", "real-38"} <= {str(r["categoryId"]) for r in rows}


def test_batch_two_is_held_out_on_categories_batch_one_lacks():
    by_batch = {b: {str(r["categoryId"]) for r in summaries() if r["batch"] == b} for b in BATCHES}
    assert len(by_batch[2] - by_batch[1]) >= 6, by_batch
    for r in summaries():
        if r["parent"] is not None:
            assert by_id()[r["parent"]]["batch"] == r["batch"], f"{r['id']}: parent from the other batch"


def test_facts_are_copies_that_validate():
    schema = json.loads((ROOT / "harness" / "facts" / "facts.schema.json").read_text(encoding="utf-8"))
    golden = {str(f["categoryId"]): f for f in _jsonl(ROOT / "golden" / "facts.jsonl")}
    ids = [str(f["categoryId"]) for f in facts()]
    assert len(ids) == len(set(ids))
    for f in facts():
        key = str(f["categoryId"])
        if key.startswith("real-"):
            assert "reviewInsights" not in f and "hhi" not in f["metrics"], f"{key}: not the legacy export"
        elif key.startswith("sample-"):
            assert f["categoryId"] == key and key.removeprefix("sample-").isdigit(), key
        else:
            stale = _changed_values(f, golden[key])
            assert stale == [], f"{key}: golden/facts.jsonl changed values the corpus copied: {stale[:5]}"
        jsonschema.validate(f, schema)


@pytest.mark.slow
def test_sample_facts_are_what_harness_facts_computes_on_data_sample():
    """The ``sample-<id>`` copies (batch 4) are ``harness facts`` on the committed sample, id renamed.

    Computed over every category of the export, as the copies were: distinctive-keyword scores are
    relative to the other categories, so one category alone gives other scores. Slow (about 7 s).
    """
    from harness.data.load import load_exports
    from harness.facts.engine import compute_facts

    exports = load_exports(SAMPLE / "products_all.csv", SAMPLE / "reviews_all.csv")
    current = {f"sample-{row['categoryId']}": dict(row, categoryId=f"sample-{row['categoryId']}")
               for row in compute_facts(exports.products, exports.reviews)}
    copies = [f for f in facts() if str(f["categoryId"]).startswith("sample-")]
    assert copies
    for f in copies:
        stale = _changed_values(f, current[f["categoryId"]])
        assert stale == [], f"{f['categoryId']}: facts on data/sample changed values the corpus copied: {stale[:5]}"


def _changed_values(copy, current, path: str = "") -> list[str]:
    """Paths whose value in the corpus copy differs from the current golden facts.

    Fields the golden facts gained since the copy was taken are fine (facts are added, never
    renamed); a value that moved means the corpus's annotations may no longer hold.
    """
    if isinstance(copy, dict) and isinstance(current, dict):
        return [p for k, v in copy.items() for p in
                (_changed_values(v, current[k], f"{path}.{k}") if k in current else [f"{path}.{k} (removed)"])]
    if isinstance(copy, list) and isinstance(current, list) and len(copy) == len(current):
        return [p for i, (a, b) in enumerate(zip(copy, current, strict=True)) for p in _changed_values(a, b, f"{path}[{i}]")]
    return [] if copy == current else [path]


def test_summaries_file_is_what_the_sources_build():
    build = runpy.run_path(str(CORPUS / "build.py"), run_name="corpus_build")
    rows, problems = build["build"]()
    assert problems == []
    assert (CORPUS / "summaries.jsonl").read_text(encoding="utf-8") == build["dumps"](rows)


def test_readme_counts_are_generated():
    counts = runpy.run_path(str(CORPUS / "counts.py"), run_name="corpus_counts")
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert counts["section"](summaries()) in readme
