"""Quality as the research log defines it: review insight, actionable implications, economy.

The log keeps the 7B model when its "리뷰 텍스트 기반 인사이트·실행 시사점" are consistently more
specific than template-only. These three per-row metrics measure that, each against the facts of
the category (never against a hand-written summary), so a writer can win them only by saying more
about this category's reviews and acting on it, not by resembling a reference or listing more:

- :func:`grounded_insight` counts the distinct review evidence the summary states: usage
  scenarios, ages, distinctive keywords, praise and complaint themes of the review examples
  (:mod:`harness.evaluate.review_evidence`), at most two per kind.
- :func:`actionability` counts the targets of grounded recommendations: a recommendation sentence
  that names a segment, scenario, age or brand of this category, with a fact behind it.
- :func:`economy` is the share of what the reader reads that pays: new supported facts per sentence
  up to three (the log's own exemplary line, "리뷰 기준 47.1%·HHI 1279·평균 4.7점", carries three),
  against every number, new name and fact-free sentence the summary spends.

Sentences are the contract's (:func:`harness.writers.contract.split_sentences`); numbers are the
fact checks' (``FactIndex.check_text``), assigned to sentences by their offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.evaluate.fidelity import NumberCheck
from harness.evaluate.review_evidence import EVIDENCE_KINDS, Item, ReviewEvidence, review_evidence
from harness.writers.contract import SUMMARY_KEYS, split_sentences, states_proxy_premise

INSIGHT_PER_KIND = 2
TARGET_KINDS_PER_RECOMMENDATION = 2
ACTIONABILITY_CAP = 4
FACTS_PER_SENTENCE = 3

# Korean consulting register for "we recommend / one should": explicit advice (권장·권고·제안,
# ~하시길, ~해야 합니다, ~할 필요가 있습니다), evaluative closings of advice (효과적·현실적·바람직 ...,
# ~하는 것이 좋습니다, ~이 방안입니다) and the conditional benefit (~하면 ... 수 있습니다).
RECOMMENDATION = re.compile(
    r"권(?:장|고|유)?(?:합니다|드립니다|해\s?드립니다)|제안(?:합니다|드립니다)|추천(?:합니다|드립니다)|바랍니다|"
    r"하시(?:길|기를|기\s?바|고|되|는\s?편)|하십시오|하세요|(?:해|셔)야\s?(?:합니다|한다|할\s?것)|"
    r"필요(?:가\s?있|합니다|하다)|과제(?:입니다|로)|바람직|효과적|현실적|유리(?:합니다|한)|유효(?:합니다|한)|(?<!지)적합|합리적|관건|"
    r"것이\s?(?:좋|낫|안전)|(?:방안|선택지|해법)입니다|[가-힣]면\s.*수\s?있(?:습니다|다)"
)
_TRIVIAL_LABELS = ("rank:", "span:", "growth:years", "listLength:")
_YEAR_LABEL = re.compile(r"^growthData\[\d+\]\.year$")
_RECORD_FIELD = re.compile(r"^(.*\[\d+\])\.\w+$")


@dataclass(frozen=True)
class Sentence:
    """One sentence of one summary with the number checks that fall inside it."""

    key: str
    index: int
    text: str
    checks: tuple[NumberCheck, ...]

    @property
    def is_premise(self) -> bool:
        return self.index == 0 and states_proxy_premise(self.text)


def sentences(summary: Mapping[str, str], checks: Sequence[NumberCheck]) -> list[Sentence]:
    """Both summaries' sentences in order, each with its checks.

    ``checks`` are those of ``FactIndex.check_text`` over each summary in ``SUMMARY_KEYS`` order;
    their offsets are within their own summary, so a check belongs to the first summary (in order)
    whose text shows the checked number at its offsets.
    """
    out: list[Sentence] = []
    pending = list(checks)
    for key in SUMMARY_KEYS:
        text = summary.get(key) or ""
        mine: list[NumberCheck] = []
        while pending and _shows(text, pending[0]):
            mine.append(pending.pop(0))
        pos = 0
        for i, part in enumerate(split_sentences(text)):
            start = text.find(part, pos)
            start = pos if start < 0 else start
            end = start + len(part)
            inside = tuple(c for c in mine if start <= c.stated.start < end)
            out.append(Sentence(key, i, part, inside))
            pos = end
    return out


def _shows(text: str, check: NumberCheck) -> bool:
    shown = text[check.stated.start : check.stated.end]
    return bool(shown) and shown in check.stated.text


def informative(check: NumberCheck) -> bool:
    """A supported number that says something (years of the series, ranks and spans do not)."""
    return check.supported and any(
        not (label.startswith(_TRIVIAL_LABELS) or _YEAR_LABEL.match(label)) for label in check.labels
    )


def _records(check: NumberCheck) -> frozenset[str]:
    """The facts records behind a number: ``metrics.topBrands[0].share`` -> ``metrics.topBrands[0]``."""
    return frozenset(_RECORD_FIELD.sub(r"\1", label) for label in check.labels)


def grounded_insight(summary: Mapping[str, str], facts: Mapping[str, Any]) -> float | None:
    """Distinct review evidence the summary states, at most two per kind (0-10).

    Rewards: saying what this category's reviews say: a usage scenario (식사), a child age (3살),
    a distinctive keyword (눈금), a praise theme (눈금 + 양 조절) and a complaint theme
    (전자레인지 + 변형), each found with the facts engine's own definitions.

    Must not reward: listing (the eighth keyword or the fifth age adds nothing past two per kind);
    words every category's reviews use (품질, 가격, 배송 are not distinctive, and a theme needs two
    of its clause's keywords); the category's own name (카시트, 이유식) read as a scenario or
    keyword; anything another category's reviews say.

    Cannot see: whether the interpretation is right (a scenario named as the most common when it
    is the fifth), homographs of a review keyword in another sense, a theme paraphrased without two
    of its words. Null when the category has no review text to be grounded in.
    """
    evidence = review_evidence(facts)
    if not evidence.has_evidence:
        return None
    found: set[Item] = set()
    for key in SUMMARY_KEYS:
        for part in split_sentences(summary.get(key) or ""):
            found |= evidence.evidence_in(part)
    return float(sum(min(INSIGHT_PER_KIND, sum(1 for i in found if i.kind == k)) for k in EVIDENCE_KINDS))


def is_recommendation(sentence: str) -> bool:
    """The sentence recommends or prescribes (권장합니다, ~하시길, ~해야 합니다, ~이 효과적입니다)."""
    return bool(RECOMMENDATION.search(sentence))


def actionability(
    summary: Mapping[str, str], facts: Mapping[str, Any], checks: Sequence[NumberCheck]
) -> float:
    """Kinds of target named by grounded recommendations: up to two per recommendation, four in all (0-4).

    Rewards: a recommendation sentence that names what to act on in this category (a segment such
    as 유리 or 팬티형, a usage scenario, a child age, a brand to position against) with a fact
    behind it: a supported number or review evidence (keyword, theme, age, scenario) other than
    its own targets, in the sentence or the one before it. A recommendation that says which
    segment, for which scenario or age, against which brand is more specific than one naming a
    segment only, so each recommendation earns one point per kind of new target it names.

    Must not reward: a generic recommendation ("마케팅을 강화하시길 권합니다"); a target named in a
    descriptive sentence; a target with no fact behind it; a target the facts do not have (another
    category's segment or brand); the same target recommended again; more names of one kind (three
    brands listed earn what one brand earns).

    Cannot see: whether the advice is wise, a recommendation phrased outside the Korean forms it
    knows (``RECOMMENDATION``: 1 of reference set A's 40, "~하면 자리를 잡을 여지가 있습니다"),
    a target named only by description ("선두 브랜드").
    """
    evidence = review_evidence(facts)
    credited: set[Item] = set()
    score = 0
    previous: Sentence | None = None
    for sent in sentences(summary, checks):
        if is_recommendation(sent.text):
            targets = evidence.targets_in(sent.text)
            new = targets - credited
            if new and _grounded(sent, previous, evidence, targets):
                score += min(TARGET_KINDS_PER_RECOMMENDATION, len({item.kind for item in new}))
                credited |= new
        previous = sent
    return float(min(ACTIONABILITY_CAP, score))


def _grounded(sent: Sentence, previous: Sentence | None, evidence: ReviewEvidence, targets: set[Item]) -> bool:
    for part in (sent, previous):
        if part is None or part.key != sent.key:
            continue
        if any(informative(c) for c in part.checks):
            return True
        if evidence.evidence_in(part.text) - targets:
            return True
    return False


def economy(
    summary: Mapping[str, str], facts: Mapping[str, Any], checks: Sequence[NumberCheck]
) -> float | None:
    """Share of the reader's attention that pays: credited facts over facts and sentences spent (0-1).

    Each sentence costs one unit per number it states (supported or not) and per name of the
    category it names for the first time (brand, segment, scenario, age, distinctive keyword,
    tag), and a sentence with nothing at all costs one unit; the premise sentence costs nothing
    for its premise. It earns one unit per fact not stated before, at most three per sentence. A
    name and a number about the same record (``에디슨(86.7%)``) are one fact.

    Rewards: a few new facts per sentence, each said once.

    Must not reward: listing (a sentence of eight facts earns three of eight); restating a number
    (the second ``17.3%`` costs and earns nothing); padding (a sentence with no fact costs one and
    earns nothing); a wrong number (it costs and earns nothing).

    Cannot see: an unfinished paragraph (fewer padding sentences even read as thriftier; the
    sentence-count and format checks see that), interpretation without a number or name, a number
    the fact checks cannot derive (it counts as unsupported). Null when nothing is stated at all.
    """
    evidence = review_evidence(facts)
    seen: list[frozenset[str]] = []
    spent = earned = 0
    for sent in sentences(summary, checks):
        facts_here, unsupported = _sentence_facts(sent, evidence)
        numbers = [f for f, is_number in facts_here if is_number]
        names = [f for f, is_number in facts_here if not is_number]
        new = [f for f, _ in facts_here if not any(f & s for s in seen)]
        cost = len(numbers) + unsupported + sum(1 for f in names if f in new)
        if cost == 0 and not sent.is_premise:
            cost = 1
        spent += cost
        earned += min(FACTS_PER_SENTENCE, len(new))
        seen.extend(f for f, _ in facts_here)
    return earned / spent if spent else None


def _sentence_facts(sent: Sentence, evidence: ReviewEvidence) -> tuple[list[tuple[frozenset[str], bool]], int]:
    """The distinct facts of a sentence as (records, is_number), and its unsupported numbers."""
    facts_here: list[tuple[frozenset[str], bool]] = []
    unsupported = 0
    for check in sent.checks:
        if not check.supported:
            unsupported += 1
        elif informative(check):
            records = _records(check)
            if not any(records & f for f, _ in facts_here):
                facts_here.append((records, True))
    for item in evidence.named_in(sent.text):
        record = frozenset({item.record})
        if not any(record & f for f, _ in facts_here):
            facts_here.append((record, False))
    return facts_here, unsupported


def iter_recommendations(summary: Mapping[str, str]) -> Iterator[str]:
    """The sentences :func:`is_recommendation` accepts, in order (for reports and tests)."""
    for key in SUMMARY_KEYS:
        yield from (s for s in split_sentences(summary.get(key) or "") if is_recommendation(s))
