"""One paragraph read once for attribution: its numbers, what it names, and each number's clause.

A number's *window* is the part of its clause before it: back to a clause break, the start of its
sentence, or the previous number of the same unit (``레고 14.2%, 미미월드 9.9%`` gives 9.9% the
window ``미미월드``), at most 60 characters. Parenthesised asides are blanked out of windows
(``상위 3개 브랜드(하기스, 팸퍼스, 보솜이)가``: the aside lists the group's members, its commas are
not clause breaks), except for a number inside the parentheses, whose window is the aside so far
and the name right before it (``레고(14.2%)``). Commas inside a list of brand names do not end a
clause either. A sentence's topic (``1~2점 리뷰는 1,011건, 비중 1.6%``) reaches the clauses after it:
``topic`` is the sentence before the window.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from harness.evaluate.mentions import (
    CLAUSE_BREAK,
    OF_BEFORE,
    SENTENCE_END,
    BrandMention,
    GroupMention,
    YearMention,
    find_brands,
    find_groups,
    find_ranked_brands,
    find_years,
    is_year,
)
from harness.evaluate.stated import StatedNumber
from harness.evaluate.subject import Subject

REACH = 60
_PAREN = re.compile(r"\([^()]*\)")
_ANAPHOR = re.compile(r"\s*(?:이는|이\s?브랜드(?:는|의|가)|해당\s?브랜드(?:는|의|가))\s")
_BLANK_ASIDE = re.compile(r"\(\s*\)")
_FAMILY = {"%": "%", "%p": "%p", "배": "배", "건": "n", "개": "n", "곳": "n", "명": "n", "종": "n", "회": "n"}
_BRAND_REFERENCE = re.compile(r"보다|대비|비해|비하면|비교|과의|와의")
_OVERTAKES = re.compile(r"\s?(?:[을를]\s?)?$")
_OVERTAKE_VERB = re.compile(r"[^.,]{0,6}(?:앞서|앞선|앞질|제치|따돌|뒤처|뒤지|뒤진)")
_NEXT_ITEM = re.compile(r"\s?(?:과|와|및|그리고)\s")
_EACH = re.compile(r"각각|순으로|차례로")
_LIST_GAP = re.compile(r"[\s,·와과및]*")
# "33.6%를 기록한 2021년": a relative clause binds the number to the year it modifies.
_MODIFIES = re.compile(r"\s?(?:[을를이가의]\s?)?(?:[가-힣]{1,4}(?:한|인|던|은|된|운)\s)?(?:해(?:인|는|가)?\s?)?$")


def _join_lists(masked: str, brands: list[BrandMention]) -> str:
    """Commas inside a list of brand names (``레고, 미미월드, 유한킴벌리의``) do not end a clause."""
    chars = list(masked)
    for left, right in pairwise(brands):
        gap = masked[left.end : right.start]
        if gap.strip() == "," and "," in gap:
            chars[left.end + gap.index(",")] = "·"
    return "".join(chars)


REST_BEFORE = re.compile(r"(?:나머지|그\s?외|기타)\s?$")


def list_run(masked: str, items: list[StatedNumber], k: int, gap: re.Pattern[str]) -> tuple[int, int]:
    """The first and last index of the list ``items[k]`` belongs to: neighbours joined only by ``gap``
    (``40.0%에서 50.0%, 9.5%, 4.3%로``), so a rule can read a list said year by year as one claim."""
    first = last = k
    while first > 0 and gap.fullmatch(masked[items[first - 1].end : items[first].start]):
        first -= 1
    while last + 1 < len(items) and gap.fullmatch(masked[items[last].end : items[last + 1].start]):
        last += 1
    return first, last


def family(stated: StatedNumber) -> str:
    return _FAMILY.get(stated.unit, stated.unit)


@dataclass
class Paragraph:
    """A paragraph's numbers and mentions, with the windows attribution reads."""

    text: str
    masked: str
    numbers: Sequence[StatedNumber]
    subject: Subject
    years: list[YearMention]
    brands: list[BrandMention]
    groups: list[GroupMention]
    parens: list[tuple[int, int]]
    sentence_starts: list[int]
    _starts: dict[int, int] = field(default_factory=dict)
    _texts: dict[tuple[str, int], str] = field(default_factory=dict)
    _paren_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._paren_starts = [a for a, _ in self.parens]

    @classmethod
    def read(cls, text: str, numbers: Sequence[StatedNumber], subject: Subject) -> Paragraph:
        parens = [(m.start(), m.end()) for m in _PAREN.finditer(text)]
        masked = _PAREN.sub(lambda m: "(" + " " * (len(m.group(0)) - 2) + ")", text)
        brands = find_brands(text, subject.aliases)
        masked = _join_lists(masked, brands)
        brands += find_ranked_brands(text, numbers, len(subject.names))
        return cls(
            text, masked, numbers, subject, find_years(text, numbers, masked), sorted(brands, key=lambda b: b.start),
            find_groups(text, numbers), parens, [0] + [m.end() for m in SENTENCE_END.finditer(text)],
        )

    def sentence_start(self, pos: int) -> int:
        return self.sentence_starts[bisect_right(self.sentence_starts, pos) - 1]

    def paren_of(self, pos: int) -> tuple[int, int] | None:
        """The aside (parentheses) holding ``pos``, if any."""
        if not self.parens:
            return None
        k = bisect_right(self._paren_starts, pos - 1) - 1  # the last aside opening before pos
        return self.parens[k] if k >= 0 and pos < self.parens[k][1] else None

    def window_start(self, i: int) -> int:
        """Where the number's window starts (for a number in an aside: the clause the aside is in)."""
        if i not in self._starts:
            self._starts[i] = self._window_start(i)
        return self._starts[i]

    def _window_start(self, i: int) -> int:
        stated = self.numbers[i]
        paren = self.paren_of(stated.start)
        pos = paren[0] if paren is not None else stated.start
        floor = max(self.sentence_start(pos), pos - REACH)
        for prev in reversed(self.numbers[:i]):
            if prev.end <= pos and family(prev) == family(stated) and not self.paren_of(prev.start):
                floor = max(floor, prev.end)
                break
        breaks = [m.end() for m in CLAUSE_BREAK.finditer(self.masked, floor, pos)]
        return breaks[-1] if breaks else floor

    def window(self, i: int) -> str:
        """The number's clause before it, asides blanked; a number in an aside also sees the aside so far
        (``외출(318건)``, ``레고(14.2%)``)."""
        key = ("window", i)
        if key not in self._texts:
            self._texts[key] = self._window(i)
        return self._texts[key]

    def _window(self, i: int) -> str:
        stated = self.numbers[i]
        paren = self.paren_of(stated.start)
        if paren is None:
            return self.masked[self.window_start(i) : stated.start]
        return self.masked[self.window_start(i) : paren[0]] + self.text[paren[0] : stated.start]

    def since_last_figure(self, i: int) -> str:
        """The window after the last figure in it (years aside): words before an earlier figure are
        that figure's (``HHI는 약 1,338로 ... 제품의 72.7%``: HHI is not the 72.7%'s)."""
        window, lo = self.window(i), self.window_start(i)
        stated = self.numbers[i]
        figures = [n for n in self.numbers if lo <= n.start and n.end <= stated.start and not is_year(n)
                   and not self.paren_of(n.start)]
        return self.masked[figures[-1].end : stated.start] if figures and not self.paren_of(stated.start) else window

    def topic(self, i: int) -> str:
        """The sentence before the number's window: where a topic named earlier in the sentence is."""
        stated = self.numbers[i]
        return self.masked[self.sentence_start(stated.start) : self.window_start(i)]

    def after(self, i: int) -> str:
        """The rest of the number's clause (or of its aside), at most 30 characters, up to the next
        figure and the next item of a list (``15,456건과 리뷰가 없는 상품 비중``: the cue is the next item's)."""
        key = ("after", i)
        if key not in self._texts:
            self._texts[key] = self._after(i)
        return self._texts[key]

    def _after(self, i: int) -> str:
        stated = self.numbers[i]
        paren = self.paren_of(stated.start)
        source, stop = (self.text, paren[1] - 1) if paren else (self.masked, len(self.text))
        # up to the next figure: words after it are its own ("86.7%가 에디슨 제품에 달려 HHI 약 7,557"),
        # except a star rating the clause ends on ("8건 이상이 5점 만점")
        later = next((n for n in self.numbers[i + 1 :] if not self.paren_of(n.start) and not (n.unit == "점" and n.value <= 5)
                      and not is_year(n)), None)
        if later is not None:
            stop = min(stop, later.start)
        window = source[stated.end : min(stop, stated.end + 30)]
        if _NEXT_ITEM.match(window):
            return ""
        cut = CLAUSE_BREAK.search(window)
        return window[: cut.start()] if cut else window

    def brands_in_window(self, i: int) -> tuple[list[BrandMention], list[GroupMention]]:
        """Brands and top-k groups named in the window (and the name right before an aside holding it).

        A rank written next to a name (``1위 시공주니어``) names the same brand as the name; the
        name is what the reader binds the figure to.
        """
        stated = self.numbers[i]
        inside = self.paren_of(stated.start)
        lo = inside[0] + 1 if inside is not None else self.window_start(i)
        visible = [b for b in self.brands if lo <= b.start and b.end <= stated.start]
        groups = [g for g in self.groups if lo <= g.start and g.end <= stated.start]
        if inside is None:
            visible = [b for b in visible if self.paren_of(b.start) is None]
        elif not visible:
            visible = [b for b in self.brands if 0 <= inside[0] - b.end <= 2]
            groups = [g for g in self.groups if 0 <= inside[0] - g.end <= 8]
        named = [b for b in visible if not b.by_rank]
        # "1위 레고" is one brand; "4위 스엔코" when 스엔코 is fifth names both (the figure decides which)
        visible = [b for b in visible if not b.by_rank or not any(
            0 <= n.start - b.end <= 2 and n.index == b.index for n in named)]
        return visible, groups

    def brands_earlier(self, i: int) -> list[BrandMention]:
        """Brands named (by name) earlier in the sentence than the number's window."""
        stated = self.numbers[i]
        lo, hi = self.sentence_start(stated.start), self.window_start(i)
        return [b for b in self.brands if lo <= b.start and b.end <= hi and not b.by_rank and not self.paren_of(b.start)]

    def anaphor_brand(self, i: int) -> BrandMention | None:
        """``... 노즈프리다는 149건을 차지합니다. 이는 ...``: the brand a sentence opening on 이는 carries over
        (the last one the sentence before named)."""
        start = self.sentence_start(self.numbers[i].start)
        if not _ANAPHOR.match(self.text, start) or start == 0:
            return None
        before = self.sentence_start(start - 1)
        named = [b for b in self.brands if before <= b.start and b.end <= start and not b.by_rank
                 and not self.paren_of(b.start)]
        return named[-1] if named else None

    def subject_before(self, i: int) -> BrandMention | None:
        """The first brand the sentence before number ``i``'s named (its subject, as a rule)."""
        start = self.sentence_start(self.numbers[i].start)
        if start == 0:
            return None
        before = self.sentence_start(start - 1)
        named = [b for b in self.brands if before <= b.start and b.end <= start and not b.by_rank
                 and not self.paren_of(b.start)]
        return named[0] if named else None

    def star_tokens(self, i: int, least: int) -> bool:
        """At least ``least`` star ratings (``5점``, ``1~2점``) named in the number's window."""
        lo, stated = self.window_start(i), self.numbers[i]
        stars = [n for n in self.numbers if lo <= n.start and n.end <= stated.start and n.unit == "점"
                 and n.value.is_integer() and 1 <= n.value <= 5]
        return len(stars) >= least

    def brand_count_before(self, i: int) -> int | None:
        """A count of brands stated earlier in the sentence (``5개 브랜드가 10%를 넘고``, ``네 브랜드의``), if any."""
        stated = self.numbers[i]
        start = self.sentence_start(stated.start)
        for n in reversed([n for n in self.numbers if start <= n.start and n.end <= stated.start]):
            if n.unit in ("개", "곳") and n.value.is_integer() and 1 < n.value <= len(self.subject.names) and (
                    re.match(r"\s?(?:개\s?)?브랜드", self.text[n.end - 1 : n.end + 4]) or n.text.endswith("브랜드")) and \
                    not REST_BEFORE.search(self.text, max(0, n.start - 6), n.start):  # "나머지 다섯 브랜드": not the top 5
                return int(n.value)
        return None

    def brand_after(self, pos: int, reach: int, by_name: bool = False) -> BrandMention | None:
        """The first brand named within ``reach`` characters after ``pos`` in the same clause."""
        for brand in self.brands:
            if by_name and brand.by_rank:
                continue
            if pos <= brand.start <= pos + reach:
                return None if CLAUSE_BREAK.search(self.masked, pos, brand.start) else brand
        return None

    def is_reference(self, mention: BrandMention, i: int) -> bool:
        """The brand is what number ``i`` compares against: ``B보다``, ``B와의 격차``, ``B의 1.4배``,
        ``B를 17.7%p 앞선다``."""
        stated = self.numbers[i]
        between = _BLANK_ASIDE.sub("", self.masked[mention.end : stated.start])  # "마더케이(99건)의 세 배"
        if _BRAND_REFERENCE.search(between):
            return True
        if stated.unit in ("배", "%") and OF_BEFORE.fullmatch(between):
            return True
        return bool(_OVERTAKES.fullmatch(between) and _OVERTAKE_VERB.match(self.text, stated.end) and
                    re.match(r"\s?[을를]", between))

    def names_year(self, year: YearMention) -> bool:
        """Whether the year is written as a number (not 전년): then it can itself be the wrong number."""
        return any(n.end == year.end and is_year(n) for n in self.numbers)

    def years_before(self, i: int) -> list[YearMention]:
        stated = self.numbers[i]
        start = self.sentence_start(stated.start)
        return [y for y in self.years if start <= y.start and y.end <= stated.start]

    def year_modified(self, i: int) -> YearMention | None:
        """``33.6%를 기록한 2021년``: the year right after the number that its clause modifies."""
        stated = self.numbers[i]
        for year in self.years:
            if year.start >= stated.end:
                gap = self.masked[stated.end : year.start]
                return year if len(gap) <= 12 and _MODIFIES.fullmatch(gap) and not year.reference else None
        return None

    def year_after(self, i: int) -> YearMention | None:
        stated = self.numbers[i]
        for year in self.years:
            if year.start >= stated.end:
                gap = self.masked[stated.end : year.start]
                return None if CLAUSE_BREAK.search(gap) or year.reference else year
        return None

    def paren_year(self, i: int) -> YearMention | None:
        """For a number in an aside, the year of the phrase the aside follows (``2020년 연간 리뷰(149건)``)."""
        stated = self.numbers[i]
        paren = self.paren_of(stated.start)
        if paren is None or any(paren[0] < y.start < stated.start for y in self.years):
            return None
        lo = self.sentence_start(paren[0])
        before = [y for y in self.years if lo <= y.start and y.end <= paren[0]]
        if not before:
            return None
        year = before[-1]
        between = [n for n in self.numbers if year.end <= n.start < paren[0]]
        return year if not between and not CLAUSE_BREAK.search(self.masked, year.end, paren[0]) else None

    def each_brand(self, i: int) -> BrandMention | None:
        """With 각각 (or 순으로) after two or more names, the name number ``i`` pairs with by position."""
        mark, k, clause = self._each(i)
        if mark is None:
            return None
        names: list[BrandMention] = []
        for b in self.brands:  # "2위 폴레드와 3위 오케이베이비는 각각": a rank beside its name is one entry
            if clause <= b.start and b.end <= mark and self.paren_of(b.start) is None:
                if names and 0 <= b.start - names[-1].end <= 2 and (names[-1].by_rank or b.by_rank):
                    names[-1] = b if names[-1].by_rank else names[-1]
                else:
                    names.append(b)
        return names[k] if len(names) >= 2 and k < len(names) else None

    def each_year(self, i: int) -> YearMention | None:
        mark, k, clause = self._each(i)
        if mark is None:
            return None
        years = [y for y in self.years if clause <= y.start and y.end <= mark and not y.reference]
        return years[k] if len(years) >= 2 and k < len(years) else None

    def _each(self, i: int) -> tuple[int | None, int, int]:
        """(where 각각 is, the number's position in the list after it, where the clause of 각각 starts)."""
        stated = self.numbers[i]
        marks = list(_EACH.finditer(self.text, self.sentence_start(stated.start), stated.start))
        if not marks:
            return None, 0, 0
        mark = marks[-1]
        listed = [n for n in self.numbers if mark.end() <= n.start < stated.start]
        if any(family(n) != family(stated) for n in listed):
            return None, 0, 0
        chain = [*listed, stated]
        gaps = [self.masked[a.end : b.start] for a, b in pairwise(chain)]
        gaps.insert(0, self.masked[mark.end() : chain[0].start])
        if not all(_LIST_GAP.fullmatch(g) for g in gaps):
            return None, 0, 0
        breaks = [m.end() for m in CLAUSE_BREAK.finditer(self.masked, self.sentence_start(mark.start()), mark.start())]
        return mark.start(), len(listed), (breaks[-1] if breaks else self.sentence_start(mark.start()))

    def span(self, i: int) -> tuple[int, int] | None:
        """The period the number's sentence names before it: ``2020~2024년`` or ``2020년부터 2024년까지``."""
        before = self.years_before(i)
        for year in reversed(before):
            if year.first != year.year:
                return year.first, year.year
            if year.closes:
                opener = [y for y in before if y.opens and y.end <= year.start]
                return (opener[-1].year, year.year) if opener else None
        return None

    def listed_in_span(self, i: int, span: tuple[int, int]) -> int | None:
        """``2020년부터 2025년까지 303건, 327건, ...``: the year of the k-th figure of a list over the period."""
        stated = self.numbers[i]
        start = self.sentence_start(stated.start)
        run = [n for n in self.numbers if start <= n.start and family(n) == family(stated) and not is_year(n)]
        if len(run) != span[1] - span[0] + 1 or stated not in run:
            return None
        gaps = [self.masked[a.end : b.start] for a, b in pairwise(run)]
        # "2021~2024년 ... 47.6%에서 21.2%, 20.9%, 16.3%로": the first may be where the list starts from
        ok = all(re.fullmatch(r"\s?,\s?", g) or (k == 0 and re.fullmatch(r"\s?에서\s?", g)) for k, g in enumerate(gaps))
        return span[0] + run.index(stated) if ok else None
