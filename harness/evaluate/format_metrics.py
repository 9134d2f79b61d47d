"""Format metrics on the raw output: what the model emitted before any repair.

These are the operational floor of the decision rules (the legacy pipeline's outputs broke on
exactly these: invalid or nested JSON, Chinese continuations, leaked chat-template tokens), so
they read the raw text, and only ``json_repaired`` looks at the normalizer's result.
"""

from __future__ import annotations

import json
import re

from harness.writers.contract import summary_errors
from harness.writers.normalize import Normalized

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_SPECIAL = re.compile(r"<\|[^<>|\s]{1,40}\|>|</s>|<s>|\[/?INST\]|<start_of_turn>|<end_of_turn>")
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
    return bool(_CJK.search(raw))


def special_token_leak(raw: str) -> bool:
    """Chat-template tokens (``<|im_end|>``, ``<|endoftext|>``, ``</s>``, ...) in the raw output."""
    return bool(_SPECIAL.search(raw))
