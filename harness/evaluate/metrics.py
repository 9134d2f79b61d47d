"""Every metric, defined once: one decorated function each, in the order tables list them.

Names are DESIGN.md's and are the MLflow keys. A ``bool`` metric is stored per row as true/false
and aggregates to ``<name>_rate``; a ``float`` metric aggregates to its mean over the rows where it
is not null. To add a metric, write one function here with ``@METRICS.metric(...)`` and a docstring
(its first paragraph is the description the README table and the report show), and test it;
scoring, MLflow, the gate, the rules and the README table pick it up from the registry. Cost
figures are run-level and live in :class:`harness.evaluate.cost.CostFigures`.
"""

from __future__ import annotations

from typing import Any

from harness.evaluate import content, quality
from harness.evaluate import format_metrics as fmt
from harness.evaluate.cost import COST_METRICS, CostMetric
from harness.evaluate.fidelity import contradicted as any_contradicted
from harness.evaluate.fidelity import numeric_fidelity as supported_share
from harness.evaluate.metric_registry import Detailed, Metric, MetricRegistry, RowInputs

METRICS = MetricRegistry()


@METRICS.metric("json_valid", higher_is_better=True, kind="bool", needs=["raw"])
def json_valid(row: RowInputs) -> bool:
    """Raw output, trimmed, is exactly one JSON object passing the summary schema (no repair)."""
    return fmt.json_valid(row.raw)


@METRICS.metric("json_repaired", higher_is_better=True, kind="bool", needs=["summary"])
def json_repaired(row: RowInputs) -> Detailed:
    """Valid after the normalizer; the row lists the repairs it needed."""
    return Detailed(row.normalized.json_ok, {"repairs": list(row.normalized.repairs)})


@METRICS.metric("nested_json", higher_is_better=False, kind="bool", needs=["raw", "summary"])
def nested_json(row: RowInputs) -> bool:
    """A summary value is itself a JSON object, or (escaped) summary JSON."""
    return fmt.nested_json(row.raw, row.normalized)


@METRICS.metric("cjk_leak", higher_is_better=False, kind="bool", needs=["raw"])
def cjk_leak(row: RowInputs) -> bool:
    """Han ideographs or kana anywhere in the raw output (Hangul is not a leak)."""
    return fmt.cjk_leak(row.raw)


@METRICS.metric("special_token_leak", higher_is_better=False, kind="bool", needs=["raw"])
def special_token_leak(row: RowInputs) -> bool:
    """`<|im_end|>`, `<|endoftext|>` and other added tokens or chat markup in the raw output."""
    return fmt.special_token_leak(row.raw)


@METRICS.metric("broken_char", higher_is_better=False, kind="bool", needs=["raw"])
def broken_char(row: RowInputs) -> bool:
    """U+FFFD replacement characters in the raw output: bytes that never formed valid UTF-8.

    A byte-level BPE model can stop or stray mid-character; the decoder then writes U+FFFD, which
    no reader should see in a report. The CPU stand-ins produce it.
    """
    return "\ufffd" in row.raw


@METRICS.metric("numeric_fidelity", higher_is_better=True, kind="float", needs=["checks"])
def numeric_fidelity(row: RowInputs) -> Detailed:
    """Share of stated numbers that are supported. Each number is first attributed to what its
    sentence says it claims (whose share, which year, which ratio and in which direction, which
    proportion), then it is *supported* (a value derivable from the facts, about that subject, at
    the precision shown), *contradicted* (the claim is identified in the facts and its value is
    wrong) or *unverifiable* (nothing in the facts to check it against: 재구매율, 시장 규모). The
    guarded composition ships a model output only at 1.0, so it rejects both kinds.

    Null when the summary states no number. The row lists ``unsupported_numbers`` (both kinds) and
    ``contradicted_numbers``.
    """
    checks = row.checks
    unsupported = [c.stated.text for c in checks if not c.supported]
    contradicted = [c.stated.text for c in checks if c.contradicted]
    extra = {"unsupported_numbers": unsupported, "contradicted_numbers": contradicted, "numbers_stated": len(checks)}
    return Detailed(supported_share(checks), extra)


@METRICS.metric("contradicted", higher_is_better=False, kind="bool", needs=["checks"])
def contradicted(row: RowInputs) -> bool:
    """The summary states a number whose claim the facts hold with another value (a share bound
    to the wrong brand, a rate to the wrong year, a multiple reversed); the guard rejects these rows.

    A subset of what lowers ``numeric_fidelity``: a number with nothing in the facts to check it
    against is unverifiable, not contradicted.
    """
    return any_contradicted(row.checks)


@METRICS.metric("key_fact_coverage", higher_is_better=True, kind="float", needs=["facts", "checks"])
def key_fact_coverage(row: RowInputs) -> float | None:
    """Share of the key facts (top-3 share, HHI, rating, review count, zero-review ratio) stated correctly."""
    return content.key_fact_coverage(row.facts, row.checks)


def _rouge(row: RowInputs, name: str) -> float | None:
    from harness.evaluate.rouge import rouge_scores

    scores: dict[str, float | None] = row.memo("rouge", lambda: rouge_scores(row.summary, row.references))
    return scores[name]


