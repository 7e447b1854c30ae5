"""The matcher's counts per need (NeedReachComputed): kept, latest per need, and read back by
the need's own federation only."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from shared.contracts import NeedReachComputed, NeedReachPayload

from .adapters import pg_reach
from .adapters import pg_repository as repo
from .adapters.pg_pool import connection, transaction
from .domain.errors import NeedNotFound
from .domain.reach import Week, weeks_of
from .handlers import Intake


async def record_reaches(intake: Intake, events: Sequence[NeedReachComputed]) -> int:
    """Keep the newest counts of each need; returns how many replaced older ones."""
    async with transaction(intake.pool) as conn:
        return await pg_reach.store_reaches(conn, reaches=[e.payload for e in events])


async def reach_for(intake: Intake, *, federation: str, need_id: UUID) -> NeedReachPayload | None:
    """The latest counts of one of the federation's needs (None: not counted yet).
    NeedNotFound for a need that is not theirs, whatever counts exist for it."""
    async with connection(intake.pool) as conn:
        if await repo.get_need(conn, need_id=need_id, federation=federation) is None:
            raise NeedNotFound(need_id)
        return await pg_reach.reach_of(conn, need_id=need_id, federation=federation)


async def weeks_for(intake: Intake, *, federation: str, weeks: int = 12) -> list[Week]:
    """The federation's needs and their outcomes per week of posting, the latest first."""
    async with connection(intake.pool) as conn:
        rows = await pg_reach.reaches_by_week(conn, federation=federation, weeks=weeks)
    return weeks_of(rows)
