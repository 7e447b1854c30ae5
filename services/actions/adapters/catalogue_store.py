"""Writing the catalogue: actions, their sessions, a partner's import references.

Every function runs inside the caller's transaction (the handler publishes the action's new
state in the same one).
"""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg

from services.actions.adapters.db import Conn
from services.actions.domain.catalogue import ActionDraft, SessionDraft


def _values(draft: ActionDraft) -> tuple[object, ...]:
    return (
        draft.kind.value,
        draft.title,
        draft.description,
        list(draft.rome_codes),
        [p.value for p in draft.publics],
        draft.commune_insee,
        draft.remote,
        draft.prerequisites,
        draft.accessibility,
    )


async def insert_action(conn: Conn, draft: ActionDraft, *, provider: str, created_by: UUID) -> UUID:
    """A new open action, version 1."""
    action_id = uuid4()
    await conn.execute(
        "insert into actions.actions (action_id, provider_structure, created_by, kind, title,"
        " description, rome_codes, publics, commune_insee, remote, prerequisites, accessibility)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        action_id,
        provider,
        created_by,
        *_values(draft),
    )
    return action_id


async def update_action(conn: Conn, action_id: UUID, draft: ActionDraft) -> None:
    await conn.execute(
        "update actions.actions set kind = $2, title = $3, description = $4, rome_codes = $5,"
        " publics = $6, commune_insee = $7, remote = $8, prerequisites = $9,"
        " accessibility = $10, updated_at = now() where action_id = $1",
        action_id,
        *_values(draft),
    )


async def close_action(conn: Conn, action_id: UUID) -> None:
    await conn.execute(
        "update actions.actions set status = 'closed', updated_at = now() where action_id = $1",
        action_id,
    )


async def insert_session(conn: Conn, action_id: UUID, session: SessionDraft) -> UUID:
    session_id = uuid4()
    await conn.execute(
        "insert into actions.sessions (session_id, action_id, starts_at, ends_at, schedules,"
        " capacity) values ($1, $2, $3, $4, $5, $6)",
        session_id,
        action_id,
        session.starts_at,
        session.ends_at,
        [s.value for s in session.schedules],
        session.capacity,
    )
    return session_id


class BelowPlacesTaken(ValueError):
    def __init__(self, registered: int) -> None:
        super().__init__(f"{registered} places already taken")
        self.registered = registered


async def set_capacity(conn: Conn, session_id: UUID, capacity: int) -> None:
    """The database's check (registered <= capacity) decides, even against a registration
    committing at this very moment; a savepoint keeps the caller's transaction usable."""
    try:
        async with conn.transaction():
            await conn.execute(
                "update actions.sessions set capacity = $2 where session_id = $1",
                session_id,
                capacity,
            )
    except asyncpg.CheckViolationError:
        registered = await conn.fetchval(
            "select registered from actions.sessions where session_id = $1", session_id
        )
        raise BelowPlacesTaken(int(registered)) from None


async def update_session(conn: Conn, session_id: UUID, session: SessionDraft) -> None:
    """New times and schedules, then the capacity (checked against the places taken)."""
    await conn.execute(
        "update actions.sessions set starts_at = $2, ends_at = $3, schedules = $4"
        " where session_id = $1",
        session_id,
        session.starts_at,
        session.ends_at,
        [s.value for s in session.schedules],
    )
    await set_capacity(conn, session_id, session.capacity)


async def lock_imports(conn: Conn, *, provider: str) -> None:
    """One import at a time per provider, until the transaction ends: two imports of the same
    new reference at once would otherwise both create its action."""
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", f"actions-import:{provider}")


async def imported_action(conn: Conn, *, provider: str, reference: str) -> UUID | None:
    found: UUID | None = await conn.fetchval(
        "select action_id from actions.import_references"
        " where provider_structure = $1 and reference = $2",
        provider,
        reference,
    )
    return found


async def remember_reference(conn: Conn, *, provider: str, reference: str, action_id: UUID) -> None:
    await conn.execute(
        "insert into actions.import_references (provider_structure, reference, action_id)"
        " values ($1, $2, $3) on conflict (provider_structure, reference)"
        " do update set imported_at = now()",
        provider,
        reference,
        action_id,
    )
