"""The federations' users in PostgreSQL (intake.federation_users)."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg

from ..domain.federation_users import EmailTaken, FederationUser, NewUser


def _user(row: asyncpg.Record) -> FederationUser:
    return FederationUser(**dict(row))


async def insert(conn: asyncpg.Connection, *, federation: str, user: NewUser) -> FederationUser:
    try:
        row = await conn.fetchrow(
            "insert into intake.federation_users (user_id, federation, name, email, role)"
            " values ($1, $2, $3, $4, $5)"
            " returning user_id, federation, name, email, role, active, created_at, updated_at",
            uuid4(),
            federation,
            user.name,
            user.email,
            user.role,
        )
    except asyncpg.UniqueViolationError as exc:
        raise EmailTaken(user.email) from exc
    assert row is not None
    return _user(row)


async def get(conn: asyncpg.Connection, *, user_id: UUID) -> FederationUser | None:
    row = await conn.fetchrow(
        "select user_id, federation, name, email, role, active, created_at, updated_at"
        " from intake.federation_users where user_id = $1",
        user_id,
    )
    return None if row is None else _user(row)


async def of_federation(conn: asyncpg.Connection, *, federation: str) -> list[FederationUser]:
    rows = await conn.fetch(
        "select user_id, federation, name, email, role, active, created_at, updated_at"
        " from intake.federation_users where federation = $1 order by lower(name), created_at",
        federation,
    )
    return [_user(r) for r in rows]


async def set_active(
    conn: asyncpg.Connection, *, federation: str, user_id: UUID, active: bool
) -> FederationUser | None:
    """The user with its new state; None when the federation has no such user."""
    row = await conn.fetchrow(
        "update intake.federation_users set active = $3, updated_at = now()"
        " where user_id = $2 and federation = $1"
        " returning user_id, federation, name, email, role, active, created_at, updated_at",
        federation,
        user_id,
        active,
    )
    return None if row is None else _user(row)
