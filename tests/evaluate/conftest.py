"""Shared fixtures: the real reference facts and a hand-written, fully supported summary of category 4."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

HAND_MARKET = (
    "본 분석의 점유율과 성장률은 실제 판매가 아니라 리뷰 수를 대리 지표로 삼아 추정한 값입니다. "
    "그림/동화/놀이책 카테고리는 9,190개 제품, 1,411개 브랜드에서 리뷰 64,518건이 집계되었습니다. "
    "1위 레고가 14.2%, 2위 미미월드가 9.9%로 격차는 4.3%p이며 상위 3개 브랜드 합산 점유율은 29.6%입니다. "
    "평균 평점은 4.7점이며 5점 리뷰가 82.3%를 차지하지만, 리뷰가 없는 제품 비중은 38.6%입니다. "
    "레고는 미미월드보다 1.4배 많은 리뷰를 확보했습니다."
)
HAND_GROWTH = (
    "성장 추이 역시 실제 거래가 아닌 리뷰 수를 대리 지표로 본 것입니다. "
    "2022년 리뷰는 7,853건으로 전년 대비 38.1% 증가했습니다. "
    "2023년에는 6,411건으로 18.4% 감소했으나 2024년에는 17,697건으로 176.0% 증가했습니다. "
    "2025년에는 14,293건으로 19.2% 감소했지만 2020년의 4,837건보다는 약 3배 많습니다. "
    "2020~2025년 누적으로 보면 연간 리뷰는 약 1만 건 안팎에서 움직였습니다."
)


@pytest.fixture(scope="session")
def reference_facts() -> list[dict[str, Any]]:
    """The four real categories (legacy shape) from tests/fixtures/reference_facts.jsonl."""
    with (FIXTURES / "reference_facts.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def facts4(reference_facts: list[dict[str, Any]]) -> dict[str, Any]:
    return next(f for f in reference_facts if f["categoryId"] == 4)


@pytest.fixture(scope="session")
def hand_summary() -> dict[str, str]:
    return {"marketOverviewSummary": HAND_MARKET, "growthSummary": HAND_GROWTH}
