"""The actions service's word on a person's registrations, kept for the person's page and the
passeport. Idempotent: an older or replayed version changes nothing."""

from __future__ import annotations

import asyncpg

from services.candidate_profile.adapters import registrations_repo
from shared.contracts.actions import RegistrationChanged


async def keep_all(pool: asyncpg.Pool, events: list[RegistrationChanged]) -> int:
    """A batch in one transaction, in the order read; how many versions were newer."""
    stored = 0
    async with pool.acquire() as conn, conn.transaction():
        for event in events:
            stored += await registrations_repo.keep(conn, event.payload, at=event.occurred_at)
    return stored
