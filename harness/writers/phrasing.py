"""Korean phrasing helpers: particles that agree with the word before them, safe names, lists, themes.

A template that writes "레고이" or "1,279으로" reads as machine output at once, so particles are
chosen from how the preceding word is pronounced (numbers included). Names from the data are
cleaned so that a brand like "Dr. Brown's" cannot split a sentence in
:func:`harness.writers.contract.split_sentences`. Keywords and tags are grouped into buyer themes
so the text can say what drives purchases (price, gifting, safety) instead of listing raw tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of ㄹ among the final consonants
# Final consonant of each digit's Sino-Korean reading: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT_HAS_FINAL = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False,
                    "6": True, "7": True, "8": True, "9": False}
_DIGIT_FINAL_RIEUL = {"1", "7", "8"}
# Latin letters whose English names end in a consonant sound Koreans write as a final (엘, 엠, 엔, 알).
_LATIN_FINAL = {"l": True, "m": True, "n": True, "r": True}
_PAIRS = {
    "이/가": ("이", "가"),
    "은/는": ("은", "는"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "이며/며": ("이며", "며"),
    "이고/고": ("이고", "고"),
    "으로/로": ("으로", "로"),
    "이다/다": ("이다", "다"),
}


# The writers call the string helpers below tens of times per summary on a small vocabulary
# (category names, brands, keywords, formatted numbers); the SFT builder writes 100 summaries per
# category, so the pure per-string results are cached. Bounded, so a long run cannot grow them
# without limit.
_CACHE = 1 << 16


@lru_cache(maxsize=_CACHE)
def _final(word: str) -> tuple[bool, bool]:
    """(has a final consonant, that final is ㄹ) for the last pronounced character of ``word``."""
    text = word.rstrip(" '\"’”]』」>")
    if text.endswith(")") and "(" in text:
        # A particle agrees with the word before a parenthetical: "코니스(26.4%)를", "2023년(…)과".
        text = text[: text.rindex("(")].rstrip()
    text = text.rstrip(" '\"’”)]』」>")
    if not text:
        return False, False
    last = text[-1]
    code = ord(last)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        final = (code - _HANGUL_FIRST) % 28
        return final != 0, final == _RIEUL
    if last.isdigit():
        digits = re.sub(r"[^0-9]", "", text.split(".")[-1] if "." in text else text)
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped)
        if zeros == 0 or "." in text:
            return _DIGIT_HAS_FINAL[last], last in _DIGIT_FINAL_RIEUL
        # 십(ㅂ) 백(ㄱ) 천(ㄴ) 만(ㄴ): every power of ten reading ends in a consonant, none in ㄹ.
        return True, False
    if last == "%":
        return False, False  # 퍼센트 / 퍼센트포인트
    if last.isalpha() and last.isascii():
        return _LATIN_FINAL.get(last.lower(), False), last.lower() in ("l", "r")
    return False, False


def josa(word: str, pair: str) -> str:
    """``word`` followed by the particle of ``pair`` that agrees with it.

    ``josa("레고", "이/가")`` -> ``레고가``; ``josa("HHI 약 1,279", "으로/로")`` -> ``HHI 약 1,279로``;
    ``josa("3.0%p", "이/가")`` -> ``3.0%p가``. For 으로/로, a word ending in ㄹ takes 로.
    """
    with_final, rieul = _final(word)
    consonant, vowel = _PAIRS[pair]
    if pair == "으로/로" and rieul:
        return word + vowel
    return word + (consonant if with_final else vowel)


_SENTENCE_PUNCT_SPACE = re.compile(r"([.!?。])\s+")


def clean_label(text: str, limit: int = 30) -> str:
    """A name or keyword safe inside a sentence: one line, no sentence-ending punctuation + space.

    The contract splits sentences at ``.``/``!``/``?`` followed by whitespace, so "Dr. Brown's"
    becomes "Dr.Brown's"; quotes are removed because labels are quoted by :func:`quoted`.
    """
    if type(text) is str:
        return _clean_str(text, limit)
    return _clean_str(str(text), limit)


@lru_cache(maxsize=_CACHE)
def _clean_str(text: str, limit: int) -> str:
    text = " ".join(text.split())
    text = _SENTENCE_PUNCT_SPACE.sub(r"\1", text)
    text = text.replace("'", "").replace('"', "").strip(" .!?")
    return text[:limit].rstrip() if len(text) > limit else text


def quoted(label: str) -> str:
    return f"'{clean_label(label)}'"


def join_and(items: Sequence[str]) -> str:
    """``["A", "B", "C"]`` -> ``A, B, C`` joined the way a report lists things (no trailing 및)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{josa(items[0], '과/와')} {items[1]}"
    return ", ".join(items)


def segment_parts(segment: str) -> tuple[str | None, str]:
    """``"연령: 3세이상"`` -> ``("연령", "3세이상")``; a segment without a key gives ``(None, text)``."""
    if ":" in segment:
        key, value = segment.split(":", 1)
        return key.strip() or None, value.strip()
    return None, segment.strip()


@dataclass(frozen=True)
class Theme:
    """A buyer concern that keywords point to, with how an analyst names it and acts on it."""

    name: str
    stems: tuple[str, ...]
    driver: str  # noun phrase: what drives purchases
    action: str  # verb phrase ending in -하는/-는 form's stem, joined into the action sentence


