"""Growing a golden set from an export: structure-spread picks, appended with reasons, then frozen."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.errors import InputError
from harness.runner.golden_build import build_golden, read_category_ids
from harness.runner.golden_pick import append_categories, growth_shape, pick, pick_from_export

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


def facts(cid: int, hhi: float, counts: list[int], reviews: int = 500, text: int = 400) -> dict[str, Any]:
    return {
        "categoryId": cid,
        "metrics": {"hhi": hhi},
        "growthData": [{"year": 2020 + i, "reviewCount": c, "partial": False} for i, c in enumerate(counts)],
        "dataQuality": {"reviewsMatched": reviews, "reviewsWithText": text},
    }


@pytest.mark.parametrize(
    ("counts", "shape"),
    [([100, 120, 150], "rising"), ([150, 120, 100], "falling"), ([100, 400, 100, 110], "spike"),
     ([100, 102, 99], "flat"), ([300], "no growth data"), ([], "no growth data")],
)  # fmt: skip
def test_growth_shape(counts: list[int], shape: str) -> None:
    assert growth_shape(facts(1, 1000, counts)) == shape


def test_pick__round_robin_over_structures_most_reviewed_first() -> None:
    items = [
        facts(1, 800, [100, 200], reviews=900),
        facts(2, 800, [100, 200], reviews=950),
        facts(3, 3000, [200, 100], reviews=300),
        facts(4, 1800, [100, 100], reviews=200),
    ]
    chosen = pick(items, set(), 3)
    assert [p.category_id for p in chosen] == ["3", "2", "4"]  # one per group first, groups in order
    assert "concentrated, falling, 300 matched reviews" in chosen[0].why


def test_pick__skips_listed_thin_and_textless_categories() -> None:
    items = [facts(1, 800, [1, 2]), facts(2, 800, [1, 2], reviews=50), facts(3, 800, [1, 2], text=0), facts(4, 800, [1, 2])]
    assert [p.category_id for p in pick(items, {"1"}, 5)] == ["4"]


@pytest.mark.slow
def test_pick_from_export__grows_the_set_and_build_freezes_it(tmp_path: Path) -> None:
    if not (SAMPLE / "products_all.csv").exists():
        pytest.skip("no committed sample")
    golden = tmp_path / "golden"
    golden.mkdir()
    shutil.copy(REPO / "golden" / "categories.yaml", golden)
    before = read_category_ids(golden)
    picks = pick_from_export(SAMPLE, golden, 3)
    after = read_category_ids(golden)
    assert len(picks) == 3 and after[: len(before)] == before and len(after) == len(before) + 3
    assert not set(before) & {p.category_id for p in picks}
    result = build_golden(SAMPLE, golden)
    assert result.facts >= len(after)


def test_pick_from_export__missing_files_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"products_all\.csv"):
        pick_from_export(tmp_path, tmp_path / "golden", 3)


def test_append_categories__creates_the_file(tmp_path: Path) -> None:
    from harness.runner.golden_pick import Pick

    append_categories(tmp_path / "g", [Pick("7", "picked: a reason")])
    assert read_category_ids(tmp_path / "g") == ["7"]


def test_build_golden__cuts_a_cp949_export(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    (export / "products_all.csv").write_bytes("id,category_id,name\n1,7,유모차\n2,8,젖병\n".encode("cp949"))
    (export / "reviews_all.csv").write_bytes("product_id,rating,review_text\n1,5,좋아요\n".encode("cp949"))
    golden = tmp_path / "golden"
    golden.mkdir()
    (golden / "categories.yaml").write_text("- {categoryId: 7, why: test}\n", "utf-8")
    build_golden(export, golden, facts=False)
    assert (golden / "inputs" / "products_all.csv").read_text("utf-8") == "id,category_id,name\n1,7,유모차\n"


def test_pick_from_export__small_export(tmp_path: Path) -> None:
    fixtures = REPO / "tests" / "data" / "fixtures"
    export = tmp_path / "export"
    export.mkdir()
    shutil.copy(fixtures / "products.csv", export / "products_all.csv")
    shutil.copy(fixtures / "reviews.csv", export / "reviews_all.csv")
    golden = tmp_path / "golden"
    picks = pick_from_export(export, golden, 5, min_reviews=1, min_text=0)
    assert sorted(p.category_id for p in picks) == sorted(read_category_ids(golden))
    assert picks and all(p.why.startswith("picked from export:") for p in picks)
    assert pick_from_export(export, golden, 5, min_reviews=1, min_text=0) == []  # nothing new left
