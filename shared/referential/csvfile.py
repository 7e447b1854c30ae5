"""Strict reading of the official CSV exports: UTF-8, every column as text, errors with file:line.

The csv module is lenient by default (a truncated quoted field at end of file becomes a short
record), so it runs with `strict=True` and each record's field count is checked against the header.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.referential.errors import ReferentialFileError


@dataclass(frozen=True, slots=True)
class Record:
    path: Path
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def error(self, reason: str) -> ReferentialFileError:
        return ReferentialFileError(self.path, self.line, reason)

    def text(self, column: str) -> str:
        """The stripped value of a column that must not be empty."""
        value = self.values[column].strip()
        if not value:
            raise self.error(f"{column} is empty")
        return value


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReferentialFileError(path, None, f"cannot read: {exc.strerror}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReferentialFileError(path, line, "not valid UTF-8") from exc


def read_records(path: Path, columns: Sequence[str]) -> Iterator[Record]:
    """Yield one record per data row; `columns` must all be in the header (extra ones are fine)."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = _next_row(reader, path, 1)
    if header is None:
        raise ReferentialFileError(path, 1, "empty file, expected a header line")
    missing = [c for c in columns if c not in header]
    if missing:
        raise ReferentialFileError(path, 1, f"missing column(s) {', '.join(missing)}")
    while True:
        line = reader.line_num + 1  # a quoted field may span lines: report where the row starts
        row = _next_row(reader, path, line)
        if row is None:
            break
        if not row:  # a blank line carries no data
            continue
        if len(row) != len(header):
            raise ReferentialFileError(
                path, line, f"{len(row)} field(s) where the header has {len(header)}"
            )
        yield Record(path, line, dict(zip(header, row, strict=True)))
    # Exports end every line with a break; without it, a cut inside an unquoted number
    # ("0.88" for "0.88596") would pass unseen.
    if not text.endswith(("\n", "\r")):
        raise ReferentialFileError(path, reader.line_num, "no line break at the end: truncated?")


def read_unique(path: Path, columns: Sequence[str], key: str) -> Iterator[Record]:
    """Like read_records, refusing a second row with the same `key` value."""
    seen: set[str] = set()
    for record in read_records(path, columns):
        if record[key] in seen:
            raise record.error(f"duplicate {key} {record[key]!r}")
        seen.add(record[key])
        yield record


def _next_row(reader: Iterator[list[str]], path: Path, line: int) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise ReferentialFileError(path, line, f"malformed CSV ({exc})") from exc


def checksum(paths: Iterable[Path], *, salt: str) -> str:
    """SHA-256 over the files' names and bytes, salted with the parser version."""
    digest = hashlib.sha256(salt.encode())
    for path in sorted(paths, key=lambda p: p.name):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ReferentialFileError(path, None, f"cannot read: {exc.strerror}") from exc
        digest.update(f"\0{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
