"""SFT building in worker processes: the same file and the same counts as in-process.

The parallel writer decides golden and min-products skips up front but applies ``max_categories``
in order from the workers' results, because with references a category may produce nothing; these
tests pin that the bytes and every count match ``workers=1`` in both modes, and that an error in a
worker reaches the caller as the exception the in-process path raises.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import reference_facts, summary

from harness.errors import InputError
from harness.train import sft_pool
from harness.train.config import SFTSettings
from harness.train.sft import SFTStats, iter_samples, subset_facts, target_for, write_sft
from harness.train.sft_io import sft_line
from harness.train.sft_pool import can_fork
from harness.writers.facts_view import FactsShapeError

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FACTS = reference_facts()

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes need the fork start method (Linux)")


@pytest.fixture(scope="module")
def sample_categories() -> dict[str, Any]:
    """The committed sample export grouped once (no insights: the market path is what workers share)."""
    from harness.data.load import load_exports
    from harness.facts import prepare_categories

    exports = load_exports(SAMPLE / "products_all.csv", SAMPLE / "reviews_all.csv")
    return prepare_categories(exports.products, exports.reviews, insights=False)


def _write(categories: dict[str, Any], settings: SFTSettings, golden: set[str], workers: int,
           facts_fn: Any = subset_facts, target_fn: Any = None) -> tuple[str, dict[str, Any]]:
    handle = io.StringIO()
    stats = write_sft(categories, settings, golden, facts_fn, target_fn or target_for(settings), handle,
                      workers=workers)  # fmt: skip
    return handle.getvalue(), stats.to_dict()


@pytest.mark.parametrize(("workers", "per_task"), [(2, 200), (3, 4), (2, 1)])
def test_write_sft__workers_give_the_in_process_file_and_counts(
    sample_categories: dict[str, Any], workers: int, per_task: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sft_pool, "ITEMS_COST_PER_TASK", per_task)  # one category a task, or several
    settings = SFTSettings(samples_per_category=4, subsample_ratio=0.6, use_review_text=False, seed=5)
    golden = {"4", "21", "52~1"}
    one, one_stats = _write(sample_categories, settings, golden, workers=1)
    many, many_stats = _write(sample_categories, settings, golden, workers=workers)
    assert many == one
    assert many_stats == one_stats
    assert one_stats["samples"] == len(one.splitlines()) > 0 and one_stats["skipped_golden"] == 3


def test_write_sft__max_categories_and_min_products_match(sample_categories: dict[str, Any]) -> None:
    settings = SFTSettings(samples_per_category=2, max_categories=5, min_products=60, use_review_text=False)
    one, one_stats = _write(sample_categories, settings, set(), workers=1)
    many, many_stats = _write(sample_categories, settings, set(), workers=2)
    assert many == one and many_stats == one_stats
    assert one_stats["categories_used"] == 5 and one_stats["skipped_max_categories"] > 0
    assert one_stats["skipped_min_products"] > 0


def test_write_sft__matches_iter_samples(sample_categories: dict[str, Any]) -> None:
    settings = SFTSettings(samples_per_category=3, use_review_text=False)
    stats = SFTStats()
    rows = iter_samples(sample_categories, settings, set(), subset_facts, target_for(settings), stats)
    expected = "".join(sft_line(row) for row in rows)
    text, parallel_stats = _write(sample_categories, settings, set(), workers=2)
    assert text == expected and parallel_stats == stats.to_dict()


def _fake_categories(sizes: dict[str, int]) -> dict[str, Any]:
    return {cid: SimpleNamespace(key=cid, product_count=n) for cid, n in sizes.items()}


def _fake_facts(data: Any, subset: list[int] | None) -> dict[str, Any]:
    facts = json.loads(json.dumps(FACTS[0]))
    facts["categoryId"] = int(data.key)
    facts["metrics"]["productCount"] = data.product_count if subset is None else len(subset)
    return facts


def test_write_sft__references_missing_ones_do_not_count_towards_max_categories() -> None:
    # With references, a category without one produces nothing and does not use up max_categories:
    # the limit can only be applied in order, from the results.
    cats = _fake_categories({str(i): 10 for i in range(1, 41)})
    settings = SFTSettings(references="refs.jsonl", max_categories=7)

    def target(facts: dict[str, Any]) -> dict[str, str] | None:
        return summary(facts) if facts["categoryId"] % 3 == 0 else None

    one, one_stats = _write(cats, settings, {"6"}, 1, _fake_facts, target)
    many, many_stats = _write(cats, settings, {"6"}, 2, _fake_facts, target)
    assert many == one and many_stats == one_stats
    assert one_stats["training_category_ids"] == ["3", "9", "12", "15", "18", "21", "24"]
    assert one_stats["skipped_no_reference"] == 16 and one_stats["skipped_max_categories"] == 16


@pytest.mark.parametrize("error", [InputError("refs.jsonl", "bad reference", "categoryId 9"),
                                   FactsShapeError("metrics.hhi", "expected a finite number")])
def test_write_sft__worker_error_reaches_the_caller(error: Exception) -> None:
    # Neither exception survives default pickling (their __init__ takes more than the message).
    cats = _fake_categories({str(i): 10 for i in range(1, 30)})

    def facts_fn(data: Any, subset: list[int] | None) -> dict[str, Any]:
        if data.key == "9":
            raise error
        return _fake_facts(data, subset)

    settings = SFTSettings(samples_per_category=2)
    with pytest.raises(type(error)) as serial:
        _write(cats, settings, set(), 1, facts_fn, summary)
    with pytest.raises(type(error)) as parallel:
        _write(cats, settings, set(), 2, facts_fn, summary)
    assert str(parallel.value) == str(serial.value) == str(error)
    assert vars(parallel.value) == vars(error)


def test_sft_build_cli__workers_flag(tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    common = ["sft", "build", "--products", str(SAMPLE / "products_all.csv"), "--reviews",
              str(SAMPLE / "reviews_all.csv"), "--exclude-golden", str(SAMPLE.parents[1] / "golden"),
              "--samples-per-category", "2", "--no-use-review-text"]  # fmt: skip
    outs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"sft{workers}.jsonl"
        result = CliRunner().invoke(app, [*common, "--out", str(out), "--workers", workers])
        assert result.exit_code == 0, result.output
        outs[workers] = (out.read_bytes(), result.stdout.replace(str(out), "OUT"))
    assert outs["1"] == outs["2"] and b"sampleIndex" in outs["1"][0]
    code, _, err = run_cli(*common, "--out", str(tmp_path / "x.jsonl"), "--workers", "0")
    assert code == 2
    assert "--workers: must be at least 1, got 0" in err