THEMES: tuple[Theme, ...] = (
    Theme("price", ("저렴", "가격", "가성비", "할인", "특가", "세일", "싸"), "가격 경쟁력",
          "가성비가 드러나는 묶음 구성과 가격대를 설계"),
    Theme("gift", ("선물",), "선물 수요", "선물용 포장과 구성을 갖춘 라인을 별도로 운영"),
    Theme("safety", ("안전", "발진", "유해", "성분", "유기농", "무독성", "피부", "인증", "순한"),
          "안전성·성분", "성분·안전 인증 정보를 상세페이지 첫 화면에 배치"),
    Theme("delivery", ("배송", "포장", "택배"), "배송·포장 경험", "배송 속도와 포장 품질을 관리 지표로 삼아 개선"),
    Theme("durability", ("튼튼", "내구", "마감", "품질", "고장", "견고"), "내구성·마감 품질",
          "내구성 검증 결과와 마감 디테일을 구체적으로 제시"),
    Theme("design", ("디자인", "색감", "예쁘", "귀여", "색상"), "디자인", "디자인과 색상 선택지를 넓혀 선택 폭을 확보"),
    Theme("development", ("교육", "학습", "발달", "두뇌", "집중"), "발달·교육 효과",
          "연령별 발달 단계에 맞춘 활용법 콘텐츠를 제공"),
    Theme("sound", ("소리", "사운드", "멜로디", "음악"), "소리·반응 요소", "소리와 반응 기능을 영상 콘텐츠로 보여 주는 방식을 활용"),
    Theme("car", ("차량", "드라이브", "장착"), "차량 이동 중 사용", "차량 장착 방법과 호환 정보를 명확히 안내"),
    Theme("comfort", ("허리", "어깨", "편안", "착용감", "아프"), "착용감·신체 부담",
          "허리·어깨 부담을 줄이는 설계를 핵심 메시지로 제시"),
    Theme("outing", ("외출", "여행", "나들이", "차량", "등원"), "외출·이동 중 사용",
          "이동 중 사용 장면과 휴대 방법을 대표 이미지로 제시"),
    Theme("sleep", ("잠자리", "수면", "낮잠"), "수면 환경", "수면 시간 사용법과 안전 수칙을 함께 안내"),
    Theme("bath", ("목욕",), "목욕 시 사용 편의", "목욕 동선에 맞춘 사용 편의를 구체적으로 설명"),
    Theme("meal", ("식사", "이유식"), "식사 준비 편의", "식사 준비 과정을 줄여 주는 구성을 강조"),
    Theme("play", ("놀이",), "놀이 활용도", "연령별 놀이 방법을 콘텐츠로 제시"),
    Theme("birth", ("출산",), "출산 준비 수요", "출산 준비 목록에 맞춘 세트 구성을 마련"),
    Theme("size", ("크기", "사이즈", "휴대", "가볍", "가벼", "부피"), "크기·휴대성",
          "실사용 크기와 휴대성을 사진과 치수로 명확히 안내"),
)

# Legacy regex tags and analyser keywords that say nothing about why people buy.
GENERIC_WORDS = frozenset(
    ["좋아요", "좋아해요", "좋아하네요", "좋아하고", "좋아합니다", "좋네요", "좋고", "좋은", "좋습니다", "너무", "정말", "진짜", "아주", "완전", "그냥", "잘", "많이", "아이가", "아기가", "아이", "아기", "애기", "아가", "아이들", "우리", "최고예요", "최고", "감사합니다", "만족합니다", "만족해요", "만족", "가지고", "아직", "있어요", "같아요", "합니다", "했어요", "구매", "구입", "제품", "상품", "사용", "생각", "입니다", "재구매", "추천", "추천합니다", "ㅎㅎ", "ㅋㅋ", "후기", "리뷰", "마음에", "들어요", "의사", "있어요", "좋아요", "만족스러워요", "괜찮아요", "잘", "써요", "쓰고", "써요", "사용해요", "합니다", "예요", "이에요"]
)


def informative(labels: Iterable[str]) -> list[str]:
    """Drops generic words and all-filler tags (좋아요, 너무, 아이가 좋아해요) and duplicates, keeping the order."""
    seen: set[str] = set()
    out = []
    for label in labels:
        text = _informative_text(label) if type(label) is str else _informative_text(str(label))
        if not text or text in seen:
            continue
        seen.add(text)
        out.append(text)
    return out


@lru_cache(maxsize=_CACHE)
def _informative_text(label: str) -> str:
    """The cleaned label, or "" when it carries nothing (blank or all generic words)."""
    text = clean_label(label)
    if not text or all(word in GENERIC_WORDS for word in text.split()):
        return ""  # "아이가 좋아해요" is all filler; "품질 좋아요" keeps its 품질
    return text


@lru_cache(maxsize=_CACHE)
def _theme_hits(label: str) -> tuple[int, ...]:
    """Indices into ``THEMES`` of the themes one label points to, in ``THEMES`` order."""
    return tuple(i for i, theme in enumerate(THEMES) if any(stem in label for stem in theme.stems))


def themes_of(labels: Iterable[str]) -> list[Theme]:
    """The themes the labels point to, in the order of the first label that hits each."""
    found: list[int] = []
    for label in labels:
        for index in _theme_hits(label):
            if index not in found:
                found.append(index)
    return [THEMES[i] for i in found]
