"""The annotated numeric-fidelity corpus (``golden/fidelity/``) judged by a checker: the metric's precision and recall.

Summaries written blind by another writer, every number annotated ``supported`` or ``wrong`` (with
an error kind and a phrasing family; format in ``golden/fidelity/README.md``). Each annotation is
located by searching its text in its field, then matched to the checker's numbers whose span
overlaps it: a number is *flagged* when any of them is not supported. A summary is flagged when any
number the checker reads in it is not supported, annotated or not, because that is what the guarded
composition acts on. ``benchmarks/bench_fidelity.py`` prints the tallies; a test holds the targets.

The checker is passed in (facts -> text -> checks), so the same judging runs on the current metric
and on an older one as a baseline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from harness.errors import InputError
from harness.ids import category_key
from harness.jsonl import read_jsonl
from harness.writers.contract import SUMMARY_KEYS

CORPUS = Path(__file__).resolve().parents[2] / "golden" / "fidelity"
_STATUSES = ("supported", "wrong")
_ORIGINS = ("correct", "edit", "fabricated")
# The Done-when targets of issue 14.
TARGETS = {
    "correct_numbers_supported": 0.995,
    "correct_summaries_clean": 0.97,
    "wrong_numbers_flagged": 0.98,
    "each_kind_flagged": 0.90,
}


class Seen(NamedTuple):
    """One number as a checker read it: its span and outcome (``supported``, ``contradicted``, ...)."""

    start: int
    end: int
    outcome: str


Checker = Callable[[dict[str, Any]], Callable[[str], Sequence[Seen]]]


@dataclass(frozen=True)
class Annotation:
    """One annotated number, located in its field."""

    summary: str
    batch: int
    origin: str
    category: str
    field: str
    text: str
    start: int
    end: int
    status: str
    kind: str | None
    family: str


@dataclass(frozen=True)
class Judged:
    """An annotation and what the checker made of it (``unparsed`` when it read no number there)."""

    note: Annotation
    outcome: str

    @property
    def flagged(self) -> bool:
        return self.outcome not in ("supported", "unparsed")


@dataclass(frozen=True)
class SummaryResult:
    summary: str
    batch: int
    origin: str
    flagged: bool
    unannotated: int
    unannotated_flagged: int


@dataclass
class CorpusResult:
    numbers: list[Judged] = field(default_factory=list)
    summaries: list[SummaryResult] = field(default_factory=list)


@dataclass(frozen=True)
class Corpus:
    facts: dict[str, dict[str, Any]]
    summaries: list[dict[str, Any]]
    notes: list[Annotation]


def load(root: Path = CORPUS) -> Corpus:
    """The corpus's facts, summaries and located annotations.

    Raises:
        InputError: a summary names an unknown category, lacks a field, or an annotation's text does
            not occur (that many times) in its field.
    """
    facts = {category_key(f["categoryId"]): f for f in read_jsonl(root / "facts.jsonl", required=("categoryId",))}
    path = root / "summaries.jsonl"
    summaries = read_jsonl(path, required=("id", "batch", "categoryId", "origin", "numbers", *SUMMARY_KEYS))
    notes: list[Annotation] = []
    for line, summary in enumerate(summaries, start=1):
        where = f"summary {summary['id']}"
        if category_key(summary["categoryId"]) not in facts:
            raise InputError(path, f"unknown categoryId {summary['categoryId']!r}", where)
        if summary["origin"] not in _ORIGINS:
            raise InputError(path, f"origin must be one of {_ORIGINS}, got {summary['origin']!r}", where)
        notes.extend(_locate(path, summary, line))
    return Corpus(facts, summaries, notes)


def _locate(path: Path, summary: dict[str, Any], line: int) -> Iterable[Annotation]:
    for k, number in enumerate(summary["numbers"], start=1):
        where = f"line {line}, summary {summary['id']}, number {k}"
        if not isinstance(number, dict) or number.get("field") not in SUMMARY_KEYS or number.get("status") not in _STATUSES:
            raise InputError(path, "a number needs a field of the summary and a status (supported|wrong)", where)
        text, occurrence = str(number.get("text") or ""), int(number.get("occurrence") or 1)
        body = summary[number["field"]]
        start = -1
        for _ in range(occurrence):
            start = body.find(text, start + 1)
            if start < 0 or not text:
                raise InputError(path, f"{text!r} does not occur {occurrence} time(s) in {number['field']}", where)
        yield Annotation(
            str(summary["id"]), int(summary["batch"]), summary["origin"], category_key(summary["categoryId"]),
            number["field"], text, start, start + len(text), number["status"], number.get("kind"),
            str(number.get("family") or "unknown"),
        )


def judge(corpus: Corpus, checker: Checker) -> CorpusResult:
    """Runs ``checker`` over every summary and matches its numbers to the annotations."""
    by_summary: dict[str, list[Annotation]] = {}
    for note in corpus.notes:
        by_summary.setdefault(note.summary, []).append(note)
    checks_for = {cid: checker(facts) for cid, facts in corpus.facts.items()}
    result = CorpusResult()
    for summary in corpus.summaries:
        notes = by_summary.get(str(summary["id"]), [])
        check = checks_for[category_key(summary["categoryId"])]
        flagged = unannotated = unannotated_flagged = 0
        for key in SUMMARY_KEYS:
            seen = list(check(summary[key]))
            field_notes = [n for n in notes if n.field == key]
            for note in field_notes:
                hits = [s for s in seen if s.start < note.end and note.start < s.end]
                result.numbers.append(Judged(note, _worst(hits)))
            for s in seen:
                bad = s.outcome != "supported"
                flagged += bad
                if not any(s.start < n.end and n.start < s.end for n in field_notes):
                    unannotated += 1
                    unannotated_flagged += bad
        result.summaries.append(
            SummaryResult(str(summary["id"]), int(summary["batch"]), summary["origin"], flagged > 0, unannotated,
                          unannotated_flagged)
        )
    return result


def _worst(hits: Sequence[Seen]) -> str:
    if not hits:
        return "unparsed"
    for outcome in ("contradicted", "unverifiable", "unsupported"):
        if any(h.outcome == outcome for h in hits):
            return outcome
    return "supported"


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def tally(result: CorpusResult, batch: int | None = None) -> dict[str, Any]:
    """Precision and recall per number and per summary, by error kind and by phrasing family."""
    numbers = [j for j in result.numbers if batch is None or j.note.batch == batch]
    summaries = [s for s in result.summaries if batch is None or s.batch == batch]
    correct = [j for j in numbers if j.note.status == "supported"]
    wrong = [j for j in numbers if j.note.status == "wrong"]
    flagged = [j for j in numbers if j.flagged]
    clean = [s for s in summaries if s.origin == "correct"]
    erroneous = [s for s in summaries if s.origin != "correct"]
    flagged_summaries = [s for s in summaries if s.flagged]
    out: dict[str, Any] = {
        "summaries": len(summaries),
        "correct_summaries": len(clean),
        "correct_numbers": len(correct),
        "wrong_numbers": len(wrong),
        "correct_numbers_supported": _rate(sum(not j.flagged for j in correct), len(correct)),
        "correct_summaries_clean": _rate(sum(not s.flagged for s in clean), len(clean)),
        "wrong_numbers_flagged": _rate(sum(j.flagged for j in wrong), len(wrong)),
        "number_precision": _rate(sum(j.note.status == "wrong" for j in flagged), len(flagged)),
        "summary_recall": _rate(sum(s.flagged for s in erroneous), len(erroneous)),
        "summary_precision": _rate(sum(s.origin != "correct" for s in flagged_summaries), len(flagged_summaries)),
        "unparsed_numbers": sum(j.outcome == "unparsed" for j in numbers),
        "unannotated_numbers": sum(s.unannotated for s in summaries),
        "unannotated_flagged": sum(s.unannotated_flagged for s in summaries),
        "wrong_contradicted": _rate(sum(j.outcome == "contradicted" for j in wrong), len(wrong)),
    }
    out["by_kind"] = {
        kind: {"n": len(group), "flagged": _rate(sum(j.flagged for j in group), len(group)),
               "contradicted": sum(j.outcome == "contradicted" for j in group),
               "unverifiable": sum(j.outcome in ("unverifiable", "unsupported") for j in group)}
        for kind, group in _groups(wrong, lambda j: j.note.kind or "unknown").items()
    }
    out["by_family"] = {
        family: {"correct": sum(j.note.status == "supported" for j in group),
                 "supported": _rate(sum(not j.flagged for j in group if j.note.status == "supported"),
                                    sum(j.note.status == "supported" for j in group)),
                 "wrong": sum(j.note.status == "wrong" for j in group),
                 "flagged": _rate(sum(j.flagged for j in group if j.note.status == "wrong"),
                                  sum(j.note.status == "wrong" for j in group))}
        for family, group in _groups(numbers, lambda j: j.note.family).items()
    }
    kinds = [v["flagged"] for v in out["by_kind"].values() if v["flagged"] is not None]
    out["each_kind_flagged"] = min(kinds) if kinds else None
    return out


def _groups(items: Iterable[Judged], key: Callable[[Judged], str]) -> dict[str, list[Judged]]:
    groups: dict[str, list[Judged]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return dict(sorted(groups.items()))


def misses(result: CorpusResult) -> list[Judged]:
    """Correct numbers flagged and wrong numbers passed: what a reader of the benchmark looks at first."""
    return [j for j in result.numbers if j.flagged == (j.note.status == "supported")]


def current_checker(facts: dict[str, Any]) -> Callable[[str], Sequence[Seen]]:
    """The current metric as a checker: attribution, then the three outcomes."""
    from harness.evaluate.fidelity import FactIndex

    index = FactIndex.from_facts(facts)
    return lambda text: [Seen(c.stated.start, c.stated.end, c.outcome) for c in index.check_text(text)]


_SHIFTS = (1, 3, -1)
_YEAR = re.compile(r"(?:19|20)\d\d")


def digit_shift(corpus: Corpus, checker: Checker, batch: int | None = None) -> tuple[int, int]:
    """How loose the checker is: (variants still accepted, variants made).

    Every supported number of the correct summaries written with a digit gets its last digit moved
    by +1, +3 and -1 (mod 10, the format kept: ``42.7%`` becomes ``42.8%``, ``42.0%``, ``42.6%``; years
    and year ranges are left alone, their binding is what the year edits test); a variant is accepted
    when the checker flags no more numbers in its field than in the original (a shifted figure read
    as another year's, with the year blamed, is caught). Some variants stay true (a
    hedged ``약 43%`` allows 42 and 44, a bound ``5% 미만`` allows 6), so the figure is not zero; a rule
    that lets more through raises it, which is what this figure is kept to catch.
    """
    checks_for = {cid: checker(facts) for cid, facts in corpus.facts.items()}
    by_id = {str(s["id"]): s for s in corpus.summaries}
    accepted = made = 0
    for note in corpus.notes:
        if note.status != "supported" or note.origin != "correct" or (batch is not None and note.batch != batch):
            continue
        digits = [k for k, ch in enumerate(note.text) if ch in "0123456789"]
        if not digits or _YEAR.search(note.text):
            continue
        body = by_id[note.summary][note.field]
        at = note.start + digits[-1]
        check = checks_for[category_key(by_id[note.summary]["categoryId"])]
        flags = _flags(check(body))
        for shift in _SHIFTS:
            text = body[:at] + str((int(body[at]) + shift) % 10) + body[at + 1 :]
            seen = check(text)
            hits = [s for s in seen if s.start < note.end and note.start < s.end]
            made += 1
            accepted += _worst(hits) == "supported" and _flags(seen) <= flags
    return accepted, made


def _flags(seen: Sequence[Seen]) -> int:
    return sum(s.outcome != "supported" for s in seen)
