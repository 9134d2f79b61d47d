"""Review-text lexicons and cleaning: what counts as a usage scenario, an age, a keyword, an example.

Review text is untrusted user content that ends up inside a model prompt. Everything here exists
so that the facts say what customers wrote (scenarios, ages, keywords) without ever passing on
personal data or a sentence that tries to instruct the model: that part is the one sanitiser in
:mod:`harness.facts.sanitize`, which examples and product fields both go through.

The lexicons are data, kept in one place so a reviewer can read and extend them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from harness.facts.sanitize import instruction_flags as injection_flags
from harness.facts.sanitize import is_instruction as is_injection
from harness.facts.sanitize import publishable

__all__ = ["injection_flags", "is_injection"]  # the insight stage's names for the sanitiser's flags

EXAMPLE_MAX_CHARS = 180

# Usage scenarios: the scenario name and the words whose presence in a review counts it once.
# Matched as plain substrings on the raw text (Korean particles attach without spaces).
USAGE_SCENARIOS: dict[str, tuple[str, ...]] = {
    "선물": ("선물",),
    "외출": ("외출", "나들이", "산책"),
    "여행": ("여행", "캠핑", "비행기"),
    "잠자리": ("잠자리", "수면", "낮잠", "밤잠", "재울", "재우", "잠들"),
    "목욕": ("목욕", "욕조", "씻길", "씻기", "샤워"),
    "식사": ("이유식", "식사", "밥먹", "밥 먹", "먹일"),
    "놀이": ("놀이", "놀아", "가지고 놀", "갖고 놀"),
    "학습": ("학습", "공부", "교육"),
    "차량": ("카시트", "차에서", "차량", "드라이브"),
    "등원": ("어린이집", "유치원", "등원"),
    "출산준비": ("출산", "출산준비", "출산 준비"),
}

# Ages: "18개월", "3살", "5세" (not "2세트", not "살균"); only plausible child ages are kept so
# that "35살 엄마" is not reported as a target age.
AGE_PATTERN = re.compile(r"(?<![0-9])([0-9]{1,2})\s*(개월|살|세)(?!트|균|척)")
AGE_LIMITS = {"개월": (1, 72), "살": (1, 15), "세": (1, 15)}
AGE_PREFILTER = r"[0-9]\s*(?:개월|살|세)"

# Keywords: nouns and adjective roots; the words below occur everywhere and tell a reader nothing
# about a category (the legacy regex's top tags were 좋아요, 너무, 아이가).
KEYWORD_TAGS = frozenset({"NNG", "NNP", "VA", "XR"})
STOPWORDS = frozenset(
    {
        "좋다", "너무", "아이", "아기", "애기", "애", "우리", "제품", "상품", "물건", "구매", "구입", "주문",
        "생각", "사용", "만족", "추천", "정도", "느낌", "부분", "이번", "다음", "처음", "진짜", "정말",
        "감사", "최고", "후기", "리뷰", "사진", "괜찮다", "있다", "없다", "같다", "그렇다", "이렇다",
        "저렇다", "어떻다", "아니다", "많다", "거", "것", "게", "수", "번", "좀", "때", "점", "개", "분",
        "건", "걸", "안", "내", "저", "데", "중", "후", "전", "날", "등", "뭐", "맘", "나", "너", "집",
        "엄마", "아빠", "딸", "아들", "조카", "하나", "계속", "완전", "다른", "다르다", "쓰다", "사다",
        "받다", "되다", "하다", "보다", "주다", "오다", "가다", "좋아하다", "마음", "기분", "가격대",
        "사이트", "판매자", "판매", "쇼핑", "쿠팡", "네이버", "ㅎㅎ", "ㅋㅋ",
    }
)
MAX_TOKENIZE_CHARS = 300


def clean_text(text: str) -> str:
    """Unescapes HTML entities and collapses whitespace (exports carry ``&amp;`` and line breaks)."""
    return " ".join(html.unescape(text).split())


def example_text(text: str, limit: int = EXAMPLE_MAX_CHARS) -> str:
    """The form a review takes as an example: cleaned, sanitised, at most ``limit`` characters.

    Sanitised before it is cut, so a phone number at the cut is masked whole, not half.
    """
    out, _ = publishable(clean_text(text))
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out


def dedup_key(text: str) -> str:
    """Key under which two reviews count as the same example (case, spacing, punctuation ignored)."""
    return re.sub(r"[\W_0-9]+", "", clean_text(text).lower())[:60]


def age_mentions(text: str) -> list[str]:
    """Distinct child ages a review mentions, normalised ("18 개월" -> "18개월"), in order of appearance."""
    found: list[str] = []
    for number, unit in AGE_PATTERN.findall(text):
        low, high = AGE_LIMITS[unit]
        value = int(number)
        label = f"{value}{unit}"
        if low <= value <= high and label not in found:
            found.append(label)
    return found


def _literal_alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in words)


def _contains(texts: pd.Series, pattern: str) -> np.ndarray:
    return texts.str.contains(pattern, regex=True, na=False).to_numpy(dtype=bool, na_value=False)


def scenario_matrix(texts: pd.Series) -> np.ndarray:
    """Bool matrix (reviews x scenarios, in USAGE_SCENARIOS order): does the review mention it.

    Vectorised regex scans (pyarrow-backed strings make each a C++ pass): one pass for any
    scenario word, then one per scenario over the reviews that matched, so counting is exact over
    every review, not only the keyword sample.
    """
    out = np.zeros((len(texts), len(USAGE_SCENARIOS)), dtype=bool)
    any_word = _literal_alternation([w for words in USAGE_SCENARIOS.values() for w in words])
    rows = np.flatnonzero(_contains(texts, any_word))
    if rows.size:
        subset = texts.iloc[rows]
        for col, words in enumerate(USAGE_SCENARIOS.values()):
            out[rows, col] = _contains(subset, _literal_alternation(words))
    return out


def age_candidates(texts: pd.Series) -> np.ndarray:
    """Bool per review: the text may mention an age (a cheap vectorised pre-filter)."""
    return _contains(texts, AGE_PREFILTER)


def keyword_of(form: str, tag: str) -> str | None:
    """The keyword a Kiwi token contributes, or None (adjective roots become their 다-form)."""
    if tag not in KEYWORD_TAGS:
        return None
    word = form + "다" if tag == "VA" else form
    if word in STOPWORDS or not any("가" <= ch <= "힣" for ch in word):
        return None
    return word
