"""The append-only consent ledger and the erasure records, both keyed by the subject hash."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from services.candidate_profile.adapters.db import Conn


async def append(
    conn: Conn,
    *,
    subject_hash: str,
    action: str,
    purposes: Sequence[str],
    expires_at: datetime | None,
    actor: UUID | None,
    at: datetime,
) -> None:
    await conn.execute(
        "insert into profiles.consent_ledger"
        " (subject_hash, action, purposes, expires_at, actor_referent_id, at)"
        " values ($1, $2, $3, $4, $5, $6)",
        subject_hash,
        action,
        list(purposes),
        expires_at,
        actor,
        at,
    )


async def history(conn: Conn, subject_hash: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "select action, purposes, expires_at, actor_referent_id, at"
        " from profiles.consent_ledger where subject_hash = $1 order by id",
        subject_hash,
    )
    return [dict(r) for r in rows]


async def record_erasure(
    conn: Conn, *, subject_hash: str, reason: str, version: int, at: datetime
) -> None:
    await conn.execute(
        "insert into profiles.erasures (subject_hash, reason, version, erased_at)"
        " values ($1, $2, $3, $4) on conflict (subject_hash) do nothing",
        subject_hash,
        reason,
        version,
        at,
    )
