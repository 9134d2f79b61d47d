"""``harness facts`` end to end on small CSV exports written in the real export's shape."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from harness.cli import app
from harness.facts import read_facts

from .conftest import block_products, block_reviews, dist, product


def _write_exports(tmp_path):
    rows = block_products() + [product("t1", "38", "유아동>완구>신생아완구", "X", 3, 4.0, dist(four=3), 100),
                               product("t2", "38", "유아동>장난감>신생아완구", "Y", 9, 5.0, dist(five=9), 100)]
    frame = pd.DataFrame(rows)
    for column in ("review_rating_distribution", "review_tags", "specifications", "price_trend"):
        frame[column] = frame[column].map(repr)
    products = tmp_path / "products_all.csv"
    frame.to_csv(products, index=False)
    reviews = tmp_path / "reviews_all.csv"
    pd.DataFrame(block_reviews() + [("t2", "2024-01-01", 5, "좋아요")],
                 columns=["product_id", "review_date", "rating", "review_text"]).to_csv(reviews, index=False)
    return products, reviews


def test_cli__writes_valid_facts_and_reports_quality(tmp_path):
    products, reviews = _write_exports(tmp_path)
    out = tmp_path / "facts.jsonl"
    result = CliRunner().invoke(app, ["facts", "--products", str(products), "--reviews", str(reviews),
                                      "--out", str(out), "--no-insights"])
    assert result.exit_code == 0, result.output
    facts = read_facts(out)
    assert [f["categoryId"] for f in facts] == [10, "38~1", "38~2"]
    assert facts[0]["metrics"]["totalReviewCount"] == 125
    assert "Data quality" in result.stdout and "wrote 3 categories" in result.stdout
    assert "disambiguated as <id>~<n>): 38" in result.stdout


def test_cli__contains_several_says_which_and_why(tmp_path):
    products, reviews = _write_exports(tmp_path)
    out = tmp_path / "facts.jsonl"
    result = CliRunner().invoke(app, ["facts", "--products", str(products), "--reviews", str(reviews),
                                      "--out", str(out), "--no-insights", "--category-contains", "신생아완구"])
    assert result.exit_code == 0, result.output
    assert "chose 38~2 (유아동>장난감>신생아완구) because it has the most matched reviews (1)" in result.stderr
    assert [f["categoryId"] for f in read_facts(out)] == ["38~2"]


def test_cli__bad_input_exits_2_with_one_line(tmp_path, run_cli):
    products, reviews = _write_exports(tmp_path)
    code, _, err = run_cli("facts", "--products", str(products), "--reviews", str(reviews),
                           "--out", str(tmp_path / "f.jsonl"), "--no-insights", "--category-id", "999")
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert lines == ["error: products: no category with id '999' (3 categories)"]
    assert not (tmp_path / "f.jsonl").exists()
