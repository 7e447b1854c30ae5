"""Reading the AI Act log of matches, always within what the caller may see: the filter on the
structure or the federation is part of the SQL, never applied to rows once fetched."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.matcher.adapters.pg_repository import Conn

_ROWS = (
    "select * from matcher.matches where ($1::uuid is null or need_id = $1)"
    " and ($2::uuid is null or candidate_id = $2)"
)
_ORDER = " order by created_at desc, rank limit $3"


async def every_row(
    conn: Conn, *, need_id: UUID | None, candidate_id: UUID | None, limit: int
) -> list[dict[str, Any]]:
    """An auditor's reading: every row of the need or candidate."""
    rows = await conn.fetch(_ROWS + _ORDER, need_id, candidate_id, limit)
    return [dict(r) for r in rows]


async def rows_of_structure(
    conn: Conn, *, structure: str, need_id: UUID | None, candidate_id: UUID | None, limit: int
) -> list[dict[str, Any]]:
    """A référent's reading: the rows of candidates of their structure or shared with it."""
    rows = await conn.fetch(
        _ROWS + " and (structure = $4 or $4 = any(shared_with))" + _ORDER,
        need_id,
        candidate_id,
        limit,
        structure,
    )
    return [dict(r) for r in rows]


async def decisions_for_need(conn: Conn, *, need_id: UUID, federation: str) -> dict[str, int]:
    """How many proposals of the federation's need have each decision (null: none yet)."""
    rows = await conn.fetch(
        "select feedback->>'decision' as decision, count(*) as n from matcher.matches"
        " where need_id = $1 and federation = $2 group by 1",
        need_id,
        federation,
    )
    return {r["decision"] or "": r["n"] for r in rows}


async def refresh_access(conn: Conn, *, access: list[tuple[UUID, str, list[str]]]) -> None:
    """A profile's structure and shares as they are now (candidate_id, structure, shared_with):
    a structure the profile is no longer shared with stops seeing its rows at once."""
    await conn.executemany(
        "update matcher.matches set structure = $2, shared_with = $3 where candidate_id = $1"
        " and (structure is distinct from $2 or shared_with is distinct from $3)",
        access,
    )
