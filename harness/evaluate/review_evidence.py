"""What a category's reviews say, as items a summary sentence can be checked against.

The quality metrics (:mod:`harness.evaluate.quality`) credit a summary for what the facts engine
found in the category's review text, and they find it in the summary with the engine's own
definitions, so a writer is credited for the same things the engine counted in the reviews, not
for phrasing that resembles any one hand-written summary:

- **scenarios**: ``reviewInsights.usageScenarios``, found by the engine's scenario words
  (``USAGE_SCENARIOS``), minus words inside the category's own name (카시트 is a word of the 차량
  scenario and the name of the 카시트 category; naming the category says nothing about use);
- **ages**: ``reviewInsights.ageMentions``, found by the engine's age pattern (살 and 세 count as
  the same age; a range such as ``12개월이상`` is a spec segment, not a child's age);
- **keywords**: ``reviewInsights.distinctiveKeywords`` whose log-odds z-score is at least 1.96
  (distinctive at 95% against the other categories), minus words of the category name, found as
  Kiwi keywords of the sentence (morphemes, so 양 is not found in 다양한); words every market
  summary uses (``GENRE_WORDS``: 차지, 집중, 가격, 품질 ...) never count;
- **praise** and **complaint** themes: the clauses of ``positiveExamples`` / ``negativeExamples``
  with at least two keywords (category-name words left out); a sentence states a theme when it
  shares two of the clause's keywords ("허리 받침이 튼튼해 덜 아프다" states "허리 받침이 튼튼해서
  오래 안아도 덜 아파요"; "냄새" alone does not state "냄새가 심해서 며칠 환기시켰어요").

Besides review evidence, a recommendation can **target** named facts: brands, segments (the spec
values of ``metrics.topSegments``), scenarios and ages. Every item carries the facts record it
comes from (``metrics.topBrands[0]``), so a name and a number about the same record count as one
fact (``에디슨(86.7%)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from harness.evaluate.derive import as_dict, as_records, num

DISTINCTIVE_Z = 1.96
THEME_SHARED_KEYWORDS = 2
EVIDENCE_KINDS = ("scenario", "age", "keyword", "praise", "complaint")
TARGET_KINDS = ("brand", "segment", "scenario", "age")

# A Hangul root followed by 하-/한/할/합/해/했/적 is an adjective or adverb (유리합니다, 일반적):
# the spec value 유리 (glass) or 일반 (plain type) is not named there.
_DERIVED_AFTER = frozenset("하한할합해했적")
# Words every market summary uses whatever its reviews say (share, concentration, demand, price,
# quality): a review keyword or theme word that is also one of these (욕조 reviews' 공간을 "차지",
# toy reviews' 아기가 "집중"; "가격 대비 품질") is never evidence, or "점유율을 차지" would be.
GENRE_WORDS = frozenset(
    {"차지", "집중", "점유", "점유율", "비중", "시장", "수요", "성장", "증가", "감소", "상위", "평점",
     "브랜드", "카테고리", "가격", "품질", "구성", "차별화", "경쟁"}
)
_HANGUL = re.compile(r"[가-힣]+")
_AGE_RANGE = re.compile(r"\d+\s*(?:개월|살|세)\s*(?:이상|이하|미만|초과|부터|까지|용)")


@dataclass(frozen=True)
class Item:
    """One thing a sentence can state: its kind, a display key, and the facts record it comes from."""

    kind: str
    key: str
    record: str


@dataclass(frozen=True)
class Theme:
    """A praise or complaint clause of the review examples, as the keywords it is recognised by."""

    kind: str
    clause: str
    keywords: frozenset[str]
    record: str


@dataclass(frozen=True)
class ReviewEvidence:
    """The review-derived items and the nameable facts of one category."""

    has_review_text: bool
    scenarios: tuple[tuple[Item, tuple[str, ...]], ...]
    ages: tuple[tuple[Item, tuple[int, str]], ...]
    keywords: tuple[Item, ...]
    themes: tuple[Theme, ...]
    brands: tuple[Item, ...]
    segments: tuple[Item, ...]
    tags: tuple[Item, ...]

    @property
    def has_evidence(self) -> bool:
        """The reviews left something to be grounded in (text, and at least one item)."""
        return self.has_review_text and bool(self.scenarios or self.ages or self.keywords or self.themes)

    def evidence_in(self, sentence: str) -> set[Item]:
        """The review evidence (scenario, age, keyword, praise, complaint) ``sentence`` states."""
        words = sentence_keywords(sentence)
        found = set(self.scenarios_in(sentence)) | set(self.ages_in(sentence))
        found |= {item for item in self.keywords if item.key in words}
        found |= {
            Item(theme.kind, theme.clause, theme.record)
            for theme in self.themes
            if len(theme.keywords & words) >= THEME_SHARED_KEYWORDS
        }
        return found

    def targets_in(self, sentence: str) -> set[Item]:
        """The named facts (brand, segment, scenario, age) ``sentence`` names."""
        compact = "".join(sentence.split())
        found = {item for item in self.brands if item.key in compact}
        found |= {item for item in self.segments if _names_value(compact, item.key)}
        return found | set(self.scenarios_in(sentence)) | set(self.ages_in(sentence))

    def named_in(self, sentence: str) -> set[Item]:
        """Every named fact of the category in ``sentence``: targets, distinctive keywords, tags."""
        compact = "".join(sentence.split())
        words = sentence_keywords(sentence)
        found = self.targets_in(sentence) | {item for item in self.keywords if item.key in words}
        return found | {item for item in self.tags if item.key in compact}

    def scenarios_in(self, sentence: str) -> list[Item]:
        return [item for item, words in self.scenarios if any(w in sentence for w in words)]

    def ages_in(self, sentence: str) -> list[Item]:
        stated = {_age_key(age) for age in _point_ages(sentence)}
        return [item for item, key in self.ages if key in stated]


_CACHE: dict[int, tuple[Mapping[str, Any], ReviewEvidence]] = {}
_CACHE_SIZE = 512


def review_evidence(facts: Mapping[str, Any]) -> ReviewEvidence:
    """The evidence of one category's facts (legacy facts without insights give empty evidence).

    Cached per facts object (the scorer passes the same object for every output of a category,
    and three metrics read it), checked by identity so a new object is never served stale data.
    """
    hit = _CACHE.get(id(facts))
    if hit is not None and hit[0] is facts:
        return hit[1]
    evidence = _build(facts)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[id(facts)] = (facts, evidence)
    return evidence


def _build(facts: Mapping[str, Any]) -> ReviewEvidence:
    metrics = as_dict(facts.get("metrics"))
    insights = as_dict(facts.get("reviewInsights"))
    name_words = _name_words(facts)
    has_text = bool(insights.get("hasReviewText")) and (num(insights.get("reviewTextCount")) or 0) > 0
    return ReviewEvidence(
        has_review_text=has_text,
        scenarios=tuple(_scenarios(insights, name_words)),
        ages=tuple(_ages(insights)),
        keywords=tuple(_keywords(insights, name_words)),
        themes=tuple(_themes(insights, name_words)),
        brands=tuple(_named(metrics.get("topBrands"), "brand", "name", "metrics.topBrands")),
        segments=tuple(_segments(metrics.get("topSegments"))),
        tags=tuple(_named(metrics.get("topTags"), "tag", "tag", "metrics.topTags", compact=True)),
    )


def _name_words(facts: Mapping[str, Any]) -> tuple[str, ...]:
    """Hangul runs of the category's display name (신생아/영유아완구 -> 신생아, 영유아완구)."""
    return tuple(_HANGUL.findall(str(facts.get("categoryName") or "")))


