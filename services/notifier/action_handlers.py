"""What the notifier does with the banque d'actions commune: each proposal of an action and
each place freed for a person is kept for the référent, planned for e-mail, and followed up.

Every change and the event it causes (ActionProposalFeedbackGiven) are written in one
transaction, the event through the outbox. Replays change nothing (keys of the events).
"""

from __future__ import annotations

import uuid
from uuid import UUID

import asyncpg

from shared.contracts.actions import (
    ActionProposalFeedbackGiven,
    ActionProposed,
    RegistrationChanged,
    RegistrationStatus,
)
from shared.outbox import enqueue_event

from .adapters import action_mails_repo, alerts_repo, referents_repo
from .adapters import action_proposals_repo as proposals_repo
from .adapters import place_notices_repo as notices_repo
from .adapters.db import connection, transaction
from .domain.actions import (
    ActionProposal,
    PlaceNotice,
    check_may_follow_up,
    parse_follow_up,
)
from .domain.model import Referent
from .domain.schedule import email_plan
from .handlers import PRODUCER, SCHEMA, Clock, candidate_hash


def _proposal(event: ActionProposed, shared_with: list[str]) -> ActionProposal:
    p = event.payload
    return ActionProposal(
        proposal_id=p.proposal_id,
        action_id=p.action_id,
        session_id=p.session_id,
        candidate_id=p.candidate_id,
        referent_id=p.referent_id,
        structure=p.structure,
        shared_with=[s for s in shared_with if s != p.structure],
        discovery=p.reason.kind == "decouverte",
        rome_code=p.reason.rome_code,
        rome_label=p.reason.rome_label,
        explanation=p.explanation,
        distance_km=p.distance_km,
        action=p.action.model_dump(mode="json"),
        created_at=event.occurred_at,
    )


async def _erased(conn: asyncpg.Connection, hash_key: bytes, candidate_id: UUID) -> int | None:
    """The erased version of the person, if erased (locks them against a concurrent erasure)."""
    h = candidate_hash(hash_key, candidate_id)
    return (await alerts_repo.erased_versions(conn, candidate_hashes=[h])).get(h)


async def _queue_mail(
    conn: asyncpg.Connection, *, item_id: UUID, kind: str, referent_id: UUID, clock: Clock
) -> None:
    referent = await referents_repo.get_referent(conn, referent_id=referent_id)
    plan = None
    if referent is not None:
        plan = email_plan(clock(), referent.preferences, active=referent.active)
    await action_mails_repo.add(
        conn,
        item_id=item_id,
        kind=kind,
        referent_id=referent_id,
        plan=plan,
        known=referent is not None,
    )


async def handle_action_proposed(
    event: ActionProposed, *, pool: asyncpg.Pool, hash_key: bytes, clock: Clock
) -> bool:
    """Keep the proposal for its référent and plan its e-mail; False for a replay, or for a
    person erased since the profile the proposal was computed from."""
    p = event.payload
    async with transaction(pool) as conn:
        erased = await _erased(conn, hash_key, p.candidate_id)
        if erased is not None and p.profile_version <= erased:
            return False
        # The notifier's newer knowledge of the sharing wins over the proposal's, like alerts.
        known = (await alerts_repo.known_shares(conn, candidate_ids=[p.candidate_id])).get(
            p.candidate_id
        )
        shared = known[1] if known and known[0] >= p.profile_version else list(p.shared_with)
        if not await proposals_repo.insert(conn, proposal=_proposal(event, shared)):
            return False
        await _queue_mail(
            conn, item_id=p.proposal_id, kind="proposition", referent_id=p.referent_id, clock=clock
        )
    return True


async def handle_registration_changed(
    event: RegistrationChanged, *, pool: asyncpg.Pool, hash_key: bytes, clock: Clock
) -> bool:
    """A person moved up from the waiting list: the référent who registered them is told, once
    per registration. Any other change is not the notifier's business."""
    p = event.payload
    if not (p.promoted and p.status is RegistrationStatus.REGISTERED):
        return False
    notice = PlaceNotice(
        notice_id=uuid.uuid4(),
        registration_id=p.registration_id,
        version=p.version,
        candidate_id=p.candidate_id,
        referent_id=p.referent_id,
        action_id=p.action_id,
        session_id=p.session_id,
        action_title=p.action_title,
        action_kind=p.action_kind.value,
        provider_structure=p.provider_structure,
        starts_at=p.starts_at,
        created_at=event.occurred_at,
    )
    async with transaction(pool) as conn:
        if await _erased(conn, hash_key, p.candidate_id) is not None:
            return False
        if not await notices_repo.insert(conn, notice=notice):
            return False
        await _queue_mail(
            conn, item_id=notice.notice_id, kind="place", referent_id=p.referent_id, clock=clock
        )
    return True


async def follow_up(
    *, pool: asyncpg.Pool, referent: Referent, proposal_id: UUID, decision: str, reason: str | None
) -> ActionProposal:
    """A référent's follow-up: claims a shared proposal, becomes ActionProposalFeedbackGiven."""
    chosen, why = parse_follow_up(decision, reason)
    async with transaction(pool) as conn:
        proposal = await proposals_repo.lock_visible(
            conn, proposal_id=proposal_id, referent=referent
        )
        check_may_follow_up(proposal, referent.referent_id)
        await proposals_repo.record_follow_up(
            conn,
            proposal_id=proposal_id,
            referent_id=referent.referent_id,
            decision=chosen.value,
            reason=why,
        )
        event = ActionProposalFeedbackGiven(
            producer=PRODUCER,
            payload={
                "proposal_id": proposal.proposal_id,
                "action_id": proposal.action_id,
                "candidate_id": proposal.candidate_id,
                "referent_id": referent.referent_id,
                "rome_code": proposal.rome_code,
                "discovery": proposal.discovery,
                "decision": chosen,
                "reason": why,
            },
        )
        await enqueue_event(conn, schema=SCHEMA, event=event)
        return await proposals_repo.get(conn, proposal_id=proposal_id)


async def inbox(
    *, pool: asyncpg.Pool, referent: Referent
) -> tuple[list[ActionProposal], list[PlaceNotice]]:
    async with connection(pool) as conn:
        proposals = await proposals_repo.inbox(conn, referent=referent)
        notices = await notices_repo.inbox(conn, referent_id=referent.referent_id)
    return proposals, notices


async def for_person(
    *, pool: asyncpg.Pool, referent: Referent, candidate_id: UUID
) -> list[ActionProposal]:
    async with connection(pool) as conn:
        return await proposals_repo.for_candidate(
            conn, referent=referent, candidate_id=candidate_id
        )
