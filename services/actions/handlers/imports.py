"""A partner's existing catalogue, imported from a CSV file in one transaction.

An action is known by the partner's reference, per providing structure: importing the same
references again updates those actions (and their sessions, matched by start) instead of adding
copies. A session already in the catalogue and absent from the file is kept: it may hold
registrations, and the file may be a part of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from services.actions.adapters import catalogue_repo, catalogue_store
from services.actions.adapters.catalogue_store import BelowPlacesTaken
from services.actions.adapters.db import Conn
from services.actions.adapters.referents_repo import Referent
from services.actions.bootstrap import Services
from services.actions.domain.catalogue import MAX_SESSIONS, TOO_MANY_SESSIONS
from services.actions.domain.catalogue_csv import (
    ImportedAction,
    ImportedSession,
    LineError,
    LinesRefused,
    read_catalogue,
)
from services.actions.handlers.catalogue import below_taken, live_sessions
from services.actions.handlers.publication import publish_action


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    sessions_added: int = 0
    sessions_updated: int = 0


async def import_catalogue(services: Services, referent: Referent, body: bytes) -> ImportReport:
    """All or nothing: FileRefused / LinesRefused (every error with its line) store nothing."""
    actions = read_catalogue(body, services.referential, services.clock())
    report, errors = ImportReport(), []
    async with services.transaction() as conn:
        await catalogue_store.lock_imports(conn, provider=referent.structure)
        for imported in actions:
            known = await catalogue_store.imported_action(
                conn, provider=referent.structure, reference=imported.reference
            )
            if known is None:
                await _create(conn, referent, imported, report)
            else:
                errors += await _update(conn, known, imported, report)
        if errors:
            raise LinesRefused(errors)  # leaving the block rolls every line back
    return report


async def _create(
    conn: Conn, referent: Referent, imported: ImportedAction, report: ImportReport
) -> None:
    action_id = await catalogue_store.insert_action(
        conn, imported.action, provider=referent.structure, created_by=referent.referent_id
    )
    for s in imported.sessions:
        await catalogue_store.insert_session(conn, action_id, s.session)
    await catalogue_store.remember_reference(
        conn, provider=referent.structure, reference=imported.reference, action_id=action_id
    )
    await publish_action(conn, action_id, bump=False)
    report.created += 1
    report.sessions_added += len(imported.sessions)


async def _update(
    conn: Conn, action_id: UUID, imported: ImportedAction, report: ImportReport
) -> list[LineError]:
    current = await catalogue_repo.get(conn, action_id, for_update=True)
    assert current is not None  # the reference row is deleted with its action
    await catalogue_store.update_action(conn, action_id, imported.action)
    by_start = {s.starts_at: s.session_id for s in current.sessions}
    live, added, errors = live_sessions(current), 0, []
    for s in imported.sessions:
        session_id = by_start.get(s.session.starts_at)
        if session_id is not None:
            errors += await _update_session(conn, session_id, s, report)
        elif live + added >= MAX_SESSIONS:
            errors.append(LineError(s.line, "date", TOO_MANY_SESSIONS))
        else:
            await catalogue_store.insert_session(conn, action_id, s.session)
            added += 1
    report.sessions_added += added
    await publish_action(conn, action_id)
    report.updated += 1
    return errors


async def _update_session(
    conn: Conn, session_id: UUID, imported: ImportedSession, report: ImportReport
) -> list[LineError]:
    try:
        await catalogue_store.update_session(conn, session_id, imported.session)
    except BelowPlacesTaken as exc:
        return [LineError(imported.line, "places", below_taken(exc.registered))]
    report.sessions_updated += 1
    return []
