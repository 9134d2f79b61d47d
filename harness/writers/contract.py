"""The summary contract every variant must meet, shared by the writers and the metrics.

One place decides what a valid summary object is, how a Korean paragraph splits into sentences
and what counts as stating the review-count proxy premise, so the template writer's tests and the
evaluation metrics cannot drift apart.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

SUMMARY_KEYS = ("marketOverviewSummary", "growthSummary")
SENTENCE_RANGES: dict[str, tuple[int, int]] = {
    "marketOverviewSummary": (4, 6),
    "growthSummary": (5, 8),
}

# A sentence ends at . ! ? or the CJK full stop, followed by whitespace or the end; "4.7점" and
# "1,279.4" never split because no whitespace follows their dot.
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|\n+")
_PREMISE_SUBJECT = re.compile(r"리뷰")
_PREMISE_PROXY = re.compile(r"대리\s*지표|대리\s*변수|프록시|proxy", re.IGNORECASE)
_PREMISE_NOT_REAL = re.compile(r"실제\s*(?:거래|판매|매출|구매)")


@lru_cache(maxsize=1)
def summary_schema() -> dict[str, Any]:
    """The JSON Schema shipped in the package (``summary.schema.json``)."""
    text = resources.files("harness.writers").joinpath("summary.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = summary_schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def summary_errors(obj: Any) -> list[str]:
    """Schema violations of ``obj`` as short messages; an empty list means it is valid."""
    errors = sorted(_validator().iter_errors(obj), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]


def is_valid_summary(obj: Any) -> bool:
    return not summary_errors(obj)


def split_sentences(text: str) -> list[str]:
    """Splits a Korean paragraph into sentences (decimals and thousands separators stay whole)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s and s.strip()]


def states_proxy_premise(sentence: str) -> bool:
    """True when a sentence says the figures are review-count proxies, not real transactions."""
    if not _PREMISE_SUBJECT.search(sentence):
        return False
    return bool(_PREMISE_PROXY.search(sentence) or _PREMISE_NOT_REAL.search(sentence))


def sentence_count_ok(key: str, text: str) -> bool:
    low, high = SENTENCE_RANGES[key]
    return low <= len(split_sentences(text)) <= high
