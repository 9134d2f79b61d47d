"""Build ``summaries.jsonl`` from the hand-written sources in ``src/`` (authoring tool, not the metric).

Usage: ``.venv/bin/python golden/fidelity/build.py [--check]``

Each ``src/<category>.py`` holds ``CATEGORY`` (the facts' categoryId), ``BATCH`` and ``ITEMS``:

- a correct summary: ``dict(id=..., mo="...", gr="...")``. Every number in the text is written as
  ``{span|expr}`` or ``{span|expr|family}``: ``span`` is the text as a reader sees it, ``expr`` the
  derivation over the facts (``derive.py``). The span is the summary's own wording, written first.
- an edit: ``dict(id=..., parent=..., kind=..., field="mo"|"gr", old="...", new="...", how="...")``
  replaces ``old`` (unique in the parent's field) by ``new``; the one parent number the change
  touches becomes ``wrong`` (``wrong="span"`` names it when the change is a word beside it).
- a fabricated claim: ``dict(id=..., parent=..., field=..., after="...", insert="... {span} ...",
  how="...")`` inserts a sentence or clause whose one number, ``{span}``, has no basis in the facts.

The build evaluates every expression, checks each supported span admits its derived value
(``stated.py``) and writes the rows in source order. ``--check`` compares instead of writing.
"""

from __future__ import annotations

import json
import re
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from derive import Val, evaluate, namespace  # noqa: E402
from stated import check  # noqa: E402

FIELDS = {"mo": "marketOverviewSummary", "gr": "growthSummary"}
MARK = re.compile(r"\{([^{}|]+)\|([^{}|]+)(?:\|([^{}|]*))?(?:\|([^{}]*))?\}")
FAB = re.compile(r"\{([^{}|]+)\}")
STRONG_FORMS = ("proportion", "fraction", "multiple-word", "multiple-digit", "decade-band",
                "magnitude-man-cheon", "year-range", "streak", "pp-gap", "rank")
DERIVED_TAGS = ("brand-sum", "topk-share", "star-share", "year-diff", "cagr", "ratio", "partial-year",
                "count-threshold", "base", "hhi", "price", "mention-count", "segment-count", "tag-count",
                "zero-review", "low-rating", "proportion", "label", "threshold", "year-count-span", "estimate")
HEDGES = ("약", "수준", "안팎", "여", "가량", "남짓", "정도", "내외", "가까이", "넘", "이상", "미만", "육박", "대략")
DECLINE = ("감소", "하락", "줄", "축소", "뒷걸음", "후퇴", "마이너스", "역성장", "빠졌", "빠진", "빠지", "떨어",
           "꺾", "위축", "내려", "내렸", "낮아", "내린", "급락", "급감", "쪼그", "반락", "하향", "둔화", "밑돌", "적어")
RISE = ("증가", "성장", "늘", "상승", "확대", "뛰", "급증", "반등", "오르", "올라", "오른", "회복", "플러스",
        "불어", "많", "커졌", "커진", "높아", "확장", "웃돌", "많아", "키웠", "키운")


NOTES: list[str] = []  # sign words the writer reviews by eye; not an error


@dataclass
class Ann:
    start: int
    end: int
    entry: dict


def form_family(span: str) -> str | None:
    if re.search(r"\d\s*(?:건|개|명|곳)?\s*중\s*\S", span) or re.search(r"(열|한|두|세)\s?(건|개|명)\s?중", span):
        return "proportion"
    if "분의" in span or "절반" in span or "과반" in span or "반토막" in span:
        return "fraction"
    if re.search(r"(두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s?배", span):
        return "multiple-word"
    if re.search(r"\d\s?배", span):
        return "multiple-digit"
    if re.search(r"\d(%|점)대", span):
        return "decade-band"
    if re.search(r"\d\s?(만|천)", span):
        return "magnitude-man-cheon"
    if re.search(r"\d{4}\s?(년)?\s?[~∼-]\s?\d{4}", span) or re.search(r"\d{4}년부터", span):
        return "year-range"
    if "연속" in span:
        return "streak"
    if "%p" in span or "퍼센트포인트" in span:
        return "pp-gap"
    if re.search(r"\d\s?위|상위|\d대 브랜드|\d강", span):
        return "rank"
    return None


def family_of(span: str, v: Val) -> str:
    form = form_family(span)
    if form in STRONG_FORMS:
        return form
    if v.tag in DERIVED_TAGS:
        return v.tag
    if any(h in span for h in HEDGES):
        return "approx"
    return v.tag


