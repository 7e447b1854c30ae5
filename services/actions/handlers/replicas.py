"""Keeping the copies of what other services publish that this one needs to decide."""

from __future__ import annotations

from services.actions.adapters import referents_repo
from services.actions.bootstrap import Services
from shared.contracts.referents import ReferentUpserted


async def record_referents(services: Services, events: list[ReferentUpserted]) -> None:
    async with services.transaction() as conn:
        await referents_repo.upsert_many(conn, [e.payload for e in events])
