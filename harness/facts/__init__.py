"""Facts stage: every category's market facts and review insights, computed in one grouping pass.

Public API (docs/architecture.md, "Facts"): :func:`prepare_categories`, :func:`facts_for`,
:func:`compute_facts`, :func:`validate_facts` (plus :func:`facts_errors`, :func:`read_facts`).
The names resolve on first use, so the CLI (and anything importing a submodule such as
``harness.facts.insights``) does not pay for pandas before a command needs it.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CategoryData": "harness.facts.prepare",
    "compute_facts": "harness.facts.engine",
    "facts_for": "harness.facts.engine",
    "prepare_categories": "harness.facts.engine",
    "select_categories": "harness.facts.engine",
    "facts_errors": "harness.facts.schema",
    "facts_schema": "harness.facts.schema",
    "read_facts": "harness.facts.schema",
    "validate_facts": "harness.facts.schema",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'harness.facts' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
