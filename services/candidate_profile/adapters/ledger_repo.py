"""The append-only consent ledger and the erasure records, both keyed by the subject hash."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.hashing import KeyedHash


async def append(
    conn: Conn,
    *,
    subject_hash: KeyedHash,
    action: str,
    purposes: Sequence[str],
    expires_at: datetime | None,
    actor: UUID | None,
    at: datetime,
) -> None:
    await conn.execute(
        "insert into profiles.consent_ledger"
        " (subject_hash, subject_kid, action, purposes, expires_at, actor_referent_id, at)"
        " values ($1, $2, $3, $4, $5, $6, $7)",
        subject_hash.value,
        subject_hash.kid,
        action,
        list(purposes),
        expires_at,
        actor,
        at,
    )


async def history(conn: Conn, subject_hashes: Sequence[KeyedHash]) -> list[dict[str, Any]]:
    """The entries made under any of the subject's hashes (one per key generation)."""
    rows = await conn.fetch(
        "select action, purposes, expires_at, actor_referent_id, at"
        " from profiles.consent_ledger l"
        " join unnest($1::text[], $2::text[]) as h(kid, value)"
        " on l.subject_kid = h.kid and l.subject_hash = h.value order by l.id",
        [h.kid for h in subject_hashes],
        [h.value for h in subject_hashes],
    )
    return [dict(r) for r in rows]


async def record_erasure(
    conn: Conn, *, subject_hash: KeyedHash, reason: str, version: int, at: datetime
) -> None:
    await conn.execute(
        "insert into profiles.erasures (subject_hash, subject_kid, reason, version, erased_at)"
        " values ($1, $2, $3, $4, $5) on conflict (subject_hash) do nothing",
        subject_hash.value,
        subject_hash.kid,
        reason,
        version,
        at,
    )
