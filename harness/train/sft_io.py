"""SFT files on disk: reading and writing rows, golden ids, reference targets, hashes, the build record.

``harness sft build`` writes ``<file>.build.json`` beside the JSONL: the settings, the token budget
it was built under and the token-length quantiles, trimmed and dropped counts. Training reads it
back (when the data hash matches) into ``training_metadata.json``, since only the build knows what
it trimmed and dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.ids import category_key
from harness.jsonl import read_jsonl

TargetFn = Callable[[dict[str, Any]], dict[str, str] | None]


def sft_line(row: Mapping[str, Any]) -> str:
    """One row as its JSONL line (the same encoding as :func:`harness.jsonl.write_jsonl`)."""
    return json.dumps(row, ensure_ascii=False) + "\n"


def read_sft(path: str | Path) -> list[dict[str, Any]]:
    """Reads an SFT JSONL, checking each row has system/user/assistant turns."""
    rows = read_jsonl(path, required=("messages",))
    for lineno, row in enumerate(rows, start=1):
        roles = [m.get("role") for m in row["messages"] if isinstance(m, dict)]
        if roles[-1:] != ["assistant"] or "user" not in roles:
            raise InputError(path, "messages must end with an assistant turn after a user turn", f"row {lineno}")
    return rows


def load_golden_ids(path: str | Path) -> set[str]:
    """Golden category ids from a folder of JSONL files, a JSONL file, or a plain list (one id a line)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.jsonl"))
        return {category_key(r["categoryId"]) for f in files for r in read_jsonl(f) if "categoryId" in r}
    if not path.is_file():
        raise InputError(path, "golden id file not found")
    if path.suffix == ".jsonl":
        return {category_key(r["categoryId"]) for r in read_jsonl(path, required=("categoryId",))}
    text = path.read_text(encoding="utf-8-sig")
    return {category_key(line) for line in text.splitlines() if line.strip() and not line.startswith("#")}


def reference_targets(path: str | Path) -> TargetFn:
    """Targets from a references JSONL (``categoryId``, both summary keys); None for unknown ids."""
    refs = {category_key(r["categoryId"]): r for r in read_jsonl(path, required=("categoryId",))}
    for cid, r in refs.items():
        if not (isinstance(r.get("marketOverviewSummary"), str) and isinstance(r.get("growthSummary"), str)):
            raise InputError(path, "reference lacks marketOverviewSummary/growthSummary strings", f"categoryId {cid}")
    return lambda facts: refs.get(category_key(facts.get("categoryId")))


def file_sha256(path: str | Path) -> str:
    """Content hash of a data file (recorded in ``training_metadata.json`` and MLflow)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_record_path(sft_path: str | Path) -> Path:
    return Path(str(sft_path) + ".build.json")


def write_build_record(sft_path: str | Path, record: Mapping[str, Any]) -> Path:
    """Writes ``<sft>.build.json`` with the file's hash, so a stale record is recognised as such."""
    path = build_record_path(sft_path)
    payload = {"data_sha256": file_sha256(sft_path), **record}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_build_record(sft_path: str | Path) -> dict[str, Any] | None:
    """The build record of ``sft_path`` when it exists and matches the file's current hash."""
    path = build_record_path(sft_path)
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None
    return record if record.get("data_sha256") == file_sha256(sft_path) else None
