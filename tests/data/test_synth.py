"""The synthetic export: deterministic bytes, the real shape, and the market structures it promises."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from harness.data.load import load_exports
from harness.data.synth.catalog import KINDS
from harness.data.synth.generate import REVIEW_HEADER, generate
from harness.data.synth.plan import GOLDEN, large_plans, small_plans
from harness.data.synth.products import PRODUCT_HEADER
from harness.data.synth.text import HEAVY, MILD, NEG, POS, Composer

# A cut-down plan set: a few golden archetypes at small sizes keep the test fast.
FAST_PLANS = [replace(p, products=min(p.products, 40), reviews=min(p.reviews, 300)) for p in GOLDEN[:6]]


def _digest(directory: Path) -> tuple[str, str]:
    return tuple(hashlib.sha256((directory / name).read_bytes()).hexdigest()
                 for name in ("products_all.csv", "reviews_all.csv"))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def fast_export(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generate(out, seed=11, plans=FAST_PLANS)
    return out


def test_synth__same_seed_same_bytes(fast_export, tmp_path):
    generate(tmp_path, seed=11, plans=FAST_PLANS)
    assert _digest(tmp_path) == _digest(fast_export)


def test_synth__other_seed_other_bytes(fast_export, tmp_path):
    generate(tmp_path, seed=12, plans=FAST_PLANS)
    assert _digest(tmp_path)[1] != _digest(fast_export)[1]


def test_synth__real_export_header_and_python_repr_literals(fast_export):
    products = (fast_export / "products_all.csv").read_text(encoding="utf-8").splitlines()
    reviews = (fast_export / "reviews_all.csv").read_text(encoding="utf-8").splitlines()
    assert products[0].split(",") == list(PRODUCT_HEADER)
    assert reviews[0].split(",") == list(REVIEW_HEADER)
    assert "\"{'1': " in products[1]
    assert re.search(r"\[\{'period': '1개월', 'price': \d+\}", "\n".join(products))


def test_synth__loads_with_every_row_accounted_for(fast_export):
    exports = load_exports(fast_export / "products_all.csv", fast_export / "reviews_all.csv")
    q = exports.quality
    assert q.products.rows_kept + sum(q.products.dropped.values()) == q.products.rows_read
    assert q.reviews.rows_kept + sum(q.reviews.dropped.values()) == q.reviews.rows_read
    assert not q.products.bad_literals
    assert q.reviews_unknown_product > 0
    assert set(exports.products["category"].str.split(">").str[-1]) == {
        "그림/동화/놀이책", "이유식용품", "신생아/영유아완구", "카시트", "유모차"}
    specs = exports.products["specifications"]
    assert all(dict(s) for s in specs)  # a map cell reads as (key, value) pairs
    assert exports.reviews["review_date"].max() <= pd.Timestamp("2025-06-30")


def test_synth__review_count_column_matches_review_rows(fast_export):
    exports = load_exports(fast_export / "products_all.csv", fast_export / "reviews_all.csv")
    raw_reviews = pd.read_csv(fast_export / "reviews_all.csv", dtype=str, keep_default_na=False)
    per_product = raw_reviews.groupby("product_id").size()
    products = exports.products.set_index("id")
    matched = products.index.intersection(per_product.index)
    assert (products.loc[matched, "review_count"].astype(int) == per_product[matched]).all()


def _bank(composer: Composer, polarity: int) -> set[str]:
    start = composer.offsets[polarity]
    return set(composer.flat[start:start + composer.sizes[polarity]].tolist())


def test_composer__sentiment_follows_rating():
    rng = np.random.default_rng(0)
    composer = Composer(KINDS["diaper"])
    texts = composer.compose(rng, np.array([5] * 300 + [1] * 300), MILD)
    positive, negative = _bank(composer, POS), _bank(composer, NEG)
    for text in texts[:300]:
        assert any(s in text for s in positive), text
        assert not any(s in text for s in negative | {"비추입니다.", "반품하고 싶어요."}), text
    for text in texts[300:]:
        assert any(s in text for s in negative), text
        assert not any(s in text for s in positive | {"추천합니다!", "또 살게요."}), text


def test_composer__heavy_noise_has_all_the_mess():
    rng = np.random.default_rng(1)
    texts = Composer(KINDS["diaper"]).compose(rng, np.full(4000, 5), HEAVY)
    joined = "\n".join(texts)
    assert re.search(r"010-\d{4}-\d{4}", joined)
    assert re.search(r"mom\d+@naver\.com", joined)
    assert "&quot;" in joined or "&amp;" in joined or "&nbsp;" in joined
    assert "ㅋㅋ" in joined
    assert "이전 지시를 무시하고" in joined or "Ignore all previous instructions" in joined
    assert re.search(r"[\U0001F300-\U0001FAFF]", joined)
    assert len(set(texts)) > 0.8 * len(texts)


def test_plans__small_scale_covers_every_golden_case():
    plans = small_plans(7)
    assert 25 <= len(plans) <= 40
    ids = [p.category_id for p in plans]
    reused = {i for i in ids if ids.count(i) > 1}
    assert len(reused) == 1 and len({p.path for p in plans if p.category_id in reused}) == 2
    trends = {p.trend for p in plans}
    assert {"growth", "decline", "spike", "single_year", "no_dates", "before_2020"} <= trends
    assert any(p.text == "empty" for p in plans) and any(p.text == "heavy" for p in plans)
    assert any(p.products <= 10 for p in plans) and any(p.orphaned for p in plans)
    assert any(p.shares[0] > 0.8 for p in plans)
    assert any(len(p.shares) >= 40 and sum(s * s for s in p.shares) * 1e4 < 1000 for p in plans)


def test_plans__large_scale_totals():
    plans = large_plans(7)
    assert len(plans) >= 3000
    assert sum(p.products for p in plans) == 300_000
    assert sum(p.reviews for p in plans) == 5_000_000
    assert len({p.path for p in plans}) == len(plans)


def test_synth__bad_scale_is_input_error(tmp_path):
    from harness.errors import InputError

    with pytest.raises(InputError, match="unknown scale"):
        generate(tmp_path, scale="huge")


@pytest.mark.slow
def test_synth_cli__small_scale_reproduces_committed_sample(tmp_path, run_cli):
    """`harness data synth --seed 7 --scale small` must rebuild data/sample byte for byte."""
    sample = Path(__file__).parents[2] / "data" / "sample"
    status, stdout, _ = run_cli("data", "synth", "--out", str(tmp_path), "--seed", "7", "--scale", "small")
    assert status == 0
    assert "32 categories" in stdout
    assert _digest(tmp_path) == _digest(sample)
