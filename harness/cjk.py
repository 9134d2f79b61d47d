"""Han ideographs and kana: what a Chinese or Japanese continuation leaks into Korean text.

One definition for the ``cjk_leak`` metric and the normalizer that cuts such passages, so a
character the metric counts as a leak is one the normalizer removes (they once disagreed on the
supplementary ideographs, U+20000-U+2FFFF). Hangul is never in it.
"""

from __future__ import annotations

import re

CJK_RANGES = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0002ffff"  # extensions B-F and the supplementary compatibility ideographs
)
"""The ranges as the body of a regex character class (``f"[{CJK_RANGES}]"``)."""

CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
