"""PostgreSQL storage of the inbox's access: used sign-in links, sessions, revocation stamps."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.model import Referent
from .referents_repo import referent_of_row


async def lock_referent_access(
    conn: asyncpg.Connection, *, referent_id: UUID
) -> tuple[bool, datetime | None] | None:
    """(active, links refused before) of the référent, locked against a concurrent revocation."""
    row = await conn.fetchrow(
        "select active, access_not_before from notifier.referents"
        " where referent_id = $1 for update",
        referent_id,
    )
    return None if row is None else (row["active"], row["access_not_before"])


async def spend_login_token(
    conn: asyncpg.Connection,
    *,
    token_id: str,
    referent_id: UUID,
    expires_at: datetime,
    now: datetime,
) -> bool:
    """Record the link as used; False when it already was. Forgets links that expired."""
    await conn.execute("delete from notifier.used_login_tokens where expires_at < $1", now)
    status: str = await conn.execute(
        "insert into notifier.used_login_tokens (token_id, referent_id, used_at, expires_at)"
        " values ($1, $2, $3, $4) on conflict (token_id) do nothing",
        token_id,
        referent_id,
        now,
        expires_at,
    )
    return status.endswith(" 1")


async def open_session(
    conn: asyncpg.Connection, *, referent_id: UUID, now: datetime, expires_at: datetime
) -> UUID:
    await conn.execute("delete from notifier.sessions where expires_at < $1", now)
    session_id = uuid.uuid4()
    await conn.execute(
        "insert into notifier.sessions (session_id, referent_id, created_at, expires_at)"
        " values ($1, $2, $3, $4)",
        session_id,
        referent_id,
        now,
        expires_at,
    )
    return session_id


async def session_referent(
    conn: asyncpg.Connection, *, session_id: UUID, now: datetime
) -> Referent | None:
    """The active référent of a session neither ended nor expired."""
    row = await conn.fetchrow(
        "select r.* from notifier.sessions s join notifier.referents r using (referent_id)"
        " where s.session_id = $1 and s.ended_at is null and s.expires_at > $2 and r.active",
        session_id,
        now,
    )
    return None if row is None else referent_of_row(row)


async def end_session(conn: asyncpg.Connection, *, session_id: UUID, now: datetime) -> None:
    await conn.execute(
        "update notifier.sessions set ended_at = $2 where session_id = $1 and ended_at is null",
        session_id,
        now,
    )


async def revoke_all(conn: asyncpg.Connection, *, referent_id: UUID, now: datetime) -> int:
    """End every session of the référent and refuse the links issued until now."""
    await conn.execute(
        "update notifier.referents set access_not_before = greatest(access_not_before, $2)"
        " where referent_id = $1",
        referent_id,
        now,
    )
    status: str = await conn.execute(
        "update notifier.sessions set ended_at = $2 where referent_id = $1 and ended_at is null",
        referent_id,
        now,
    )
    return int(status.split()[-1])


async def count_link_requests(
    conn: asyncpg.Connection, *, address_hash: str, since: datetime
) -> tuple[int, int]:
    """Links asked for since `since`: for this address, and for any address."""
    row = await conn.fetchrow(
        "select count(*) filter (where address_hash = $1) as mine, count(*) as everyone"
        " from notifier.sign_in_requests where at > $2",
        address_hash,
        since,
    )
    assert row is not None
    return int(row["mine"]), int(row["everyone"])


async def record_link_request(
    conn: asyncpg.Connection, *, address_hash: str, now: datetime, keep_since: datetime
) -> None:
    await conn.execute("delete from notifier.sign_in_requests where at < $1", keep_since)
    await conn.execute(
        "insert into notifier.sign_in_requests (address_hash, at) values ($1, $2)",
        address_hash,
        now,
    )


async def active_referent_by_email(conn: asyncpg.Connection, *, email: str) -> Referent | None:
    row = await conn.fetchrow(
        "select * from notifier.referents where lower(email) = lower($1) and active", email
    )
    return None if row is None else referent_of_row(row)