def _in_name(word: str, name_words: Iterable[str]) -> bool:
    return any(word in part for part in name_words)


def _scenarios(insights: Mapping[str, Any], name_words: tuple[str, ...]) -> Iterable[tuple[Item, tuple[str, ...]]]:
    from harness.facts.text import USAGE_SCENARIOS

    for i, rec in enumerate(as_records(insights.get("usageScenarios"))):
        name = str(rec.get("scenario") or "")
        words = tuple(w for w in USAGE_SCENARIOS.get(name, (name,)) if w and not _in_name(w, name_words))
        if words:
            yield Item("scenario", name, f"reviewInsights.usageScenarios[{i}]"), words


def _ages(insights: Mapping[str, Any]) -> Iterable[tuple[Item, tuple[int, str]]]:
    for i, rec in enumerate(as_records(insights.get("ageMentions"))):
        label = str(rec.get("age") or "")
        for age in _age_mentions(label):
            yield Item("age", label, f"reviewInsights.ageMentions[{i}]"), _age_key(age)
            break


def _keywords(insights: Mapping[str, Any], name_words: tuple[str, ...]) -> Iterable[Item]:
    for i, rec in enumerate(as_records(insights.get("distinctiveKeywords"))):
        word, score = str(rec.get("keyword") or ""), num(rec.get("score"))
        if (
            word
            and score is not None
            and score >= DISTINCTIVE_Z
            and word not in GENRE_WORDS
            and not _in_name(word, name_words)
        ):
            yield Item("keyword", word, f"reviewInsights.distinctiveKeywords[{i}]")


