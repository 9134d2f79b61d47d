"""The golden set as the runner and the gate read it: frozen facts, hand-written references, version.

Every variant is evaluated on exactly these categories, so a run records the golden version and a
hash of the files it read; two runs are comparable only when those agree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.ids import category_key
from harness.jsonl import read_jsonl
from harness.repo import in_repo
from harness.yamlfile import read_yaml

FACTS_FILE = "facts.jsonl"
REFERENCES_FILE = "references.jsonl"
# Hand-written reference sets, each by a different analyst; ROUGE takes the best match per summary
# (multi-reference), so one writer's style does not decide. The expert calibration summaries
# (calibration/expert.jsonl) are never a reference: they are scored against these.
REFERENCE_FILES = (REFERENCES_FILE, "references_b.jsonl")
MANIFEST_FILE = "MANIFEST"
INPUTS_DIR = "inputs"
REFERENCE_KEYS = ("categoryId", "marketOverviewSummary", "growthSummary")


@dataclass(frozen=True)
class GoldenSet:
    """Facts in file order, references by category key, and the manifest's version.

    ``references`` is the first reference set by category key (one pair per category);
    ``reference_rows`` holds every set's rows, which is what ROUGE is scored against.
    """

    folder: Path
    facts: list[dict[str, Any]]
    references: dict[str, dict[str, Any]] = field(default_factory=dict)
    reference_rows: list[dict[str, Any]] = field(default_factory=list)
    version: str = "unversioned"
    data_hash: str = ""

    @property
    def ids(self) -> list[str]:
        return [category_key(f["categoryId"]) for f in self.facts]

    def facts_by_id(self) -> dict[str, dict[str, Any]]:
        return {category_key(f["categoryId"]): f for f in self.facts}


def files_hash(paths: list[Path]) -> str:
    """SHA-256 over the files' names and bytes (missing files are skipped), shortened to 16 hex."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def read_manifest(folder: Path) -> dict[str, Any]:
    """The MANIFEST (YAML): ``version``, ``command``, ``changelog``; empty when absent."""
    path = folder / MANIFEST_FILE
    if not path.exists():
        return {}
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise InputError(path, "expected a mapping with 'version'")
    return data


def _read_references(path: Path, golden_ids: set[str]) -> list[dict[str, Any]]:
    """One reference set's rows (empty when the file is absent); at most one pair per category."""
    if not path.exists():
        return []
    rows = read_jsonl(path, required=REFERENCE_KEYS)
    keys: set[str] = set()
    for lineno, ref in enumerate(rows, start=1):
        key = category_key(ref["categoryId"])
        if key not in golden_ids:
            raise InputError(path, f"categoryId {key} is not a golden category", f"line {lineno}")
        if key in keys:
            raise InputError(path, f"categoryId {key} has two references in one set", f"line {lineno}")
        keys.add(key)
    return rows


def load_golden(folder: str | Path) -> GoldenSet:
    """Reads ``facts.jsonl`` (required), the reference sets (optional) and ``MANIFEST``."""
    folder = in_repo(folder)
    facts_path = folder / FACTS_FILE
    if not facts_path.exists():
        raise InputError(facts_path, "golden facts are missing (run `make golden`)")
    facts = read_jsonl(facts_path, required=("categoryId",))
    if not facts:
        raise InputError(facts_path, "no golden categories")
    seen: set[str] = set()
    for lineno, item in enumerate(facts, start=1):
        key = category_key(item["categoryId"])
        if key in seen:
            raise InputError(facts_path, f"categoryId {key} appears twice", f"line {lineno}")
        seen.add(key)
    sets = [_read_references(folder / name, seen) for name in REFERENCE_FILES]
    manifest = read_manifest(folder)
    hashed = [facts_path, *(folder / name for name in REFERENCE_FILES), *sorted((folder / INPUTS_DIR).glob("*.csv"))]
    return GoldenSet(
        folder=folder,
        facts=facts,
        references={category_key(r["categoryId"]): r for r in sets[0]},
        reference_rows=[row for rows in sets for row in rows],
        version=str(manifest.get("version", "unversioned")),
        data_hash=files_hash(hashed),
    )
