"""Derivations the corpus writer used to annotate each number (authoring tool, not the metric).

Every annotated number in a ``correct`` summary names an expression over one category's facts,
built from the helpers below. Evaluating it gives the value the text claims, the fact paths it
rests on (the annotation's ``fact``) and a readable derivation (its ``how``), so an annotation is
computed from the facts rather than typed. The writer chose which fact each number claims; nothing
here reads the summary text to guess it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Val:
    """A derived value with the fact paths it rests on and how it was derived.

    ``value`` is a float, or a tuple of numbers for spans stating several (a year range, a star
    range). ``tag`` names the claim's semantic family (brand-share, growth-rate, cagr, ...).
    ``exact`` marks labels and thresholds: the number written must equal ``value`` exactly.
    """

    value: Any
    facts: tuple[str, ...]
    expr: str
    tag: str = "plain"
    exact: bool = False
    sign_word: bool = field(default=False)

    def _bin(self, other: Any, op: str, fn) -> Val:
        o = other if isinstance(other, Val) else Val(other, (), _num(other))
        facts = tuple(dict.fromkeys(self.facts + o.facts))
        return Val(fn(self.value, o.value), facts, f"({self.expr} {op} {o.expr})", self.tag)

    def __add__(self, o): return self._bin(o, "+", lambda a, b: a + b)
    def __sub__(self, o): return self._bin(o, "-", lambda a, b: a - b)
    def __mul__(self, o): return self._bin(o, "×", lambda a, b: a * b)
    def __truediv__(self, o): return self._bin(o, "÷", lambda a, b: a / b)
    def __rsub__(self, o): return Val(o, (), _num(o))._bin(self, "-", lambda a, b: a - b)
    def __rmul__(self, o): return self.__mul__(o)
    def __abs__(self): return Val(abs(self.value), self.facts, f"|{self.expr}|", self.tag)

    def as_(self, tag: str) -> Val:
        """The same value under another semantic tag (a ratio named as a multiple, ...)."""
        return Val(self.value, self.facts, self.expr, tag, self.exact)


def _num(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def namespace(facts: dict) -> dict[str, Any]:
    """The helper functions of one category's facts, as the names the markup's expressions use."""
    m = facts["metrics"]
    brands = m["topBrands"]
    hist = m["ratingHistogram"]
    growth = {g["year"]: (i, g) for i, g in enumerate(facts["growthData"])}
    ri = facts.get("reviewInsights") or {}
    dq = facts.get("dataQuality") or {}

    def _m(key: str, scale: float = 1.0, tag: str = "plain") -> Val:
        if m.get(key) is None:
            raise KeyError(f"metrics.{key} is absent")
        suffix = " ×100" if scale == 100 else ""
        return Val(m[key] * scale, (f"metrics.{key}",), f"metrics.{key}{suffix}", tag)

    def _b(i: int) -> dict:
        return brands[i]

    def share(i: int) -> Val:
        b = _b(i)
        return Val(b["share"] * 100, (f"metrics.topBrands[{i}].share",),
                   f"topBrands[{i}]({b['name']}).share ×100", "brand-share")

    def brev(i: int) -> Val:
        b = _b(i)
        return Val(b["reviewCount"], (f"metrics.topBrands[{i}].reviewCount",),
                   f"topBrands[{i}]({b['name']}).reviewCount", "brand-count")

    def bsum(*idx: int) -> Val:
        v = share(idx[0])
        for i in idx[1:]:
            v = v + share(i)
        return v.as_("brand-sum")

    def topk(k: int) -> Val:
        return bsum(*range(k)).as_("topk-share")

    def hist_total() -> Val:
        return Val(sum(hist.values()), ("metrics.ratingHistogram",), "sum(ratingHistogram)", "count")

    def hist_n(*stars: int) -> Val:
        n = sum(hist[str(s)] for s in stars)
        keys = "+".join(str(s) for s in stars)
        return Val(n, tuple(f"metrics.ratingHistogram.{s}" for s in stars), f"ratingHistogram[{keys}]", "count")

    def star(*stars: int) -> Val:
        v = hist_n(*stars) / hist_total() * 100
        return v.as_("star-share")

    def starlbl(*stars: int) -> Val:
        value = stars[0] if len(stars) == 1 else tuple(stars)
        return Val(value, ("metrics.ratingHistogram",), f"star level {stars}", "label", exact=True)

    def branded() -> Val:
        if "brandedReviewCount" in dq:
            return Val(dq["brandedReviewCount"], ("dataQuality.brandedReviewCount",),
                       "dataQuality.brandedReviewCount", "base")
        b = brands[0]
        base = round(b["reviewCount"] / b["share"])
        return Val(base, ("metrics.topBrands[0].reviewCount", "metrics.topBrands[0].share"),
                   "topBrands[0].reviewCount ÷ share (the branded-review base)", "base")

    def _g(y: int) -> tuple[int, dict]:
        if y not in growth:
            raise KeyError(f"year {y} not in growthData")
        return growth[y]

    def yr(y: int) -> Val:
        i, _ = _g(y)
        return Val(y, (f"growthData[{i}].year",), f"growthData[{i}].year", "year", exact=True)

    def win() -> Val:
        """The growthWindow's first and last year (set even where growthData is empty)."""
        w = facts["growthWindow"]
        return Val((w["firstYear"], w["lastYear"]), ("growthWindow.firstYear", "growthWindow.lastYear"),
                   f"growthWindow {w['firstYear']}..{w['lastYear']}", "year-range", exact=True)

    def gd(y: int, key: str) -> Val:
        """A legacy growthData field (estimatedUnits, estimatedRevenue, priceRef) of one year."""
        i, g = _g(y)
        return Val(g[key], (f"growthData[{i}].{key}",), f"growthData[{i}].{key} ({y})",
                   "price" if key == "priceRef" else "estimate")

    def yrs(*ys: int) -> Val:
        paths = tuple(f"growthData[{_g(y)[0]}].year" for y in ys)
        return Val(tuple(ys), paths, f"years {ys}", "year-range", exact=True)

    def gr(y: int) -> Val:
        i, g = _g(y)
        if g["growthRate"] is None:
            raise KeyError(f"growthRate of {y} is null")
        return Val(g["growthRate"], (f"growthData[{i}].growthRate",), f"growthData[{i}].growthRate ({y})",
                   "growth-rate", sign_word=True)

    def rc(y: int) -> Val:
        i, g = _g(y)
        return Val(g["reviewCount"], (f"growthData[{i}].reviewCount",), f"growthData[{i}].reviewCount ({y})",
                   "year-count")

    def ann(y: int) -> Val:
        i, g = _g(y)
        return Val(g["annualizedReviewCount"], (f"growthData[{i}].annualizedReviewCount",),
                   f"growthData[{i}].annualizedReviewCount ({y})", "partial-year")

    def months(y: int) -> Val:
        i, g = _g(y)
        return Val(g["monthsCovered"], (f"growthData[{i}].monthsCovered",),
                   f"growthData[{i}].monthsCovered ({y})", "partial-year")

    def span_months() -> Val:
        end = dq["exportEndDate"]
        return Val((1, int(end[5:7])), ("dataQuality.exportEndDate",), f"months 1..{end[5:7]} of {end[:4]}",
                   "partial-year", exact=True)

    def ratio(a: Val, b: Val) -> Val:
        return (a / b).as_("ratio")

    def change(y0: int, y1: int, base: str = "rc") -> Val:
        """Percent change of the review count between two years (y1 over y0)."""
        f = ann if base == "ann" else rc
        v = (f(y1) / rc(y0) - 1) * 100
        return Val(v.value, v.facts, v.expr, "year-diff", sign_word=True)

    def cagr(y0: int, y1: int) -> Val:
        a, b = rc(y0), rc(y1)
        n = y1 - y0
        v = ((b.value / a.value) ** (1 / n) - 1) * 100
        return Val(v, a.facts + b.facts, f"(({b.expr} ÷ {a.expr})^(1/{n}) - 1) ×100", "cagr", sign_word=True)

    def streak(y0: int, y1: int, sign: str) -> Val:
        rates = [_g(y)[1]["growthRate"] for y in range(y0, y1 + 1)]
        ok = all(r is not None and (r > 0 if sign == "up" else r < 0) for r in rates)
        if not ok:
            raise ValueError(f"no {sign} streak over {y0}..{y1}: {rates}")
        paths = tuple(f"growthData[{_g(y)[0]}].growthRate" for y in range(y0, y1 + 1))
        return Val(len(rates), paths, f"{len(rates)} consecutive {sign} growth rates {y0}..{y1}", "streak",
                   exact=True)

    def nyears(y0: int, y1: int) -> Val:
        _g(y0), _g(y1)
        return Val(y1 - y0 + 1, (f"growthData[{_g(y0)[0]}].year", f"growthData[{_g(y1)[0]}].year"),
                   f"years {y0}..{y1} inclusive", "year-count-span", exact=True)

    def elapsed(y0: int, y1: int) -> Val:
        _g(y0), _g(y1)
        return Val(y1 - y0, (f"growthData[{_g(y0)[0]}].year", f"growthData[{_g(y1)[0]}].year"),
                   f"years elapsed {y0}..{y1}", "year-count-span", exact=True)

    def below(th: float) -> Val:
        """Brands with share under th percent; brands beyond topBrands have a smaller share than the last."""
        listed = [b["share"] * 100 for b in brands]
        n_unlisted = m["brandCount"] - len(brands)
        if n_unlisted > 0 and listed[-1] >= th:
            raise ValueError("count below threshold not derivable: unlisted brands may be above it")
        n = sum(1 for s in listed if s < th) + max(n_unlisted, 0)
        return Val(n, ("metrics.topBrands[].share", "metrics.brandCount"), f"brands with share < {th}%",
                   "count-threshold", exact=True)

    def above(th: float) -> Val:
        n = sum(1 for b in brands if b["share"] * 100 >= th)
        if len(brands) < m["brandCount"] and brands[-1]["share"] * 100 >= th:
            raise ValueError("count above threshold not derivable")
        return Val(n, ("metrics.topBrands[].share",), f"brands with share >= {th}%", "count-threshold", exact=True)

    def const(x: Any, why: str, tag: str = "threshold") -> Val:
        return Val(x, (), why, tag, exact=True)

    def rank(k: int) -> Val:
        return Val(k, ("metrics.topBrands",), f"rank {k} in topBrands order", "rank", exact=True)

    def of(n: Val, k: Val) -> Val:
        """k out of n (a proportion whose two counts both come from the facts)."""
        v = Val(k.value / n.value * 100, tuple(dict.fromkeys(k.facts + n.facts)), f"{k.expr} of {n.expr}",
                "proportion")
        return v

    def hhi_top(k: int) -> Val:
        s = sum((b["share"] * 100) ** 2 for b in brands[:k])
        return Val(s, tuple(f"metrics.topBrands[{i}].share" for i in range(min(k, len(brands)))),
                   f"sum of (share×100)^2 over topBrands[0..{k - 1}]", "hhi")

    def _list(key: str, i: int, cnt: str = "count", tag: str = "mention-count") -> Val:
        item = ri[key][i]
        label = next(v for k, v in item.items() if k != cnt)
        return Val(item[cnt], (f"reviewInsights.{key}[{i}].{cnt}",), f"reviewInsights.{key}[{i}]({label}).{cnt}", tag)

    def kw(i: int) -> Val: return _list("topKeywords", i)
    def scen(i: int) -> Val: return _list("usageScenarios", i)
    def agec(i: int) -> Val: return _list("ageMentions", i)

    def agel(i: int) -> Val:
        age = ri["ageMentions"][i]["age"]
        return Val(float("".join(c for c in age if c.isdigit())), (f"reviewInsights.ageMentions[{i}].age",),
                   f"age label {age}", "label", exact=True)

    def seg(i: int) -> Val:
        s = m["topSegments"][i]
        return Val(s["count"], (f"metrics.topSegments[{i}].count",), f"topSegments[{i}]({s['segment']}).count",
                   "segment-count")

    def segl(i: int) -> Val:
        s = m["topSegments"][i]["segment"]
        nums = tuple(float(x) for x in __import__("re").findall(r"\d+(?:\.\d+)?", s))
        return Val(nums[0] if len(nums) == 1 else nums, (f"metrics.topSegments[{i}].segment",),
                   f"segment label {s}", "label", exact=True)

    def tag(i: int) -> Val:
        t = m["topTags"][i]
        return Val(t["count"], (f"metrics.topTags[{i}].count",), f"topTags[{i}]({t['tag']}).count", "tag-count")

    def ri_(key: str) -> Val:
        return Val(ri[key], (f"reviewInsights.{key}",), f"reviewInsights.{key}", "count")

    def dq_(key: str, tag: str = "data-quality") -> Val:
        value = dq[key]
        if isinstance(value, str):
            value = float(value)
        return Val(value, (f"dataQuality.{key}",), f"dataQuality.{key}", tag, exact=tag == "label")

    def pq(name: str) -> Val:
        return Val(m["priceQuantiles"][name], (f"metrics.priceQuantiles.{name}",),
                   f"metrics.priceQuantiles.{name}", "price")

    def pchg() -> Val:
        return Val(m["priceChange6m"] * 100, ("metrics.priceChange6m",), "metrics.priceChange6m ×100", "price",
                   sign_word=True)

    ns: dict[str, Any] = dict(
        share=share, brev=brev, bsum=bsum, topk=topk, hist_total=hist_total, hist_n=hist_n, star=star,
        starlbl=starlbl, branded=branded, elapsed=elapsed, yr=yr, yrs=yrs, win=win, gd=gd, gr=gr, rc=rc, ann=ann, months=months,
        span_months=span_months, ratio=ratio, change=change, cagr=cagr, streak=streak, nyears=nyears,
        below=below, above=above, const=const, rank=rank, of=of, hhi_top=hhi_top, kw=kw, scen=scen,
        agec=agec, agel=agel, seg=seg, segl=segl, tag=tag, ri=ri_, dq=dq_, pq=pq, pchg=pchg, math=math,
        pc=lambda: _m("productCount", tag="count"),
        bc=lambda: _m("brandCount", tag="count"),
        rev=lambda: _m("totalReviewCount", tag="count"),
        rating=lambda: _m("avgRatingWeighted", tag="rating"),
        zero=lambda: _m("zeroReviewRatio", 100, "zero-review"),
        zero_n=lambda: Val(round(m["zeroReviewRatio"] * m["productCount"]),
                           ("metrics.zeroReviewRatio", "metrics.productCount"),
                           "zeroReviewRatio × productCount", "zero-review"),
        low=lambda: _m("lowRatingRatio", 100, "low-rating"),
        top3=lambda: _m("top3BrandShare", 100, "topk-share"),
        hhi=lambda: _m("hhi", tag="hhi"),
        hhi10=lambda: _m("hhiTop10", tag="hhi"),
        unb=lambda: _m("unbrandedReviewShare", 100, "base"),
    )
    return ns


def evaluate(expr: str, ns: dict[str, Any]) -> Val:
    """Evaluate one markup expression in a category's namespace."""
    v = eval(expr, {"__builtins__": {"abs": abs, "round": round}}, ns)  # noqa: S307 - authoring tool
    if not isinstance(v, Val):
        raise TypeError(f"{expr!r} did not give a derived value")
    return v
