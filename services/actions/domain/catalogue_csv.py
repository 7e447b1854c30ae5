"""A partner's existing catalogue as a CSV file: one line per session, the action's columns
repeated on each of its lines, the lines of one action sharing its `reference`.

The file is read whole and checked whole: every error of every line is reported with its line
number and column, and nothing is stored unless there is none. UTF-8 (a BOM is fine), ";" or ","
as the header line uses, at most MAX_LINES lines of sessions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from services.actions.domain.catalogue import (
    MAX_SESSIONS,
    TOO_MANY_SESSIONS,
    ActionDraft,
    Invalid,
    SessionDraft,
    check_action,
)
from services.actions.domain.columns import (
    ACTION_COLUMNS,
    COLUMNS,
    REQUIRED,
    action_input,
    by_column,
    read_session,
)
from shared.referential.snapshot import Snapshot

MAX_LINES = 2000


@dataclass(frozen=True)
class LineError:
    line: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportedSession:
    line: int
    session: SessionDraft


@dataclass(frozen=True)
class ImportedAction:
    reference: str
    line: int  # its first line
    action: ActionDraft
    sessions: tuple[ImportedSession, ...]


class FileRefused(ValueError):
    """The file as a whole cannot be read; `status` is the HTTP status that says why."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class LinesRefused(ValueError):
    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class _Group:
    reference: str
    line: int
    raw: dict[str, str]
    action: ActionDraft | None
    sessions: list[ImportedSession]


def read_catalogue(body: bytes, referential: Snapshot, now: datetime) -> list[ImportedAction]:
    """The file's actions with their sessions, or every error it holds."""
    lines = list(_lines(_text(body)))
    if len(lines) > MAX_LINES:
        raise FileRefused(
            f"Le fichier compte {len(lines)} lignes de séances : {MAX_LINES} au plus par envoi."
            " Découpez-le en plusieurs fichiers (les lignes d'une même référence ensemble).",
            status=413,
        )
    if not lines:
        raise FileRefused("Le fichier ne contient aucune séance sous la ligne d'en-tête.")
    errors: list[LineError] = []
    groups: dict[str, _Group] = {}
    for line, row in lines:
        errors += _read_line(line, row, groups, referential, now)
    if errors:
        raise LinesRefused(errors)
    return [
        ImportedAction(g.reference, g.line, g.action, tuple(g.sessions))
        for g in groups.values()
        if g.action is not None
    ]


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise FileRefused(
            f"Ligne {line} : le fichier n'est pas en UTF-8. Enregistrez-le en « CSV UTF-8 ».",
            status=400,
        ) from exc


def _lines(text: str) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(line number, the row by column) for each non-empty line; None for a line whose fields
    do not match the header."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = _header(next(reader, None))
    end_of_previous = reader.line_num
    try:
        for record in reader:
            line, end_of_previous = end_of_previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            fits = len(record) == len(header)
            yield line, dict(zip(header, record, strict=True)) if fits else None
    except csv.Error as exc:
        raise FileRefused(
            f"Ligne {end_of_previous + 1} : guillemet non refermé ou fichier tronqué ({exc}).",
            status=400,
        ) from exc


def _header(record: list[str] | None) -> list[str]:
    if record is None:
        raise FileRefused("Le fichier est vide : une ligne d'en-tête est attendue.", status=400)
    header = [h.strip().lower() for h in record]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    repeated = sorted({h for h in header if header.count(h) > 1})
    problems = [
        f"{what} : {', '.join(names)}"
        for what, names in (
            ("colonnes inconnues", unknown),
            ("colonnes manquantes", missing),
            ("colonnes en double", repeated),
        )
        if names
    ]
    if problems:
        raise FileRefused(
            f"Ligne 1 (en-tête) : {' ; '.join(problems)}. Colonnes possibles : "
            f"{', '.join(COLUMNS)} (obligatoires : {', '.join(REQUIRED)})."
        )
    return header


def _read_line(
    line: int,
    row: dict[str, str] | None,
    groups: dict[str, _Group],
    referential: Snapshot,
    now: datetime,
) -> list[LineError]:
    if row is None:
        return [LineError(line, "(colonnes)", "le nombre de champs diffère de l'en-tête")]
    raw = {c: row.get(c, "").strip() for c in COLUMNS}
    reference = raw["reference"]
    if not reference or len(reference) > 100:
        return [LineError(line, "reference", "indiquez votre référence (100 caractères au plus)")]
    errors: list[LineError] = []
    group = groups.get(reference)
    if group is None:
        action, errors = _action(line, raw, referential)
        group = groups[reference] = _Group(reference, line, raw, action, [])
    else:
        errors = [
            LineError(
                line,
                c,
                f"diffère de la ligne {group.line} pour la même référence : répétez les mêmes"
                " valeurs sur chaque ligne d'une action",
            )
            for c in ACTION_COLUMNS
            if raw[c] != group.raw[c]
        ]
    session, session_errors = _session(line, raw, now)
    if session is not None:
        if len(group.sessions) >= MAX_SESSIONS:
            session_errors.append(LineError(line, "date", TOO_MANY_SESSIONS))
        if any(s.session.starts_at == session.starts_at for s in group.sessions):
            session_errors.append(LineError(line, "date", "séance en double pour cette référence"))
        group.sessions.append(ImportedSession(line, session))
    return errors + session_errors


def _action(
    line: int, raw: dict[str, str], referential: Snapshot
) -> tuple[ActionDraft | None, list[LineError]]:
    try:
        return check_action(action_input(raw), referential), []
    except Invalid as exc:
        return None, [LineError(line, c, m) for c, m in by_column(exc.errors).items()]


def _session(
    line: int, raw: dict[str, str], now: datetime
) -> tuple[SessionDraft | None, list[LineError]]:
    try:
        return read_session(raw, now), []
    except Invalid as exc:
        return None, [LineError(line, c, m) for c, m in exc.errors.items()]
