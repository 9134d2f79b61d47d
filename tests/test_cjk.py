"""One CJK definition: whatever the leak metric counts, the normalizer removes (astral Han included)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from harness.cjk import CJK_CHAR
from harness.evaluate.format_metrics import cjk_leak
from harness.writers.normalize import normalize_output

_LEAKED = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),
    st.characters(min_codepoint=0x20000, max_codepoint=0x2FFFF),  # the normalizer once let these through
)


@given(st.text(_LEAKED, min_size=1, max_size=6))
def test_normalizer_removes_what_the_leak_metric_counts(leak: str) -> None:
    summary = {"marketOverviewSummary": f"리뷰 기준 점유율은 {leak} 높습니다.", "growthSummary": f"성장은 리뷰 기준입니다. {leak}"}
    raw = json.dumps(summary, ensure_ascii=False)
    assert cjk_leak(raw)
    cleaned = normalize_output(raw).summary
    assert not any(CJK_CHAR.search(text) for text in cleaned.values()), cleaned


def test_hangul_is_not_cjk_leakage() -> None:
    assert not CJK_CHAR.search("가나다 한글 ㄱㅎ 리뷰")
