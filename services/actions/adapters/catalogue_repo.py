"""Reading an action with its sessions (and their places taken and waiting lists)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.actions.adapters.db import Conn
from services.actions.domain.model import Action, Session
from shared.contracts.actions import ActionKind, Public
from shared.contracts.common import Schedule

_ACTION = "select * from actions.actions where action_id = $1"
_ACTION_FOR_UPDATE = _ACTION + " for update"
_SESSIONS = """
select s.session_id, s.starts_at, s.ends_at, s.schedules, s.capacity, s.registered,
       s.cancelled,
       (select count(*) from actions.registrations r
         where r.session_id = s.session_id and r.status = 'liste_attente') as waiting
  from actions.sessions s
 where s.action_id = $1
 order by s.starts_at, s.session_id
"""


async def get(conn: Conn, action_id: UUID, *, for_update: bool = False) -> Action | None:
    """The action and its sessions; `for_update` locks the action's row (a change, a version)."""
    query = _ACTION_FOR_UPDATE if for_update else _ACTION
    row = await conn.fetchrow(query, action_id)
    if row is None:
        return None
    sessions = await conn.fetch(_SESSIONS, action_id)
    return action_of(row, sessions)


def action_of(row: asyncpg.Record, sessions: list[asyncpg.Record]) -> Action:
    return Action(
        action_id=row["action_id"],
        version=row["version"],
        status=row["status"],
        kind=ActionKind(row["kind"]),
        provider_structure=row["provider_structure"],
        title=row["title"],
        description=row["description"],
        rome_codes=tuple(row["rome_codes"]),
        publics=tuple(Public(p) for p in row["publics"]),
        commune_insee=row["commune_insee"],
        remote=row["remote"],
        prerequisites=row["prerequisites"],
        accessibility=row["accessibility"],
        created_by=row["created_by"],
        sessions=tuple(session_of(s) for s in sessions),
    )


def session_of(row: asyncpg.Record) -> Session:
    return Session(
        session_id=row["session_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        schedules=tuple(Schedule(s) for s in row["schedules"]),
        capacity=row["capacity"],
        registered=row["registered"],
        waiting=row["waiting"],
        cancelled=row["cancelled"],
    )
