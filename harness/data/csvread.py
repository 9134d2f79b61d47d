"""Reads an export CSV into an all-text Arrow table, rejecting malformed files with one clear line.

The pyarrow CSV reader does the parsing: it is several times faster than the pandas C engine on
multi-million-row review exports, parses blocks on all cores, and (unlike the pandas C engine,
which pads short rows silently) reports rows with too few fields as well as too many. Every column
is read as text (``""`` when empty); typing happens afterwards in :mod:`harness.data.columns` so that
coercion failures can be counted instead of raising. The table stays in Arrow: a pandas copy of a
5-million-row text column was the loader's largest cost in time and memory.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from harness.data.columns import present_text
from harness.data.sniff import detect_encoding, find_ragged_row, read_header
from harness.errors import InputError

_OTHER_DELIMITERS = {";": "';'", "\t": "tab", "|": "'|'"}
_BLOCK_SIZE = 16 << 20
_SNIFF_BYTES = 1 << 20


@dataclass(frozen=True)
class RawTable:
    """A parsed CSV: text columns (by trimmed header name) plus what the quality report needs."""

    table: pa.Table
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


def read_text_table(
    path: str | Path, required: Sequence[str], wanted: Iterable[str] | Callable[[list[str]], Iterable[str]], *,
    dictionary: Collection[str] = (), presence: Collection[str] = (),
) -> RawTable:
    """Parses ``path`` keeping the ``wanted`` columns that exist, all as strings ("" when empty).

    The file is read block by block (pyarrow's streaming reader), so a column that is only
    checked for presence never exists whole.

    Args:
        path: the CSV file.
        required: columns that must be in the header.
        wanted: columns to keep if present (the required ones are always kept), or a function of
            the (trimmed) header that names them.
        dictionary: columns read dictionary-encoded (one copy of each distinct value: ids and
            labels that repeat across millions of rows); one dictionary for the whole column.
        presence: columns of which only "non-blank" matters: read as bytes (no UTF-8 check: the
            file was decoded before) and kept as one bool per row (:func:`present_text`).

    Raises:
        InputError: unreadable, empty, binary, header-only, wrong delimiter, missing column,
            or a row with the wrong number of fields (named by its line).
    """
    path = Path(path)
    # The encoding is guessed from the first megabyte; the reader checks the UTF-8 of every column
    # it converts, and a bad byte further on sends the file through the full check (CP949, or
    # one line naming the byte). Bytes of columns left unread, or read for presence only, are
    # not decoded: nothing of them reaches the output.
    encoding = detect_encoding(path, limit=_SNIFF_BYTES)
    try:
        return _read(path, encoding, required, wanted, dictionary, presence)
    except _ParseError as failure:
        checked = detect_encoding(path)  # raises InputError when no encoding decodes the file
        if checked == encoding:
            raise _explain(path, encoding, failure.width, failure.cause) from None
    try:
        return _read(path, checked, required, wanted, dictionary, presence)
    except _ParseError as failure:
        raise _explain(path, checked, failure.width, failure.cause) from None


class _ParseError(Exception):
    """pyarrow could not parse the file (explained by :func:`_explain` once the encoding is sure)."""

    def __init__(self, width: int, cause: Exception) -> None:
        super().__init__(str(cause))
        self.width, self.cause = width, cause


def _read(
    path: Path, encoding: str, required: Sequence[str], wanted: Iterable[str] | Callable[[list[str]], Iterable[str]],
    dictionary: Collection[str], presence: Collection[str],
) -> RawTable:
    raw_header = read_header(path, encoding)
    header = [name.strip() for name in raw_header]
    _check_header(path, header, required)
    chosen = set(wanted(header) if callable(wanted) else wanted)
    keep = [name for name in header if name in chosen | set(required)]
    # Header names are trimmed for matching; pyarrow sees the raw names, so map them through.
    renames = dict(zip(raw_header, header, strict=False))
    raw_keep = [raw for raw, clean in renames.items() if clean in keep]
    types = {raw: _column_type(clean, dictionary, presence) for raw, clean in renames.items()}
    try:
        with pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf8" if encoding != "cp949" else "cp949",
                                           block_size=_BLOCK_SIZE),
            # pyarrow rejects rows with too few fields as well as too many (the pandas C engine pads
            # short rows silently); _explain then finds the physical line with the csv module.
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=raw_keep,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        ) as reader:
            schema = reader.schema
            batches = [_only_presence(batch, presence, renames) for batch in reader]
    except (pa.ArrowInvalid, pa.ArrowException, ValueError, UnicodeDecodeError) as exc:
        raise _ParseError(len(header), exc) from None
    rows = sum(batch.num_rows for batch in batches)
    if rows == 0:
        raise InputError(path, "header only, no data rows", "line 2")
    table = pa.Table.from_batches(batches, schema=schema if not batches else None)
    table = table.rename_columns([renames[name] for name in schema.names])
    if dictionary:
        table = table.unify_dictionaries()  # each block has its own dictionary
    return RawTable(table=table, encoding=encoding, header=header, rows_read=rows)


def _only_presence(batch: pa.RecordBatch, presence: Collection[str], renames: dict[str, str]) -> pa.RecordBatch:
    """The batch with each ``presence`` column replaced by whether its cells are non-blank."""
    for index, name in enumerate(batch.schema.names):
        if renames[name] in presence:
            present = pa.array(present_text(batch.column(index)))
            batch = batch.set_column(index, pa.field(name, pa.bool_()), present)
    return batch


def _column_type(name: str, dictionary: Collection[str], presence: Collection[str]) -> pa.DataType:
    if name in dictionary:
        return pa.dictionary(pa.int32(), pa.string())
    return pa.binary() if name in presence else pa.string()


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
