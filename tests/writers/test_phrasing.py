"""Particles that agree with the word before them, safe labels, buyer themes."""

from __future__ import annotations

import pytest

from harness.writers.contract import split_sentences
from harness.writers.phrasing import clean_label, informative, join_and, josa, themes_of


@pytest.mark.parametrize(("word", "pair", "expected"), [
    ("레고", "이/가", "레고가"),
    ("나비잠", "이/가", "나비잠이"),
    ("HHI 약 1,279", "으로/로", "HHI 약 1,279로"),  # 구
    ("HHI 약 383", "으로/로", "HHI 약 383으로"),  # 삼
    ("HHI 약 7,541", "으로/로", "HHI 약 7,541로"),  # 일: ㄹ takes 로
    ("HHI 약 1,000", "으로/로", "HHI 약 1,000으로"),  # 천
    ("38.6%", "으로/로", "38.6%로"),  # 퍼센트
    ("4.7점", "으로/로", "4.7점으로"),
    ("2024년", "은/는", "2024년은"),
    ("코니스(26.4%)", "을/를", "코니스(26.4%)를"),  # agrees with the word before the parenthesis
    ("2023년(18.4% 감소)", "과/와", "2023년(18.4% 감소)과"),
    ("'물티슈'", "이/가", "'물티슈'가"),
    ("LEGO", "이/가", "LEGO가"),
    ("Gerber Plum", "이/가", "Gerber Plum이"),
])
def test_josa__agrees_with_pronunciation(word, pair, expected):
    assert josa(word, pair) == expected


def test_clean_label__cannot_split_a_sentence():
    label = clean_label("Dr. Brown's  Natural\nFlow! 젖병")
    assert label == "Dr.Browns Natural Flow!젖병"
    assert len(split_sentences(f"{label} 제품이 1위입니다.")) == 1


def test_join_and__two_items_use_a_particle():
    assert join_and(["'가격'", "'선물'"]) == "'가격'과 '선물'"
    assert join_and(["A", "B", "C"]) == "A, B, C"
    assert join_and(["A"]) == "A"


def test_informative__drops_generic_review_words():
    assert informative(["좋아요", "너무", "아이가", "물티슈", "저렴하게", "물티슈"]) == ["물티슈", "저렴하게"]


def test_themes_of__maps_words_to_buyer_concerns():
    names = [t.name for t in themes_of(["저렴하게", "선물로", "배송", "발진"])]
    assert names == ["price", "gift", "delivery", "safety"]
    assert themes_of(["아무말"]) == []
