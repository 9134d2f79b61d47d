"""Property test: any consistent facts object gets a valid, fully traced summary pair."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from writers_facts import make_facts
from writers_trace import untraced_numbers

from harness.writers.contract import SUMMARY_KEYS, sentence_count_ok, split_sentences, states_proxy_premise
from harness.writers.template import write_summary

counts = st.integers(min_value=0, max_value=200_000)


@st.composite
def facts_objects(draw: st.DrawFn) -> dict:
    n_brands = draw(st.integers(min_value=0, max_value=14))
    brand_reviews = tuple(draw(st.lists(st.integers(1, 50_000), min_size=n_brands, max_size=n_brands)))
    n_years = draw(st.integers(min_value=0, max_value=6))
    growth = tuple(draw(st.lists(st.integers(0, 30_000), min_size=n_years, max_size=n_years)))
    partial = draw(st.none() | st.sampled_from([0.5, 3.0, 6.5, 9.0, 11.97]))
    text_count = draw(st.none() | st.integers(0, 20_000))
    segments = draw(st.sampled_from([(), (("연령: 3세이상", 40),), (("용량: 100g", 12), ("타입: 유기농", 9))]))
    keywords = draw(st.sampled_from([(), (("가격", 30), ("촉감", 20)), (("좋아요", 10),)]))
    return make_facts(
        brand_reviews=brand_reviews,
        unbranded_reviews=draw(st.integers(0, 5_000)),
        products=draw(st.integers(1, 20_000)),
        zero_ratio=draw(st.floats(0.0, 1.0)),
        rating=draw(st.floats(1.0, 5.0)),
        growth=growth,
        partial_months=partial if n_years else None,
        segments=segments,
        text_count=text_count,
        keywords=keywords,
        distinctive=keywords,
        scenarios=draw(st.sampled_from([(), (("선물", 5),), (("외출", 3), ("목욕", 2))])),
        price_change=draw(st.none() | st.floats(-0.5, 0.5)),
    )


def _check(facts: dict) -> None:
    summary = write_summary(facts)
    for key in SUMMARY_KEYS:
        text = summary[key]
        assert states_proxy_premise(split_sentences(text)[0])
        assert sentence_count_ok(key, text), (key, split_sentences(text))
        assert untraced_numbers(text, facts) == [], (key, text)
        assert all(s.endswith("니다.") for s in split_sentences(text)), text


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_objects())
def test_template__any_consistent_facts_meet_the_contract(facts):
    _check(facts)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts_objects())
def test_template__any_consistent_facts_meet_the_contract_long(facts):
    _check(facts)
