"""The coordination view: what it keeps of the proposals' events, and its figures for a period.

Storing is idempotent (proposal and match ids are the keys; a decision older than the one kept
changes nothing), so a redelivered batch is harmless. Nothing here logs: the events carry
candidate ids.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.actions.adapters import coordination_repo, referents_repo
from services.actions.bootstrap import Services
from services.actions.domain.coordination import Table, render
from services.actions.domain.coordination_tables import figures_of
from services.actions.domain.period import Period
from shared.contracts.actions import ActionProposalFeedbackGiven, ActionProposed
from shared.contracts.matches import MatchFound
from shared.contracts.notifications import MatchFeedbackGiven
from shared.referential.snapshot import Snapshot


async def record_proposals(services: Services, events: list[ActionProposed]) -> None:
    async with services.transaction() as conn:
        await coordination_repo.record_proposals(conn, events)


async def record_follow_ups(services: Services, events: list[ActionProposalFeedbackGiven]) -> None:
    async with services.transaction() as conn:
        await coordination_repo.record_follow_ups(conn, events)


async def record_matches(services: Services, events: list[MatchFound]) -> None:
    async with services.transaction() as conn:
        await coordination_repo.record_matches(conn, events)


async def record_match_decisions(services: Services, events: list[MatchFeedbackGiven]) -> None:
    async with services.transaction() as conn:
        await coordination_repo.record_match_decisions(conn, events)


async def may_coordinate(services: Services, referent_id: UUID) -> bool:
    async with services.pool.acquire() as conn:
        return await referents_repo.is_coordinator(conn, referent_id)


async def view(services: Services, period: Period) -> tuple[Table, ...]:
    """The figures of the period, as they may be shown. One snapshot of the database, so that
    the tables agree with each other."""
    async with services.pool.acquire() as conn:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            raw = await coordination_repo.read(conn, period)
    return render(figures_of(raw, lambda code: trade_label(services.referential, code)))


def trade_label(referential: Snapshot, code: str) -> str:
    fiche = referential.fiche(code)
    return f"{fiche.libelle} ({code})" if fiche else code


def today(services: Services) -> date:
    """Today in Paris, where the period's days are counted."""
    return services.clock().astimezone(coordination_repo.PARIS).date()
