"""PostgreSQL storage of the "une place s'est libérée" notices: the registering référent's only."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from ..domain.actions import PlaceNotice

_FIELDS = set(PlaceNotice.__dataclass_fields__)


def _notice(row: asyncpg.Record) -> PlaceNotice:
    return PlaceNotice(**{k: row[k] for k in row.keys() if k in _FIELDS})


async def insert(conn: asyncpg.Connection, *, notice: PlaceNotice) -> bool:
    """False when this registration's freed place was already told (a replay, a later version)."""
    n = notice
    status: str = await conn.execute(
        """insert into notifier.place_notices (notice_id, registration_id, version, candidate_id,
               referent_id, action_id, session_id, action_title, action_kind,
               provider_structure, starts_at, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           on conflict (registration_id) do nothing""",
        n.notice_id,
        n.registration_id,
        n.version,
        n.candidate_id,
        n.referent_id,
        n.action_id,
        n.session_id,
        n.action_title,
        n.action_kind,
        n.provider_structure,
        n.starts_at,
        n.created_at,
    )
    return status.endswith(" 1")


async def get_many(conn: asyncpg.Connection, *, ids: list[UUID]) -> list[PlaceNotice]:
    rows = await conn.fetch(
        "select * from notifier.place_notices where notice_id = any($1::uuid[])"
        " order by created_at",
        ids,
    )
    return [_notice(r) for r in rows]


async def inbox(
    conn: asyncpg.Connection, *, referent_id: UUID, limit: int = 100
) -> list[PlaceNotice]:
    rows = await conn.fetch(
        """select * from notifier.place_notices where referent_id = $1
           order by created_at desc, notice_id limit $2""",
        referent_id,
        limit,
    )
    return [_notice(r) for r in rows]


async def redact_candidate(conn: asyncpg.Connection, *, candidate_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        """update notifier.place_notices set candidate_id = null, redacted_at = now()
           where candidate_id = $1 returning notice_id""",
        candidate_id,
    )
    return [r["notice_id"] for r in rows]
