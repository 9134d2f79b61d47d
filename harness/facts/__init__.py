"""Facts stage: every category's market facts and review insights, computed in one grouping pass.

Public API (docs/architecture.md, "Facts"): :func:`prepare_categories`, :func:`facts_for`,
:func:`compute_facts`, :func:`validate_facts` (plus :func:`facts_errors`, :func:`read_facts`).
Heavy work (Kiwi) is imported lazily, so importing this package is cheap.
"""

from harness.facts.engine import compute_facts, facts_for, prepare_categories, select_categories
from harness.facts.prepare import CategoryData
from harness.facts.schema import facts_errors, facts_schema, read_facts, validate_facts

__all__ = [
    "CategoryData",
    "compute_facts",
    "facts_errors",
    "facts_for",
    "facts_schema",
    "prepare_categories",
    "read_facts",
    "select_categories",
    "validate_facts",
]
