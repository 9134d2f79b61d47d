"""Category ids: the export has numeric ids, disambiguated ids are strings; compare them as text."""

from __future__ import annotations


def category_key(value: object) -> str:
    """Canonical text form of a categoryId (``4``, ``"4"`` and ``4.0`` are the same category)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
