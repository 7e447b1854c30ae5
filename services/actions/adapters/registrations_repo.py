"""Registrations and the places they take, in SQL: one statement per step, so that the
database, not the code, keeps the count of places (sessions.registered <= capacity)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.actions.adapters.db import Conn
from services.actions.domain.registrations import Registration, SessionState
from shared.contracts.actions import RegistrationStatus as Status

_SELECT = """
select r.registration_id, r.version, r.session_id, r.action_id, r.candidate_id, r.referent_id,
       r.structure, r.status, r.waiting_since, r.outcome, a.title as action_title,
       a.kind as action_kind, a.provider_structure, a.rome_codes, s.starts_at, s.ends_at
  from actions.registrations r
  join actions.sessions s using (session_id)
  join actions.actions a on a.action_id = r.action_id
"""


async def session_state(conn: Conn, session_id: UUID) -> SessionState | None:
    row = await conn.fetchrow(
        """
        select s.session_id, s.action_id, s.starts_at, s.ends_at, s.cancelled,
               a.status = 'open' as action_open, a.provider_structure
          from actions.sessions s join actions.actions a using (action_id)
         where s.session_id = $1
        """,
        session_id,
    )
    return None if row is None else SessionState(**dict(row))


async def take_place(conn: Conn, session_id: UUID) -> bool:
    """One conditional UPDATE: concurrent callers queue on the session's row, and each sees
    the count the previous one committed; no row back means no place left."""
    row = await conn.fetchrow(
        """
        update actions.sessions set registered = registered + 1
         where session_id = $1 and registered < capacity and not cancelled
        returning registered
        """,
        session_id,
    )
    return row is not None


async def free_place(conn: Conn, session_id: UUID) -> None:
    await conn.execute(
        "update actions.sessions set registered = registered - 1 where session_id = $1",
        session_id,
    )


async def insert(
    conn: Conn,
    *,
    registration_id: UUID,
    session: SessionState,
    candidate_id: UUID,
    referent_id: UUID,
    structure: str,
    status: Status,
) -> Registration:
    # The moment the person joins the waiting list is their rank: the statement's own clock,
    # not the transaction's start, so that ranks follow the order of the commits closely.
    await conn.execute(
        """
        insert into actions.registrations (registration_id, session_id, action_id, candidate_id,
                                           referent_id, structure, status, waiting_since)
        values ($1, $2, $3, $4, $5, $6, $7,
                case when $7 = 'liste_attente' then clock_timestamp() end)
        """,
        registration_id,
        session.session_id,
        session.action_id,
        candidate_id,
        referent_id,
        structure,
        status.value,
    )
    found = await get(conn, registration_id)
    assert found is not None  # inserted just above, in this transaction
    return found


async def get(
    conn: Conn, registration_id: UUID, *, for_update: bool = False
) -> Registration | None:
    lock = " for update of r" if for_update else ""
    row = await conn.fetchrow(f"{_SELECT} where r.registration_id = $1{lock}", registration_id)
    return None if row is None else registration_of(row)


async def set_status(
    conn: Conn, registration_id: UUID, status: Status, *, outcome: str | None = None
) -> Registration:
    """A new status (and outcome), one version more; the waiting rank goes with the list."""
    await conn.execute(
        """
        update actions.registrations
           set status = $2, outcome = coalesce($3, outcome), version = version + 1,
               waiting_since = case when $2 = 'liste_attente' then waiting_since end,
               updated_at = now()
         where registration_id = $1
        """,
        registration_id,
        status.value,
        outcome,
    )
    found = await get(conn, registration_id)
    assert found is not None  # locked by the caller
    return found


async def first_waiting(conn: Conn, session_id: UUID) -> UUID | None:
    """The first on the waiting list; one being changed by another transaction is passed over
    rather than waited for (its change may be its own cancellation)."""
    found: UUID | None = await conn.fetchval(
        """
        select registration_id from actions.registrations
         where session_id = $1 and status = 'liste_attente'
         order by waiting_since, registration_id
         limit 1
           for update skip locked
        """,
        session_id,
    )
    return found


async def waiting_rank(conn: Conn, registration: Registration) -> int:
    """1 for the first on the list: the waiting registrations before this one, plus one."""
    rank: int = await conn.fetchval(
        """
        select count(*) + 1 from actions.registrations
         where session_id = $1 and status = 'liste_attente'
           and (waiting_since, registration_id) < ($2, $3)
        """,
        registration.session_id,
        registration.waiting_since,
        registration.registration_id,
    )
    return rank


async def of_structure(
    conn: Conn, structure: str, *, candidate_id: UUID | None = None
) -> list[Registration]:
    rows = await conn.fetch(
        f"""{_SELECT}
         where r.structure = $1 and r.candidate_id is not null
           and ($2::uuid is null or r.candidate_id = $2)
         order by s.starts_at desc, r.created_at desc
        """,
        structure,
        candidate_id,
    )
    return [registration_of(r) for r in rows]


async def of_action(conn: Conn, action_id: UUID) -> list[Registration]:
    """Every registration of an action's sessions, by session, then in the order they came."""
    rows = await conn.fetch(
        f"""{_SELECT}
         where r.action_id = $1
         order by s.starts_at, s.session_id, r.created_at, r.registration_id
        """,
        action_id,
    )
    return [registration_of(r) for r in rows]


async def live_of_candidate(conn: Conn, candidate_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        """
        select registration_id from actions.registrations
         where candidate_id = $1 and status in ('inscrit', 'liste_attente')
         order by registration_id
        """,
        candidate_id,
    )
    return [r["registration_id"] for r in rows]


async def forget_candidate(conn: Conn, candidate_id: UUID) -> None:
    """The rows stay for the counts; the person is no longer named in them."""
    await conn.execute(
        "update actions.registrations set candidate_id = null, updated_at = now()"
        " where candidate_id = $1",
        candidate_id,
    )


def registration_of(row: asyncpg.Record) -> Registration:
    return Registration(
        **{k: row[k] for k in row.keys() if k not in ("status", "rome_codes")},
        status=Status(row["status"]),
        rome_codes=tuple(row["rome_codes"]),
    )
