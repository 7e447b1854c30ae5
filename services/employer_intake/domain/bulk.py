"""Reading a bulk file (CSV or JSON Lines) into numbered rows, or refusing it whole.

The file is refused whole, before anything is stored, when it is not UTF-8, has a header with
unknown or missing columns, more rows than allowed, or looks truncated (an unterminated quote,
or fields missing on its last line). Any other problem belongs to its line alone.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import FieldError, IntakeError

CSV_COLUMNS = (
    "external_ref",
    "employer_name",
    "siret",
    "title",
    "description",
    "rome_code",
    "skills",
    "commune_insee",
    "contract_type",
    "hours_per_week",
    "positions",
    "driving_licence_required",
    "schedules",
    "start_date",
    "open_to_beginners",
)
REQUIRED_COLUMNS = ("employer_name", "title", "commune_insee", "contract_type", "hours_per_week")
LIST_COLUMNS = frozenset({"skills", "schedules"})
BOOL_COLUMNS = frozenset({"driving_licence_required", "open_to_beginners"})
_BOOLS = {"oui": True, "vrai": True, "o": True, "non": False, "faux": False, "n": False}
_LIST_SEP = re.compile(r"[|;]")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")


class FileRejected(IntakeError):
    """The whole file is refused; `status` is the HTTP status that says why."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Row:
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


def decode(body: bytes) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise FileRejected(
            f"the file is not UTF-8: invalid byte at line {line}; export it as UTF-8", status=400
        ) from exc
    return text.removeprefix("\ufeff")


def parse(body: bytes, *, kind: str, max_rows: int) -> list[Row]:
    text = decode(body)
    rows = parse_csv(text) if kind == "csv" else parse_ndjson(text)
    if len(rows) > max_rows:
        raise FileRejected(f"{len(rows)} rows: at most {max_rows} per file", status=413)
    return rows


def csv_delimiter(text: str) -> str:
    """ ";" (what French spreadsheets write) or ",", as the header line uses most."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def parse_csv(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text), strict=True)
    header = _header(reader)
    rows: list[Row] = []
    previous_end = reader.line_num
    try:
        for record in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not record or record == [""]:
                continue
            rows.append(_csv_row(line, header, record))
    except csv.Error as exc:
        raise FileRejected(
            f"line {previous_end + 1}: {exc} — the file looks truncated or badly quoted",
            status=400,
        ) from exc
    if rows and len(rows[-1].errors) == 1 and rows[-1].errors[0].field == "(columns)":
        if "missing" in rows[-1].errors[0].reason:
            raise FileRejected(
                f"line {rows[-1].line}: the last line lacks fields — the file looks truncated",
                status=400,
            )
    return rows


def _header(reader: Any) -> list[str]:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FileRejected("the file is empty: a header line is expected", status=400) from None
    except csv.Error as exc:
        raise FileRejected(f"line 1: unreadable header ({exc})", status=400) from exc
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    problems = []
    if unknown:
        problems.append(f"unknown columns {', '.join(map(repr, unknown))}")
    if missing:
        problems.append(f"missing columns {', '.join(missing)}")
    if duplicated:
        problems.append(f"repeated columns {', '.join(duplicated)}")
    if problems:
        raise FileRejected(
            f"line 1: wrong header: {'; '.join(problems)}. Columns: {', '.join(CSV_COLUMNS)}"
            f" (required: {', '.join(REQUIRED_COLUMNS)})"
        )
    return header


def _csv_row(line: int, header: list[str], record: list[str]) -> Row:
    if len(record) != len(header):
        word = "missing" if len(record) < len(header) else "extra"
        reason = f"{word} fields: {len(record)} found, {len(header)} expected"
        return Row(line, errors=[FieldError("(columns)", reason)])
    data: dict[str, Any] = {}
    for name, raw in zip(header, record, strict=True):
        value = raw.strip()
        if value == "":
            continue  # an empty cell: the field's default, or "Field required"
        if name in LIST_COLUMNS:
            data[name] = [v.strip() for v in _LIST_SEP.split(value) if v.strip()]
        elif name in BOOL_COLUMNS:
            data[name] = _BOOLS.get(value.lower(), value)
        elif name == "hours_per_week" and _DECIMAL_COMMA.match(value):
            data[name] = value.replace(",", ".")
        else:
            data[name] = value
    return Row(line, data)


def parse_ndjson(text: str) -> list[Row]:
    lines = text.split("\n")
    last = max((i for i, s in enumerate(lines) if s.strip()), default=-1)
    rows: list[Row] = []
    for i, raw in enumerate(lines):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            if i == last:
                raise FileRejected(
                    f"line {i + 1}: the last line is not complete JSON ({exc.msg}) — the file"
                    " looks truncated",
                    status=400,
                ) from exc
            rows.append(Row(i + 1, errors=[FieldError("(line)", f"not JSON: {exc.msg}")]))
            continue
        if not isinstance(value, dict):
            rows.append(Row(i + 1, errors=[FieldError("(line)", "a JSON object is expected")]))
            continue
        rows.append(Row(i + 1, value))
    return rows
