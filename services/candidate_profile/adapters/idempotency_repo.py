"""Stored replies of POST requests that carried an Idempotency-Key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from services.candidate_profile.adapters.db import Conn


@dataclass(frozen=True)
class StoredReply:
    fingerprint: str
    status: int
    body: Any


async def lock_and_find(conn: Conn, *, referent_id: UUID, key: str) -> StoredReply | None:
    """Serialise requests sharing a key until the transaction ends, then look for a reply."""
    await conn.execute(
        "select pg_advisory_xact_lock(hashtext($1))", f"idempotency:{referent_id}:{key}"
    )
    row = await conn.fetchrow(
        "select fingerprint, status, body from profiles.idempotency"
        " where referent_id = $1 and key = $2",
        referent_id,
        key,
    )
    return StoredReply(row["fingerprint"], row["status"], row["body"]) if row else None


async def store(
    conn: Conn,
    *,
    referent_id: UUID,
    key: str,
    fingerprint: str,
    candidate_id: UUID | None,
    status: int,
    body: Any,
) -> None:
    await conn.execute(
        "insert into profiles.idempotency"
        " (referent_id, key, fingerprint, candidate_id, status, body)"
        " values ($1, $2, $3, $4, $5, $6)",
        referent_id,
        key,
        fingerprint,
        candidate_id,
        status,
        body,
    )


async def forget_candidate(conn: Conn, candidate_id: UUID) -> None:
    """Replies about an erased profile hold its personal data: they go with it."""
    await conn.execute("delete from profiles.idempotency where candidate_id = $1", candidate_id)


async def purge(conn: Conn, *, before: datetime) -> int:
    status = await conn.execute("delete from profiles.idempotency where created_at < $1", before)
    return int(status.split()[-1])
