"""Format metrics on the raw output: what the model emitted before any repair.

These are the operational floor of the decision rules (the legacy pipeline's outputs broke on
exactly these: invalid or nested JSON, Chinese continuations, leaked chat-template tokens), so
they read the raw text, and only ``json_repaired`` looks at the normalizer's result.
"""

from __future__ import annotations

import json
import re

from harness.chat_markup import MARKUP_RE
from harness.cjk import CJK_CHAR
from harness.writers.contract import summary_errors
from harness.writers.normalize import Normalized

_ESCAPED_KEY = re.compile(r'\\+"(?:marketOverviewSummary|growthSummary)\\+"')


def json_valid(raw: str) -> bool:
    """The trimmed raw output is exactly one JSON object that passes the summary schema (no repair)."""
    try:
        obj = json.loads(raw.strip())
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and not summary_errors(obj)


def nested_json(raw: str, normalized: Normalized) -> bool:
    """A summary value was a JSON object (the normalizer unwrapped one) or the raw text holds escaped summary JSON."""
    return "nested_json" in normalized.repairs or bool(_ESCAPED_KEY.search(raw))


def cjk_leak(raw: str) -> bool:
    """Han ideographs or kana anywhere in the raw output (Hangul is not CJK leakage here)."""
    return bool(CJK_CHAR.search(raw))


def special_token_leak(raw: str) -> bool:
    """Any added token of Qwen2.5 (``<|im_end|>``, ``<tool_call>``, ...) or another family's chat markup
    (``</s>``, ``[INST]``, ...) in the raw output: the one list in :mod:`harness.chat_markup`."""
    return bool(MARKUP_RE.search(raw))
