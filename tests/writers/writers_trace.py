"""A deliberately simple number tracer for the template's output: every number must come from the facts.

It is independent of ``harness.evaluate`` (the team's numeric-fidelity metric) on purpose: the
writer's tests should not pass just because both sides share a bug. It knows only the formats of
:mod:`harness.writers.numbers_format` and, for each number, looks for a facts value that prints the
same at the precision shown:

- ``N%``: a 0..1 ratio x 100, a growth rate's absolute value, or a top-N share sum;
- ``N%p``: the absolute difference of two brand shares x 100;
- ``N점``: the weighted rating; ``HHI 약 N``: ``metrics.hhi`` or the HHI of the listed shares;
- ``N년``: a growthData year; ``상위 N개``: 3 or the number of listed brands;
- ``N건`` / ``N개`` / ``N개월``: a numeric leaf of the facts (counts, months, annualised counts).

Numbers inside a facts string (a brand, keyword or segment such as '12개월이상') are skipped.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from typing import Any

NUMBER = re.compile(
    r"(?P<hhi>HHI 약 )?(?P<top>상위 )?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?(?P<unit>%p|%|점|건|개월|개|년)?"
)


def _leaves(obj: Any, path: str = "") -> list[tuple[str, float]]:
    if isinstance(obj, bool):
        return []
    if isinstance(obj, (int, float)):
        return [(path, float(obj))]
    if isinstance(obj, dict):
        return [leaf for k, v in obj.items() for leaf in _leaves(v, f"{path}.{k}")]
    if isinstance(obj, list):
        return [leaf for i, v in enumerate(obj) for leaf in _leaves(v, f"{path}[{i}]")]
    return []


def _strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _strings(v)] + [k for k in obj if isinstance(k, str)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


def shown(value: float, decimals: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _candidates(facts: dict[str, Any]) -> dict[str, list[float]]:
    metrics = facts.get("metrics", {})
    leaves = _leaves(facts)
    shares = [b["share"] for b in metrics.get("topBrands", [])]
    ratios = [v for p, v in leaves if 0.0 <= v <= 1.0 and "Count" not in p and not p.endswith(".count")]
    growth = [abs(v) for p, v in leaves if p.endswith(".growthRate")]
    price = [abs(metrics["priceChange6m"])] if isinstance(metrics.get("priceChange6m"), (int, float)) else []
    top_sums = [sum(shares[:k]) for k in range(1, len(shares) + 1)]
    hhi = [v for v in (metrics.get("hhi"), metrics.get("hhiTop10")) if isinstance(v, (int, float))]
    hhi.append(sum((s * 100) ** 2 for s in shares))
    return {
        "%": [r * 100 for r in ratios + price + top_sums] + growth,
        "%p": [abs(a - b) * 100 for a, b in combinations(shares, 2)],
        "점": [v for p, v in leaves if p.endswith("avgRatingWeighted")],
        "hhi": hhi,
        "년": [v for p, v in leaves if p.startswith(".growthData") and p.endswith(".year")],
        "top": [3.0, float(len(shares))],
        "count": [v for _, v in leaves],
    }


def untraced_numbers(text: str, facts: dict[str, Any]) -> list[str]:
    """The numbers in ``text`` that no facts value supports at the shown precision (empty = all traced)."""
    protected: list[tuple[int, int]] = []
    for label in {s for s in _strings(facts) if re.search(r"\d", s)}:
        protected += [(m.start(), m.end()) for m in re.finditer(re.escape(label.split(":")[-1].strip()), text)]
    cands = _candidates(facts)
    missing = []
    for m in NUMBER.finditer(text):
        if any(a <= m.start() and m.end() <= b for a, b in protected):
            continue
        decimals = len(m.group("dec") or "")
        value = Decimal(m.group("int").replace(",", "") + (f".{m.group('dec')}" if decimals else ""))
        unit = m.group("unit")
        if m.group("hhi"):
            pool, decimals = cands["hhi"], 0
        elif m.group("top") and unit == "개":
            pool = cands["top"]
        elif unit in ("%", "%p", "점", "년"):
            pool = cands[unit]
        elif unit in ("건", "개", "개월"):
            pool = cands["count"]
        else:
            missing.append(m.group(0))
            continue
        if not any(shown(c, decimals) == value for c in pool):
            missing.append(m.group(0))
    return missing
