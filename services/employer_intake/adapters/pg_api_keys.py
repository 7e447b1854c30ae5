"""API keys in PostgreSQL: stored as an HMAC with its key id, looked up and revoked by prefix."""

from __future__ import annotations

from dataclasses import dataclass
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
    key_kid: str,
    label: str | None,
    expires_at: datetime | None,
) -> UUID:
    key_id = uuid4()
    await conn.execute(
        "insert into intake.api_keys"
        " (key_id, federation, prefix, key_hash, key_kid, label, expires_at)"
        " values ($1, $2, $3, $4, $5, $6, $7)",
        key_id,
        federation,
        prefix,
        key_hash,
        key_kid,
        label,
        expires_at,
    )
    return key_id


@dataclass(frozen=True)
class StoredKey:
    key: ApiKey
    key_hash: bytes
    key_kid: str  # the pepper's key id (shared/keys.py)


async def key_by_prefix(
    conn: asyncpg.Connection | asyncpg.Pool, *, prefix: str
) -> StoredKey | None:
    row = await conn.fetchrow(
        "select key_id, federation, prefix, expires_at, revoked_at, key_hash, key_kid"
        " from intake.api_keys where prefix = $1",
        prefix,
    )
    if row is None:
        return None
    fields = dict(row)
    key_hash, key_kid = fields.pop("key_hash"), fields.pop("key_kid")
    return StoredKey(ApiKey(**fields), bytes(key_hash), key_kid)


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


@dataclass(frozen=True)
class KeyListing:
    """What a federation's admin sees of a key (never the key, never its hash)."""

    key_id: UUID
    prefix: str
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


async def listing_of(conn: asyncpg.Connection, *, federation: str) -> list[KeyListing]:
    rows = await conn.fetch(
        "select key_id, prefix, label, created_at, expires_at, revoked_at from intake.api_keys"
        " where federation = $1 order by revoked_at is not null, created_at desc",
        federation,
    )
    return [KeyListing(**dict(r)) for r in rows]


async def revoke_key_of(
    conn: asyncpg.Connection, *, federation: str, key_id: UUID
) -> ApiKey | None:
    """Revoke one of the federation's keys; None when it has no such key."""
    row = await conn.fetchrow(
        "update intake.api_keys set revoked_at = coalesce(revoked_at, now())"
        " where key_id = $1 and federation = $2"
        " returning key_id, federation, prefix, expires_at, revoked_at",
        key_id,
        federation,
    )
    return None if row is None else ApiKey(**dict(row))
