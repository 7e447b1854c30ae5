"""PostgreSQL storage of the federation users' access: their replica, their used sign-in links
and their sessions (the same tables as the référents', the user id in its own column)."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.model import FederationAccount

_FIELDS = ("user_id", "federation", "name", "email", "role", "active")


def _account(row: asyncpg.Record) -> FederationAccount:
    return FederationAccount(**{name: row[name] for name in _FIELDS})


async def upsert(
    conn: asyncpg.Connection, *, account: FederationAccount, occurred_at: datetime
) -> bool:
    """Store the account unless a newer event already did; True when stored."""
    status: str = await conn.execute(
        """insert into notifier.federation_users
               (user_id, federation, name, email, role, active, source_occurred_at)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (user_id) do update set
               federation = excluded.federation, name = excluded.name, email = excluded.email,
               role = excluded.role, active = excluded.active,
               source_occurred_at = excluded.source_occurred_at, updated_at = now()
           where notifier.federation_users.source_occurred_at <= excluded.source_occurred_at""",
        account.user_id,
        account.federation,
        account.name,
        account.email,
        account.role,
        account.active,
        occurred_at,
    )
    return status.endswith(" 1")


async def active_by_email(conn: asyncpg.Connection, *, email: str) -> FederationAccount | None:
    row = await conn.fetchrow(
        "select * from notifier.federation_users where lower(email) = lower($1) and active",
        email,
    )
    return None if row is None else _account(row)


async def lock_access(
    conn: asyncpg.Connection, *, user_id: UUID
) -> tuple[bool, datetime | None] | None:
    """(active, links refused before) of the user, locked against a concurrent revocation."""
    row = await conn.fetchrow(
        "select active, access_not_before from notifier.federation_users"
        " where user_id = $1 for update",
        user_id,
    )
    return None if row is None else (row["active"], row["access_not_before"])


async def spend_login_token(
    conn: asyncpg.Connection, *, token_id: str, user_id: UUID, expires_at: datetime, now: datetime
) -> bool:
    """Record the link as used; False when it already was. Forgets links that expired."""
    await conn.execute("delete from notifier.used_login_tokens where expires_at < $1", now)
    status: str = await conn.execute(
        "insert into notifier.used_login_tokens (token_id, federation_user_id, used_at, expires_at)"
        " values ($1, $2, $3, $4) on conflict (token_id) do nothing",
        token_id,
        user_id,
        now,
        expires_at,
    )
    return status.endswith(" 1")


async def open_session(
    conn: asyncpg.Connection, *, user_id: UUID, now: datetime, expires_at: datetime
) -> UUID:
    await conn.execute("delete from notifier.sessions where expires_at < $1", now)
    session_id = uuid.uuid4()
    await conn.execute(
        "insert into notifier.sessions (session_id, federation_user_id, created_at, expires_at)"
        " values ($1, $2, $3, $4)",
        session_id,
        user_id,
        now,
        expires_at,
    )
    return session_id


async def session_account(
    conn: asyncpg.Connection, *, session_id: UUID, now: datetime
) -> FederationAccount | None:
    """The active federation user of a session neither ended nor expired."""
    row = await conn.fetchrow(
        "select u.* from notifier.sessions s"
        " join notifier.federation_users u on u.user_id = s.federation_user_id"
        " where s.session_id = $1 and s.ended_at is null and s.expires_at > $2 and u.active",
        session_id,
        now,
    )
    return None if row is None else _account(row)


async def revoke_all(conn: asyncpg.Connection, *, user_id: UUID, now: datetime) -> int:
    """End every session of the user and refuse the links issued until now."""
    await conn.execute(
        "update notifier.federation_users set access_not_before = greatest(access_not_before, $2)"
        " where user_id = $1",
        user_id,
        now,
    )
    status: str = await conn.execute(
        "update notifier.sessions set ended_at = $2"
        " where federation_user_id = $1 and ended_at is null",
        user_id,
        now,
    )
    return int(status.split()[-1])
