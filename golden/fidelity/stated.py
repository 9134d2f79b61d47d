"""The corpus writer's self-check: does a span's wording admit the value its annotation derives?

Authoring tool only. The writer names the fact each number claims (``derive.py``); this module
reads the span the writer annotated (never the surrounding text) and turns its wording into the
interval a careful reader would accept: 47.1% rounds, 약 43% and 39% 수준 round at the shown digit,
1만 7천여 건 is at least 17,000, 30%대 후반 is [37, 40), 10건 중 8건 이상 is at least 80%, 두 배 is
about 1.8-2.3x. ``check`` fails loudly so a typo in a supported number cannot reach the corpus.
"""

from __future__ import annotations

import re

WORD_NUM = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
            "스무": 20}
_WORDS = "|".join(sorted(WORD_NUM, key=len, reverse=True))
APPROX = ("약", "대략", "정도", "수준", "안팎", "내외", "가량", "전후", "쯤")
OVER = ("남짓", "넘는", "넘게", "넘어", "넘었", "넘긴", "넘습", "이상", "초과", "웃도", "웃돈", "상회")
UNDER = ("가까이", "가깝", "육박", "못 미", "미만", "밑도", "밑돈", "하회", "채 안", "채 되지")
EPS = 1e-9


def _has(span: str, words: tuple[str, ...]) -> bool:
    return any(w in span for w in words)


def _over(span: str) -> bool:
    return _has(span, OVER) or bool(re.search(r"(\d|천|만|백)여(\s|[가-힣]|$)", span))


def _num(tok: str) -> float:
    return float(WORD_NUM[tok]) if tok in WORD_NUM else float(tok.replace(",", ""))


def _around(x: float, unit: float, span: str) -> tuple[float, float]:
    if _over(span):
        return x, x + unit
    if _has(span, UNDER):
        return x - unit, x
    return x - unit / 2, x + unit / 2


def _unit_of(tok: str, hedged: bool) -> float:
    tok = tok.replace(",", "")
    if "." in tok:
        return 10.0 ** -len(tok.split(".")[1])
    if not hedged:
        return 1.0
    zeros = len(tok) - len(tok.rstrip("0"))
    return 10.0 ** min(zeros, len(tok) - 1)


def interval(span: str) -> tuple[float, float] | None:
    """The interval the span's wording claims, in the span's own unit (percent for shares)."""
    hedged = _has(span, APPROX + OVER + UNDER) or _over(span)
    p = re.search(rf"(\d[\d,]*|{_WORDS})\s*(?:건|개|명|곳|개 브랜드|개 상품|개 중)?\s*중\s*(\d[\d,]*|{_WORDS})", span)
    if p:
        n, k = _num(p.group(1)), _num(p.group(2))
        r, step = k / n * 100, 100 / n
        tail = span[p.end():]
        if _has(tail, ("이상", "넘", "웃")):
            return r, r + step
        if _has(tail, ("못 미", "미만", "안 되", "채 안", "가까이")):
            return r - step, r
        return r - step / 2, r + step / 2
    f = re.search(rf"(\d+|{_WORDS})\s?분의\s?(\d+|{_WORDS})", span)
    if f or "절반" in span or "과반" in span or "반토막" in span:
        r = _num(f.group(2)) / _num(f.group(1)) * 100 if f else 50.0
        if "과반" in span:
            return 50.0, 100.0
        if _has(span, ("이상", "넘", "웃", "초과")):
            return r, r + 5
        if _has(span, UNDER):
            return r - 5, r
        return r - 2.5, r + 2.5
    mw = re.search(rf"({_WORDS})\s?배", span) or re.search(r"(?<![\d.])(\d+)\s?배", span)
    if mw and "." not in mw.group(0):
        n = _num(mw.group(1))
        if _has(span, UNDER):
            return n - 0.4, n
        if _has(span, ("이상", "넘", "웃", "초과")):
            return n, n + 1
        return n - 0.2, n + 0.3
    z = re.search(rf"({_WORDS})\s?자릿수", span)
    if z:
        n = _num(z.group(1))
        return (0.0 if n == 1 else 10 ** (n - 1)), 10.0 ** n
    d = re.search(r"(\d+(?:\.\d+)?)(%|점)대(?:\s?(초반|중반|후반))?", span)
    if d:
        x = float(d.group(1))
        unit = 10.0 if d.group(2) == "%" and x % 10 == 0 else 1.0
        part = {"초반": (0, 0.35), "중반": (0.35, 0.7), "후반": (0.7, 1.0)}.get(d.group(3) or "", (0, 1.0))
        return x + part[0] * unit, x + part[1] * unit
    mc = re.search(r"(\d[\d,]*(?:\.\d+)?)만(?:\s?(\d[\d,]*)(천)?)?|(\d+)천", span)  # 3,532만 is 35,320,000
    if mc:
        if mc.group(4):
            x, unit = float(mc.group(4)) * 1000, 1000.0
        else:
            x = float(mc.group(1).replace(",", "")) * 10000
            unit = 10000.0 if "." not in mc.group(1) else 10000 * 10 ** -len(mc.group(1).split(".")[1])
            if mc.group(2):
                rest = float(mc.group(2).replace(",", ""))
                x += rest * (1000 if mc.group(3) else 1)
                unit = 1000.0 if mc.group(3) else 1.0
        if _over(span):
            return x, x + unit
        if _has(span, UNDER):
            return x - unit, x
        return x - unit / 2, x + unit
    nums = re.findall(r"-?\d[\d,]*(?:\.\d+)?", span)
    if nums:
        tok = nums[0]
        return _around(_num(tok), _unit_of(tok, hedged), span)
    w = re.search(rf"({_WORDS})", span)
    if w:
        x = _num(w.group(1))
        return x - 0.5, x + 0.5
    return None


def exact_numbers(span: str) -> list[float]:
    """Every number written in a label or threshold span (digits and Korean number words)."""
    out = [float(t.replace(",", "")) for t in re.findall(r"\d[\d,]*(?:\.\d+)?", span)]
    out += [float(WORD_NUM[t]) for t in re.findall(rf"(?<![가-힣])({_WORDS})(?=\s?[가-힣])", span)
            if not re.search(r"\d", span)]
    return out


def check(span: str, value, exact: bool) -> str | None:
    """None when the span admits the value; otherwise why not."""
    if exact:
        want = list(value) if isinstance(value, tuple) else [value]
        got = exact_numbers(span)
        return None if [float(x) for x in want] == got else f"exact {want} but the span says {got}"
    iv = interval(span)
    if iv is None:
        return "no number found in the span"
    v = value
    if v < 0 and "-" not in span and "−" not in span:
        v = -v
    lo, hi = iv
    if lo - EPS <= v <= hi + EPS:
        return None
    return f"{v:.4f} outside [{lo:.4f}, {hi:.4f}]"
