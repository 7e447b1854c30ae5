"""Keeping the copies of what other services publish that this one needs to decide."""

from __future__ import annotations

from services.actions.adapters import persons_repo, referents_repo
from services.actions.bootstrap import Services
from services.actions.handlers.erasure import erase_person
from shared.contracts.profiles import ProfileErased, ProfileUpserted
from shared.contracts.referents import ReferentUpserted


async def record_referents(services: Services, events: list[ReferentUpserted]) -> None:
    async with services.transaction() as conn:
        await referents_repo.upsert_many(conn, [e.payload for e in events])


async def record_persons(services: Services, events: list[ProfileUpserted | ProfileErased]) -> None:
    """The persons a référent may register, in the order published (latest version wins). A
    profile whose consent no longer allows matching goes as an erased one does: it may not be
    used, so its registrations are cancelled and the person forgotten."""
    async with services.transaction() as conn:
        for event in events:
            if isinstance(event, ProfileErased):
                await erase_person(conn, event.payload.candidate_id)
            elif event.payload.consent.active_for("matching", services.clock()):
                await persons_repo.upsert(conn, event.payload)
            else:
                await erase_person(conn, event.payload.candidate_id)