def parse_marked(text: str, ns: dict, where: str, problems: list[str]) -> tuple[str, list[Ann]]:
    out, anns, pos = [], [], 0
    for mt in MARK.finditer(text):
        out.append(text[pos:mt.start()])
        start = sum(len(s) for s in out)
        span, expr = mt.group(1), mt.group(2).strip()
        fam, note = (mt.group(3) or "").strip(), (mt.group(4) or "").strip()
        try:
            v = evaluate(expr, ns)
        except Exception as e:  # noqa: BLE001 - report every bad expression at once
            problems.append(f"{where}: {span!r}: {expr}: {e}")
            v = Val(0, (), expr)
        else:
            why = check(span, v.value, v.exact)
            if why:
                problems.append(f"{where}: {span!r} = {expr}: {why}")
        how = f"{v.expr} = {_fmt(v.value)}" + (f"; {note}" if note else "")
        entry = {"text": span, "status": "supported", "fact": ", ".join(v.facts) or None, "how": how,
                 "family": fam or family_of(span, v), "kind": None}
        anns.append(Ann(start, start + len(span), entry))
        if v.sign_word and not v.exact:
            _sign_warning(text, mt, v, where, problems)
        out.append(span)
        pos = mt.end()
    out.append(text[pos:])
    return "".join(out), anns


def _sign_warning(text: str, mt: re.Match, v: Val, where: str, problems: list[str]) -> None:
    plain = MARK.sub(lambda m: m.group(1), text)
    i = plain.find(mt.group(1))
    window = plain[max(0, i - 14): i + len(mt.group(1)) + 26]
    val = v.value
    words = DECLINE if val < 0 else RISE
    if "-" in mt.group(1) or abs(val) < 0.05:
        return
    if not any(w in window for w in words):
        NOTES.append(f"{where}: {mt.group(1)!r}: no {'decline' if val < 0 else 'rise'} word near it: {window!r}")


def _fmt(x) -> str:
    if isinstance(x, tuple):
        return "(" + ", ".join(_fmt(i) for i in x) + ")"
    if isinstance(x, float) and not x.is_integer():
        return f"{x:.4f}".rstrip("0").rstrip(".")
    return str(int(x)) if isinstance(x, float) else str(x)


def occurrence(text: str, needle: str, start: int) -> int:
    """1-based occurrence of needle found at start, counting matches as a left-to-right search does."""
    k, i = 0, text.find(needle)
    while i != -1 and i < start:
        k += 1
        i = text.find(needle, i + len(needle))
    if i != start:
        raise ValueError(f"{needle!r} at {start} is not found by a left-to-right search")
    j, k2 = text.find(needle), 0
    while j != -1 and j < start:
        k2 += 1
        j = text.find(needle, j + 1)
    if k2 != k:
        raise ValueError(f"{needle!r} overlaps itself: occurrence is ambiguous")
    return k + 1


def _locate(fields: dict[str, tuple[str, list[Ann]]]) -> list[dict]:
    nums = []
    for key in ("mo", "gr"):
        text, anns = fields[key]
        for a in sorted(anns, key=lambda a: a.start):
            assert text[a.start:a.end] == a.entry["text"], (text[a.start:a.end], a.entry)
            occ = occurrence(text, a.entry["text"], a.start)
            e = {"field": FIELDS[key], "text": a.entry["text"], "occurrence": occ}
            e.update({k: a.entry[k] for k in ("status", "fact", "how", "family", "kind")})
            nums.append(e)
    return nums


def apply_edit(item: dict, parent: dict[str, tuple[str, list[Ann]]]) -> dict[str, tuple[str, list[Ann]]]:
    key = item["field"]
    text, anns = parent[key]
    old, new = item["old"], item["new"]
    if text.count(old) != 1:
        raise ValueError(f"{item['id']}: old {old!r} occurs {text.count(old)} times in the parent's {key}")
    i = text.index(old)
    cp = 0
    while cp < min(len(old), len(new)) and old[cp] == new[cp]:
        cp += 1
    cs = 0
    while cs < min(len(old), len(new)) - cp and old[-1 - cs] == new[-1 - cs]:
        cs += 1
    r0, r1 = i + cp, i + len(old) - cs
    delta = len(new) - len(old)
    ntext = text[:i] + new + text[i + len(old):]
    kept, hit = [], []
    insertion = r0 == r1
    for a in anns:
        touches = insertion and a.start <= r0 <= a.end
        if a.end <= r0 and not touches:
            kept.append(Ann(a.start, a.end, dict(a.entry)))
        elif a.start >= r1 and not touches:
            kept.append(Ann(a.start + delta, a.end + delta, dict(a.entry)))
        else:
            hit.append(a)
    if len(hit) > 1:
        raise ValueError(f"{item['id']}: the change touches {len(hit)} numbers")
    if hit and item.get("relabel"):
        a = hit[0]
        relabeled = dict(a.entry, text=ntext[a.start:a.end + delta], how=item["relabel"])
        kept.append(Ann(a.start, a.end + delta, relabeled))
        hit = []
    if hit:
        a = hit[0]
        if "wrong" in item:
            w = item["wrong"]
            j = ntext.find(w, i, i + len(new) + len(a.entry["text"]) + 40)
            s, e = j, j + len(w)
            if j == -1 or e <= a.start or s >= a.end + delta:
                raise ValueError(f"{item['id']}: the change removes {a.entry['text']!r}, which is not {w!r}")
        else:
            s, e = a.start, a.end + delta
        parent_entry = a.entry
    else:
        w = item["wrong"]
        lo, hi = i, i + len(new)
        cands = [a for a in kept if a.entry["text"] == w and a.entry["status"] == "supported"
                 and lo <= a.start < hi and a.entry is not None and a.start != -1]
        if len(cands) != 1:
            raise ValueError(f"{item['id']}: wrong {w!r} names {len(cands)} numbers inside new")
        a = cands[0]
        kept.remove(a)
        s, e, parent_entry = a.start, a.end, a.entry
    entry = dict(parent_entry)
    entry.update({"text": ntext[s:e], "status": "wrong", "kind": item["kind"], "how": item["how"]})
    if item.get("family"):
        entry["family"] = item["family"]
    elif item["kind"] == "year":
        entry["family"] = "year-bound"
    elif hit:
        form = form_family(ntext[s:e])
        entry["family"] = form if form in STRONG_FORMS else parent_entry["family"]
    kept.append(Ann(s, e, entry))
    out = dict(parent)
    out[key] = (ntext, kept)
    return out