def _themes(insights: Mapping[str, Any], name_words: tuple[str, ...]) -> Iterable[Theme]:
    from harness.facts.keywords import split_sentences

    seen: set[frozenset[str]] = set()
    for kind, field in (("praise", "positiveExamples"), ("complaint", "negativeExamples")):
        examples = insights.get(field)
        for i, example in enumerate(examples if isinstance(examples, list) else []):
            for clause in split_sentences(str(example)):
                words = frozenset(
                    w for w in sentence_keywords(clause) if w not in GENRE_WORDS and not _in_name(w, name_words)
                )
                if len(words) >= THEME_SHARED_KEYWORDS and words not in seen:
                    seen.add(words)
                    yield Theme(kind, clause, words, f"reviewInsights.{field}[{i}]")


def _named(records: Any, kind: str, field: str, path: str, compact: bool = False) -> Iterable[Item]:
    for i, rec in enumerate(as_records(records)):
        name = str(rec.get(field) or "").strip()
        if name:
            yield Item(kind, "".join(name.split()) if compact else name, f"{path}[{i}]")


def _segments(records: Any) -> Iterable[Item]:
    for i, rec in enumerate(as_records(records)):
        value = "".join(str(rec.get("segment") or "").split(":", 1)[-1].split())
        if value:
            yield Item("segment", value, f"metrics.topSegments[{i}]")


def _names_value(compact: str, value: str) -> bool:
    """``value`` occurs in ``compact`` (spaces removed) other than as the root of a derived word."""
    start = compact.find(value)
    while start >= 0:
        after = compact[start + len(value) : start + len(value) + 1]
        if not (value[-1:] >= "가" and after in _DERIVED_AFTER):
            return True
        start = compact.find(value, start + 1)
    return False


def _age_mentions(text: str) -> list[str]:
    from harness.facts.text import age_mentions

    return age_mentions(text)


def _point_ages(text: str) -> list[str]:
    """Ages a text mentions as ages, not as a spec range (``12개월이상`` is a segment, not a child)."""
    return _age_mentions(_AGE_RANGE.sub(" ", text))


def _age_key(age: str) -> tuple[int, str]:
    """``3살`` and ``3세`` are one age; months stay months."""
    match = re.match(r"(\d+)(개월|살|세)", age)
    if match is None:
        return (-1, age)
    value, unit = int(match.group(1)), match.group(2)
    return (value, "개월" if unit == "개월" else "살")


@lru_cache(maxsize=16384)
def sentence_keywords(sentence: str) -> frozenset[str]:
    """The facts engine's keywords (Kiwi nouns, roots, 다-form adjectives) of one sentence.

    Analysed with the scorer's Kiwi (ROUGE's), the same model the facts engine loads, so a scoring
    process holds one analyser; tokens do not depend on the worker count.
    """
    from harness.evaluate.rouge import analyser
    from harness.facts.text import keyword_of

    words = (keyword_of(token.form, token.tag) for token in analyser().tokenize(sentence))
    return frozenset(w for w in words if w is not None)
