"""API keys in PostgreSQL: created, looked up by their HMAC, revoked by prefix."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from ..domain.apikeys import ApiKey


async def create_key(
    conn: asyncpg.Connection,
    *,
    federation: str,
    prefix: str,
    key_hash: bytes,
    label: str | None,
    expires_at: datetime | None,
) -> UUID:
    key_id = uuid4()
    await conn.execute(
        "insert into intake.api_keys (key_id, federation, prefix, key_hash, label, expires_at)"
        " values ($1, $2, $3, $4, $5, $6)",
        key_id,
        federation,
        prefix,
        key_hash,
        label,
        expires_at,
    )
    return key_id


async def key_by_hash(conn: asyncpg.Connection | asyncpg.Pool, *, key_hash: bytes) -> ApiKey | None:
    row = await conn.fetchrow(
        "select key_id, federation, prefix, expires_at, revoked_at from intake.api_keys"
        " where key_hash = $1",
        key_hash,
    )
    return None if row is None else ApiKey(**dict(row))


async def revoke_key(conn: asyncpg.Connection, *, prefix: str) -> ApiKey | None:
    row = await conn.fetchrow(
        "update intake.api_keys set revoked_at = coalesce(revoked_at, now()) where prefix = $1"
        " returning key_id, federation, prefix, expires_at, revoked_at",
        prefix,
    )
    return None if row is None else ApiKey(**dict(row))


async def keys_of(conn: asyncpg.Connection, *, federation: str | None) -> list[ApiKey]:
    rows = await conn.fetch(
        "select key_id, federation, prefix, expires_at, revoked_at from intake.api_keys"
        " where $1::text is null or federation = $1 order by federation, created_at",
        federation,
    )
    return [ApiKey(**dict(r)) for r in rows]