def apply_fabricated(item: dict, parent: dict[str, tuple[str, list[Ann]]]) -> dict[str, tuple[str, list[Ann]]]:
    key = item["field"]
    text, anns = parent[key]
    after = item["after"]
    if text.count(after) != 1:
        raise ValueError(f"{item['id']}: anchor {after!r} occurs {text.count(after)} times")
    at = text.index(after) + len(after)
    marks = list(FAB.finditer(item["insert"]))
    if len(marks) != 1:
        raise ValueError(f"{item['id']}: the inserted claim must mark exactly one number")
    ins = FAB.sub(lambda m: m.group(1), item["insert"])
    s = at + marks[0].start()
    span = marks[0].group(1)
    ntext = text[:at] + ins + text[at:]
    kept = [Ann(a.start if a.start < at else a.start + len(ins), a.end if a.start < at else a.end + len(ins),
                dict(a.entry)) for a in anns]
    fam = item.get("family") or form_family(span) or "fabricated"
    kept.append(Ann(s, s + len(span), {"text": span, "status": "wrong", "fact": None, "how": item["how"],
                                       "family": fam, "kind": "fabricated"}))
    out = dict(parent)
    out[key] = (ntext, kept)
    return out


def sentence_count(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


def build() -> tuple[list[dict], list[str]]:
    facts = {}
    for line in (HERE / "facts.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        facts[str(d["categoryId"])] = d
    rows, problems, seen = [], [], {}
    for src in sorted((HERE / "src").glob("*.py")):
        mod = runpy.run_path(str(src))
        cat = mod["CATEGORY"]
        ns = namespace(facts[str(cat)])
        for item in mod["ITEMS"]:
            iid = item["id"]
            try:
                if "mo" in item:
                    fields = {k: parse_marked(item[k], ns, f"{iid}.{k}", problems) for k in ("mo", "gr")}
                    origin, parent = "correct", None
                elif "kind" in item:
                    fields, origin, parent = apply_edit(item, seen[item["parent"]]), "edit", item["parent"]
                else:
                    fields, origin, parent = apply_fabricated(item, seen[item["parent"]]), "fabricated", item["parent"]
            except Exception as e:  # noqa: BLE001 - report every broken item at once
                problems.append(f"{iid}: {e}")
                continue
            seen[iid] = fields
            for k, lo, hi in (("mo", 4, 6), ("gr", 5, 8)):
                n = sentence_count(fields[k][0])
                if not lo <= n <= hi:
                    problems.append(f"{iid}.{k}: {n} sentences")
            try:
                nums = _locate(fields)
            except (AssertionError, ValueError) as e:
                problems.append(f"{iid}: {e}")
                continue
            rows.append({"id": iid, "batch": item.get("batch", mod["BATCH"]), "categoryId": cat, "origin": origin,
                         "parent": parent, "marketOverviewSummary": fields["mo"][0],
                         "growthSummary": fields["gr"][0], "numbers": nums})
    return rows, problems


def dumps(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: list[str]) -> int:
    rows, problems = build()
    if "--notes" in argv:
        for n in NOTES:
            print("note:", n)
    for p in problems:
        print("problem:", p)
    out = HERE / "summaries.jsonl"
    if "--check" in argv:
        same = out.exists() and out.read_text(encoding="utf-8") == dumps(rows)
        print("summaries.jsonl is", "up to date" if same else "stale")
        return 0 if same and not problems else 1
    if problems:
        return 1
    out.write_text(dumps(rows), encoding="utf-8")
    print(f"wrote {len(rows)} summaries to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
