"""The lines of an imported file that were refused, as a CSV the federation can fix: the line's
number, its reasons in the form's words, then the line as it was in the file."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from ..bulk_import import LineError
from ..domain import bulk
from .need_form import label_of, message_of


def reasons_by_line(errors: list[LineError]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for e in errors:
        found[e.line].append(f"{label_of(e.field)} : {reason_of(e)}")
    return dict(sorted(found.items()))


def reason_of(e: LineError) -> str:
    if e.field in ("(columns)", "(line)"):
        return f"ligne illisible ({e.reason})"
    if e.field == "external_ref":
        return "cette référence a déjà servi pour un autre besoin ; changez-la"
    return message_of(e.field, e.reason)


def refused_csv(body: bytes, kind: str, errors: list[LineError]) -> str:
    reasons = reasons_by_line(errors)
    text = bulk.decode(body)
    out = io.StringIO()
    if kind == "csv":
        delimiter = bulk.csv_delimiter(text)
        header, lines = _csv_lines(text, delimiter, set(reasons))
    else:
        delimiter, header = ";", ["contenu"]
        lines = {i + 1: [raw] for i, raw in enumerate(text.split("\n")) if i + 1 in reasons}
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["ligne", "motifs", *header])
    for line, why in reasons.items():
        writer.writerow([line, " ; ".join(why), *lines.get(line, [])])
    return out.getvalue()


def _csv_lines(
    text: str, delimiter: str, wanted: set[int]
) -> tuple[list[str], dict[int, list[str]]]:
    """The header and the wanted records, numbered as bulk.parse_csv numbers them (the line
    each record starts on)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    found, previous_end = {}, reader.line_num
    for record in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if line in wanted:
            found[line] = record
    return header, found
