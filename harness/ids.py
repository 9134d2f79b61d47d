"""Category ids: the export has numeric ids, disambiguated ids are strings; compare them as text."""

from __future__ import annotations


def category_key(value: object) -> str:
    """Canonical text form of a categoryId (``4``, ``"4"`` and ``4.0`` are the same category)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def category_sort_key(value: object) -> tuple[int, int, str]:
    """Report order of category ids: numeric ids by number first, then every other id as text.

    Only ASCII digits count as numeric (``"²"`` passes ``str.isdigit`` but not ``int``).
    """
    text = category_key(value)
    return (0, int(text), "") if text.isascii() and text.isdigit() else (1, 0, text)