@METRICS.metric("rouge1_f", higher_is_better=True, kind="float", needs=["summary", "references"])
def rouge1_f(row: RowInputs) -> float | None:
    """ROUGE-1 F against the golden references (the best of two writers' sets per summary), on kiwipiepy
    morphemes (rouge-score's default tokenizer deletes Hangul and scores any two Korean sentences 1.0)."""
    return _rouge(row, "rouge1_f")


@METRICS.metric("rouge2_f", higher_is_better=True, kind="float", needs=["summary", "references"])
def rouge2_f(row: RowInputs) -> float | None:
    """ROUGE-2 F against the golden references, on kiwipiepy morphemes."""
    return _rouge(row, "rouge2_f")


@METRICS.metric("rougeL_f", higher_is_better=True, kind="float", needs=["summary", "references"])
def rouge_l_f(row: RowInputs) -> float | None:
    """ROUGE-L F against the golden references, on kiwipiepy morphemes."""
    return _rouge(row, "rougeL_f")


@METRICS.metric("disclaimer", higher_is_better=True, kind="bool", needs=["summary"])
def disclaimer(row: RowInputs) -> bool:
    """Both summaries open with the review-count proxy premise (sales estimated from review counts)."""
    return content.disclaimer(row.summary)


@METRICS.metric("sentence_count_ok", higher_is_better=True, kind="bool", needs=["summary"])
def sentence_count_ok(row: RowInputs) -> bool:
    """Market overview 4-6 and growth 5-8 sentences."""
    return content.sentences_ok(row.summary)


@METRICS.metric("banned_phrase", higher_is_better=False, kind="bool", needs=["summary"])
def banned_phrase(row: RowInputs) -> Detailed:
    """Revenue amounts, currency, or vague phrasing that names no fact; the row lists the hits."""
    hits = content.banned_hits(row.summary)
    return Detailed(bool(hits), {"banned_phrases": hits})


@METRICS.metric("insight_specificity", higher_is_better=True, kind="float", needs=["summary", "facts", "checks"])
def insight_specificity(row: RowInputs) -> int:
    """Distinct supported facts, brands, keywords, segments and scenarios a summary uses.

    Descriptive only: it grows with every fact listed, so the template (about 31 a summary by
    construction) outscores a concise expert; the rules use the research log's quality metrics.
    """
    return content.insight_specificity(row.summary, row.facts, row.checks)


@METRICS.metric("grounded_insight", higher_is_better=True, kind="float", needs=["summary", "facts"])
def grounded_insight(row: RowInputs) -> float | None:
    """Review evidence stated: scenarios, ages, distinctive keywords, praise and complaint themes, two per kind (0-10).

    The research log's 리뷰 텍스트 기반 인사이트, measured against the category's review facts with
    the facts engine's own definitions (``harness.evaluate.quality.grounded_insight``); null without
    review text.
    """
    return quality.grounded_insight(row.summary, row.facts)


@METRICS.metric("actionability", higher_is_better=True, kind="float", needs=["summary", "facts", "checks"])
def actionability(row: RowInputs) -> float:
    """Kinds of target (segment, scenario, age, brand) named by recommendations with a fact behind them (0-4).

    The research log's 실행 시사점: a recommendation counts when it names what to act on in this
    category and a supported number or review evidence stands behind it
    (``harness.evaluate.quality.actionability``).
    """
    return quality.actionability(row.summary, row.facts, row.checks)


@METRICS.metric("economy", higher_is_better=True, kind="float", needs=["summary", "facts", "checks"])
def economy(row: RowInputs) -> float | None:
    """New supported facts per sentence, three at most, over every number, name and empty sentence spent (0-1).

    No reward for listing, restating or padding (``harness.evaluate.quality.economy``).
    """
    return quality.economy(row.summary, row.facts, row.checks)


@METRICS.metric("stopped", higher_is_better=True, kind="bool", needs=["generation"])
def stopped(row: RowInputs) -> bool:
    """The output ended at the end-of-turn token (`<|im_end|>`) before `max_new_tokens`; null for writers
    that generate no tokens (the template).

    A model trained on targets that end with `<|im_end|>` should stop there; one that does not was
    trained on cut targets or is looping.
    """
    return row.generation.get("stop") == "end_of_turn"


@METRICS.metric("length_cut", higher_is_better=False, kind="bool", needs=["generation"])
def length_cut(row: RowInputs) -> bool:
    """The output was cut by `max_new_tokens` (no stop token); null for writers that generate no tokens.

    The generation budget defaults to the adapter's longest training target plus 10%, so a cut
    output ran past anything it was trained to write.
    """
    return row.generation.get("stop") == "length"


def metric_for(key: str) -> Metric:
    """The per-row metric behind a row name (``json_valid``) or an aggregate name (``json_valid_rate``)."""
    return METRICS.metric_for(key)


def row_metrics() -> list[Metric]:
    """The metrics the scorer computes per row, in registry order."""
    return METRICS.metrics()


def aggregate_rows(rows: Any) -> dict[str, float | None]:
    """Aggregate of every per-row metric over ``rows`` under its aggregate name."""
    return METRICS.aggregate_rows(rows)


def named_metrics() -> dict[str, Metric | CostMetric]:
    """Every name the rules, the gate and the report may use: aggregates of row metrics, then costs."""
    out: dict[str, Metric | CostMetric] = {m.aggregate_name: m for m in METRICS.metrics()}
    out.update({c.name: c for c in COST_METRICS})
    return out
