"""Masks credentials before anything reaches MLflow (params, tags, artifacts).

Model paths and URLs are logged for provenance, and people paste them with tokens inside
(``hf_...`` tokens, ``https://user:token@host``, ``?token=...``). A run store is shared and kept
for years, so the token is replaced by ``***`` while the rest of the path stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # userinfo in a URL: keep the user name, hide the password/token
    (re.compile(r"(?P<pre>[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(?=@)"), r"\g<pre>" + MASK),
    # token-only userinfo: https://TOKEN@host (e.g. GitHub PATs)
    (
        re.compile(r"(?P<pre>[a-zA-Z][a-zA-Z0-9+.-]*://)(?:ghp_|gho_|github_pat_|hf_)[A-Za-z0-9_]+(?=@)"),
        r"\g<pre>" + MASK,
    ),
    # query or key=value secrets
    (
        re.compile(
            r"(?P<pre>(?:[?&;]|\b)(?:access_?token|auth_?token|token|api_?key|apikey|secret|password|passwd"
            r"|client_secret|sig|signature|x-amz-signature|x-amz-credential|key)=)[^&\s#\"']+",
            re.IGNORECASE,
        ),
        r"\g<pre>" + MASK,
    ),
    (re.compile(r"(?P<pre>\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\g<pre>" + MASK),
    # well-known token shapes anywhere (paths, env dumps)
    (re.compile(r"\bhf_[A-Za-z0-9]{8,}"), "hf_" + MASK),
    (re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}"), "gh_" + MASK),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"), "github_pat_" + MASK),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), "sk-" + MASK),
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def mask_text(text: str) -> str:
    """``text`` with every recognised credential replaced by ``***``, storable as UTF-8.

    A lone surrogate (a model can emit one) cannot be encoded, and MLflow then fails the whole
    table or trace; it is shown as U+FFFD here (``predictions.jsonl`` keeps it, escaped).
    """
    text = _SURROGATE.sub("\ufffd", text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def mask_value(value: Any) -> Any:
    """Masks strings inside any JSON-like value (dicts, lists, scalars pass through)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value


def mask_mapping(items: Mapping[str, Any]) -> dict[str, str]:
    """Params/tags as MLflow stores them: string values, credentials masked."""
    return {str(k): mask_text("" if v is None else str(v)) for k, v in items.items()}
