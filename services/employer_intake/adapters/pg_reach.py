"""The matcher's latest counts per need (intake.need_reach), in the caller's transaction."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from shared.contracts import NeedReachPayload


async def store_reaches(conn: asyncpg.Connection, *, reaches: list[NeedReachPayload]) -> int:
    """Keep each need's newest counts: older ones (a redelivery, a late replica) change nothing.
    Returns how many were kept."""
    kept = 0
    for reach in reaches:
        status = await conn.execute(
            "insert into intake.need_reach (need_id, federation, payload, computed_at)"
            " values ($1, $2, $3, $4) on conflict (need_id) do update set"
            " federation = excluded.federation, payload = excluded.payload,"
            " computed_at = excluded.computed_at"
            " where intake.need_reach.computed_at < excluded.computed_at",
            reach.need_id,
            reach.federation,
            reach.model_dump(mode="json"),
            reach.computed_at,
        )
        kept += status.endswith(" 1")
    return kept


async def reach_of(
    conn: asyncpg.Connection, *, need_id: UUID, federation: str
) -> NeedReachPayload | None:
    """The latest counts of a need of this federation (None: none yet, or not theirs)."""
    payload = await conn.fetchval(
        "select payload from intake.need_reach where need_id = $1 and federation = $2",
        need_id,
        federation,
    )
    return None if payload is None else NeedReachPayload.model_validate(payload)


async def reaches_by_week(
    conn: asyncpg.Connection, *, federation: str, weeks: int
) -> list[tuple[date, dict[str, Any] | None]]:
    """(week the need was posted, Paris time; its latest counts or None) for each of the
    federation's needs of the last `weeks` weeks."""
    rows = await conn.fetch(
        "select date_trunc('week', n.created_at at time zone 'Europe/Paris')::date as week,"
        " r.payload from intake.needs n left join intake.need_reach r"
        " on r.need_id = n.need_id and r.federation = n.federation"
        " where n.federation = $1 and n.created_at >= now() - make_interval(weeks => $2)",
        federation,
        weeks,
    )
    return [(r["week"], r["payload"]) for r in rows]
