"""Checks a path before parsing: that it is a readable, non-empty text file, and in which encoding.

Real exports arrive as UTF-8, UTF-8 with a byte-order mark, or CP949 (Korean Windows). Guessing
libraries misfire on short Korean files, so the encoding is found by strict decoding in a fixed
order: over the first megabyte when loading (the CSV reader then decodes every column it converts,
and a bad byte later on sends the file through the same check over its whole length), over the
whole file when asked (streamed, so a multi-GB export costs one read, not its size in RAM).
Anything that fails all of them, or carries NUL bytes, is reported as not text.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

from harness.errors import InputError

BOM = codecs.BOM_UTF8
ENCODINGS = ("utf-8", "cp949")
_CHUNK = 1 << 20
_BINARY_PROBE = 1 << 16


def check_file(path: str | Path) -> Path:
    """Returns the path if it is an existing, readable, non-empty regular file.

    Raises:
        InputError: missing, a directory, unreadable or empty.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a directory, expected a CSV file")
    try:
        with path.open("rb") as handle:
            head = handle.read(1)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if not head:
        raise InputError(path, "empty file (0 bytes), expected a CSV header and rows")
    return path


def _decodes(path: Path, encoding: str, skip: int, limit: int | None = None) -> int | None:
    """Byte offset of the first undecodable byte under ``encoding``, or None if all decodes
    (the first ``limit`` bytes after ``skip`` when a limit is given)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = skip
    with path.open("rb") as handle:
        handle.seek(skip)
        while (limit is None or offset - skip < limit) and (chunk := handle.read(_CHUNK)):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(chunk)
        try:
            if limit is None or offset - skip < limit:  # the end of the file: nothing may be left open
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return offset + exc.start
    return None


def detect_encoding(path: str | Path, limit: int | None = None) -> str:
    """Returns ``"utf-8-sig"``, ``"utf-8"`` or ``"cp949"``: the first that decodes the file strictly.

    Args:
        limit: decode only this many bytes (a guess: the CSV reader checks the UTF-8 of every
            column it converts, and :func:`harness.data.csvread.read_text_table` asks again
            without a limit when it finds a bad byte).

    Raises:
        InputError: NUL bytes near the start (binary data) or no encoding decodes the file.
    """
    path = check_file(path)
    with path.open("rb") as handle:
        probe = handle.read(_BINARY_PROBE)
    nul = probe.find(b"\x00")
    if nul >= 0:
        raise InputError(path, "binary data, not a CSV text file", f"byte {nul}")
    if probe.startswith(BOM):
        bad = _decodes(path, "utf-8", len(BOM), limit)
        if bad is None:
            return "utf-8-sig"
        raise InputError(path, "starts with a UTF-8 byte-order mark but is not valid UTF-8", f"byte {bad}")
    first_bad: dict[str, int] = {}
    for encoding in ENCODINGS:
        bad = _decodes(path, encoding, 0, limit)
        if bad is None:
            return encoding
        first_bad[encoding] = bad
    where = f"byte {first_bad['utf-8']}"
    raise InputError(path, "not text in UTF-8 or CP949 (binary or unknown encoding)", where)


def read_header(path: Path, encoding: str) -> list[str]:
    """The header fields as written (BOM removed), read with the csv module so quoted names are handled."""
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            header = []
        except csv.Error as exc:
            raise InputError(path, f"malformed header ({exc})", "line 1") from None
    return header


def find_ragged_row(path: Path, encoding: str, width: int) -> tuple[int, int, bool] | None:
    """First record whose field count differs from ``width``: (physical line, field count, last?).

    Only called on the error path, so a plain csv-module pass is fine; it gives the physical
    line where the record starts even when earlier fields hold quoted newlines. ``last`` is True
    when that record runs to the end of the file (how an unterminated quote shows).
    """
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        line = 1
        try:
            for fields in reader:
                if reader.line_num > 1 and fields and len(fields) != width:
                    return line, len(fields), next(reader, None) is None
                line = reader.line_num + 1
        except csv.Error:
            return None
    return None
