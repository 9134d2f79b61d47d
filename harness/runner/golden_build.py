"""``harness golden build`` (``make golden``): freezes the golden inputs and recomputes their facts.

The golden categories are listed, with the reason each is there, in ``golden/categories.yaml``.
Inputs are cut from the committed sample row for row at the text level (no parse and re-write), so
the frozen CSVs keep the export's exact spelling of literals and numbers, and the facts engine sees
in the gate exactly what it saw here. References are never generated: they are hand-written.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.errors import InputError
from harness.ids import category_key
from harness.repo import in_repo
from harness.runner.golden import FACTS_FILE, INPUTS_DIR
from harness.yamlfile import read_yaml

CATEGORIES_FILE = "categories.yaml"
PRODUCTS = "products_all.csv"
REUSED_ID_SEPARATOR = "~"  # the facts engine names a reused id's paths <id>~<n>
REVIEWS = "reviews_all.csv"


@dataclass(frozen=True)
class BuildResult:
    categories: int
    products: int
    reviews: int
    facts: int


def read_category_ids(golden_dir: Path) -> list[str]:
    """Category ids from ``categories.yaml`` (a list of ``{categoryId, why}``), in file order."""
    path = golden_dir / CATEGORIES_FILE
    data = read_yaml(path)
    if not isinstance(data, list) or not data:
        raise InputError(path, "expected a non-empty list of {categoryId, why}")
    ids = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict) or "categoryId" not in item or not str(item.get("why", "")).strip():
            raise InputError(path, "each entry needs categoryId and a non-empty why", f"entry {i}")
        ids.append(category_key(item["categoryId"]))
    if len(set(ids)) != len(ids):
        raise InputError(path, "a categoryId is listed twice")
    return ids


def _all_ids(products: Path) -> set[str]:
    """Every product id of the full sample (to recognise reviews of unknown products)."""
    from harness.data.sniff import detect_encoding

    with products.open(encoding=detect_encoding(products), newline="") as handle:
        return {category_key(row.get("id", "")) for row in csv.DictReader(handle)}


def _filter_csv(
    source: Path, dest: Path, column: str, keep: set[str], unless_in: set[str] | None = None
) -> tuple[int, set[str]]:
    """Copies the header and the rows whose ``column`` is in ``keep`` (or, with ``unless_in``, not in it).

    Reviews of products missing from the whole export are kept too (``unless_in``): they are the
    join failure the facts engine must count, and the gate must see it count them the same way.
    Returns the rows written and the ``id`` values of the kept rows.
    """
    from harness.data.sniff import detect_encoding

    try:
        handle = source.open(encoding=detect_encoding(source), newline="")  # real exports may be CP949
    except OSError as exc:
        raise InputError(source, f"cannot open: {exc.strerror or exc}") from None
    kept_ids: set[str] = set()
    rows = 0
    with handle, dest.open("w", encoding="utf-8", newline="") as out:
        reader = csv.reader(handle)
        writer = csv.writer(out, lineterminator="\n")
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(source, "empty file") from None
        if column not in header:
            raise InputError(source, f"no column {column!r}")
        col = header.index(column)
        id_col = header.index("id") if "id" in header else None
        writer.writerow(header)
        for row in reader:
            value = category_key(row[col]) if len(row) > col else ""
            if value in keep or (unless_in is not None and value not in unless_in):
                writer.writerow(row)
                rows += 1
                if id_col is not None:
                    kept_ids.add(category_key(row[id_col]))
    return rows, kept_ids


def build_golden(
    sample_dir: str | Path, golden_dir: str | Path = "golden", facts: bool = True
) -> BuildResult:
    """Cuts the golden categories' rows out of the sample and recomputes ``facts.jsonl`` from them.

    ``facts=False`` only re-cuts the inputs (a test checks they reproduce byte for byte).
    """
    from harness.runner import gate_structure
    from harness.runner.gate import recompute_facts

    sample_dir = in_repo(sample_dir)
    golden_dir = in_repo(golden_dir)
    ids = read_category_ids(golden_dir)
    inputs = golden_dir / INPUTS_DIR
    inputs.mkdir(parents=True, exist_ok=True)
    products, product_ids = _filter_csv(sample_dir / PRODUCTS, inputs / PRODUCTS, "category_id", set(ids))
    orphans = _all_ids(sample_dir / PRODUCTS)
    reviews, _ = _filter_csv(
        sample_dir / REVIEWS, inputs / REVIEWS, "product_id", product_ids, unless_in=orphans
    )
    if not facts:
        return BuildResult(categories=len(ids), products=products, reviews=reviews, facts=0)
    rows = recompute_facts(golden_dir, golden_dir / FACTS_FILE)
    gate_structure.freeze(golden_dir, rows)  # the template's sentence roles on these facts, for the gate
    found = {category_key(f["categoryId"]).split(REUSED_ID_SEPARATOR)[0] for f in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        print(
            f"warning: {len(missing)} listed categories produced no facts: {', '.join(missing)}",
            file=sys.stderr,
        )
    return BuildResult(categories=len(ids), products=products, reviews=reviews, facts=len(rows))
