"""Reads an export CSV into an all-text DataFrame, rejecting malformed files with one clear line.

The pyarrow CSV reader does the parsing: it is several times faster than the pandas C engine on
multi-million-row review exports, streams in blocks, and (unlike the pandas C engine, which pads
short rows silently) reports rows with too few fields as well as too many. Every column is read
as text; typing happens afterwards in :mod:`harness.data.values` so that coercion failures can be
counted instead of raising.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from harness.data.sniff import detect_encoding, find_ragged_row, read_header
from harness.errors import InputError

_OTHER_DELIMITERS = {";": "';'", "\t": "tab", "|": "'|'"}
_BLOCK_SIZE = 16 << 20


@dataclass(frozen=True)
class RawTable:
    """A parsed CSV: text columns plus what the quality report needs to know about the file."""

    frame: pd.DataFrame
    encoding: str
    header: list[str]
    rows_read: int


def _check_header(path: Path, header: list[str], required: Sequence[str]) -> None:
    if not header or all(not name for name in header):
        raise InputError(path, "no header row", "line 1")
    if len(header) == 1:
        for delimiter, label in _OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                raise InputError(path, f"wrong delimiter: the header is separated by {label}, expected ','", "line 1")
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            raise InputError(path, f"duplicate column {name!r}", "line 1")
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        found = ", ".join(repr(h) for h in header[:12])
        raise InputError(path, f"missing required column {missing[0]!r} (found {found})", "line 1")


def read_text_table(path: str | Path, required: Sequence[str], wanted: Iterable[str]) -> RawTable:
    """Parses ``path`` keeping the ``wanted`` columns that exist, all as strings ("" when empty).

    Args:
        path: the CSV file.
        required: columns that must be in the header.
        wanted: columns to keep if present (the required ones are always kept).

    Raises:
        InputError: unreadable, empty, binary, header-only, wrong delimiter, missing column,
            or a row with the wrong number of fields (named by its line).
    """
    path = Path(path)
    encoding = detect_encoding(path)
    raw_header = read_header(path, encoding)
    header = [name.strip() for name in raw_header]
    _check_header(path, header, required)
    keep = [name for name in header if name in set(wanted) | set(required)]
    # Header names are trimmed for matching; pyarrow sees the raw names, so map them through.
    renames = dict(zip(raw_header, header, strict=False))
    raw_keep = [raw for raw, clean in renames.items() if clean in keep]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf8" if encoding != "cp949" else "cp949",
                                           block_size=_BLOCK_SIZE),
            # pyarrow rejects rows with too few fields as well as too many (the pandas C engine pads
            # short rows silently); _explain then finds the physical line with the csv module.
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in raw_header},
                include_columns=raw_keep,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException, ValueError, UnicodeDecodeError) as exc:
        raise _explain(path, encoding, len(header), exc) from None
    if table.num_rows == 0:
        raise InputError(path, "header only, no data rows", "line 2")
    frame = table.to_pandas().rename(columns=renames)
    return RawTable(frame=frame, encoding=encoding, header=header, rows_read=table.num_rows)


def _explain(path: Path, encoding: str, width: int, exc: Exception) -> InputError:
    """Turns a pyarrow parse failure into an InputError that names the line."""
    located = find_ragged_row(path, encoding, width)
    if located is not None:
        line, count, last = located
        if last and _physical_line(path, encoding, line).count('"') % 2:
            return InputError(path, "unterminated quoted field (a '\"' opens a value that never closes)", f"line {line}")
        return InputError(path, f"ragged row: {count} fields, the header has {width}", f"line {line}")
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return InputError(path, f"cannot parse CSV ({message})")


def _physical_line(path: Path, encoding: str, number: int) -> str:
    with path.open(encoding=encoding, newline="") as handle:
        for index, text in enumerate(handle, start=1):
            if index == number:
                return text
    return ""
