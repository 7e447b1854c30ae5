"""What the notifier does with each event and each référent's action.

Every change and the events it causes (AlertSent, MatchFeedbackGiven) are written in one
transaction, the events through the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from shared.contracts import (
    AlertChannel,
    AlertSent,
    FederationUserUpserted,
    MatchFeedbackGiven,
    MatchFound,
    ReferentUpserted,
)
from shared.outbox import enqueue_event, enqueue_events, forget_keys

from .adapters import (
    access_repo,
    action_mails_repo,
    action_proposals_repo,
    alerts_repo,
    deliveries_repo,
    place_notices_repo,
    referents_repo,
)
from .adapters import federation_access_repo as federation_repo
from .adapters.db import connection, transaction
from .domain.feedback import check_may_act, parse_decision
from .domain.model import Alert, DeliveryPlan, FederationAccount, Referent
from .domain.schedule import email_plan, plan_deliveries

SCHEMA = "notifier"
PRODUCER = "notifier"
Clock = Callable[[], datetime]


def candidate_hash(key: bytes, candidate_id: UUID) -> str:
    """Keyed, so the erasure list cannot be turned back into ids."""
    return hmac.new(key, f"candidate:{candidate_id}".encode(), hashlib.sha256).hexdigest()


def alert_sent_event(
    alert: Alert,
    channel: AlertChannel,
    status: str,
    *,
    referent_id: UUID | None = None,
    digest: bool = False,
    detail: str | None = None,
) -> AlertSent:
    return AlertSent(
        producer=PRODUCER,
        payload={
            "alert_id": alert.alert_id,
            "match_id": alert.match_id,
            "referent_id": referent_id or alert.referent_id,
            "channel": channel,
            "status": status,
            "digest": digest,
            "detail": detail,
        },
    )


async def alerts_sent(
    conn: asyncpg.Connection,
    sent: list[tuple[Alert, AlertChannel, str, bool]],
    *,
    detail: str | None,
) -> None:
    """Enqueue the AlertSent of each (alert, channel, status, digest), in one round trip."""
    events = [
        alert_sent_event(alert, channel, status, digest=digest, detail=detail)
        for alert, channel, status, digest in sent
    ]
    await enqueue_events(conn, schema=SCHEMA, events=events)


async def _plan(
    conn: asyncpg.Connection,
    planned: list[tuple[Alert, Referent]],
    now: datetime,
    *,
    stored_planned: bool = False,
    email_spacing: timedelta = timedelta(0),
) -> None:
    """Deliveries of each alert by its référent's preferences; the alerts marked planned
    (unless they were stored so)."""
    if not planned:
        return
    plans = [(a, plan_deliveries(now, r.preferences, active=r.active)) for a, r in planned]
    if email_spacing:
        plans = await _spaced(conn, plans, email_spacing)
    await deliveries_repo.add_all_deliveries(conn, planned=plans, now=now)
    if not stored_planned:
        await alerts_repo.mark_all_planned(conn, alert_ids=[a.alert_id for a, _ in planned])


async def _spaced(
    conn: asyncpg.Connection, plans: list[tuple[Alert, list[DeliveryPlan]]], spacing: timedelta
) -> list[tuple[Alert, list[DeliveryPlan]]]:
    """Immediate e-mails due no earlier than their référent's last one + the spacing (one
    query for the batch): they wait in the queue instead of being taken and put back
    (delivery.py)."""
    immediate = {a.referent_id for a, ps in plans for p in ps if _immediate(p)}
    if not immediate:
        return plans
    last = await deliveries_repo.last_immediate_emails(conn, referent_ids=sorted(immediate))

    def spaced(alert: Alert, plan: DeliveryPlan) -> DeliveryPlan:
        sent = last.get(alert.referent_id)
        if not _immediate(plan) or sent is None or plan.due_at >= sent + spacing:
            return plan
        return replace(plan, due_at=sent + spacing)

    return [(a, [spaced(a, p) for p in ps]) for a, ps in plans]


def _immediate(plan: DeliveryPlan) -> bool:
    return plan.channel is AlertChannel.EMAIL and not plan.digest


def _alert(event: MatchFound, now: datetime) -> Alert:
    p = event.payload
    return Alert(
        alert_id=uuid.uuid4(),
        match_id=p.match_id,
        need_id=p.need_id,
        candidate_id=p.candidate_id,
        referent_id=p.referent_id,
        structure=p.structure,
        shared_with=[s for s in p.shared_with if s != p.structure],
        explanation=p.explanation,
        need=p.need.model_dump(mode="json"),
        distance_km=p.score_parts.distance_km,
        created_at=now,
    )


def _with_latest_shares(
    alert: Alert, event: MatchFound, shares: dict[UUID, tuple[int, list[str]]]
) -> Alert:
    """A match computed from an older profile version carries the sharing of that version: the
    notifier's newer knowledge wins (an un-shared structure must not get the alert)."""
    known = shares.get(event.payload.candidate_id)
    if known is None or known[0] < event.payload.profile_version:
        return alert
    return replace(alert, shared_with=[s for s in known[1] if s != alert.structure])


async def handle_match_found(
    event: MatchFound, *, pool: asyncpg.Pool, hash_key: bytes, clock: Clock
) -> bool:
    """Record the alert once per (need, candidate); False when it is a replay or erased."""
    return bool(await handle_matches_found([event], pool=pool, hash_key=hash_key, clock=clock))


async def handle_matches_found(
    events: list[MatchFound],
    *,
    pool: asyncpg.Pool,
    hash_key: bytes,
    clock: Clock,
    email_spacing: timedelta = timedelta(0),
) -> list[Alert]:
    """Record a batch of matches in one transaction, as if one by one; the alerts new.
    `email_spacing`: immediate e-mails planned after their référent's spacing (delivery.py)."""
    now = clock()
    async with transaction(pool) as conn:
        hashes = [candidate_hash(hash_key, e.payload.candidate_id) for e in events]
        erased = await alerts_repo.erased_versions(conn, candidate_hashes=hashes)
        alive = [
            e for e, h in zip(events, hashes, strict=True)
            if h not in erased or e.payload.profile_version > erased[h]
        ]  # fmt: skip
        shares = await alerts_repo.known_shares(
            conn, candidate_ids=[e.payload.candidate_id for e in alive]
        )
        new = [_with_latest_shares(_alert(e, now), e, shares) for e in alive]
        referent_ids = sorted({a.referent_id for a in new}, key=str)
        await _lock_referents(conn, referent_ids)
        referents = await referents_repo.get_referents(conn, referent_ids=referent_ids)
        # An alert whose référent is not known yet is stored unplanned, and planned when
        # ReferentUpserted arrives; the others are stored planned, their deliveries added here.
        alerts = await alerts_repo.insert_alerts(conn, alerts=new, planned_for=referents.keys())
        if not alerts:
            return []
        await enqueue_events(
            conn,
            schema=SCHEMA,
            events=[alert_sent_event(a, AlertChannel.INBOX, "sent") for a in alerts],
        )
        known = [(a, referents[a.referent_id]) for a in alerts if a.referent_id in referents]
        await _plan(conn, known, now, stored_planned=True, email_spacing=email_spacing)
    return alerts


async def _lock_referents(conn: asyncpg.Connection, referent_ids: list[UUID]) -> None:
    """The alerts of a référent and the référent's arrival are two consumers: without a lock,
    a match stored while its référent arrives finds no référent, and the référent's planning
    does not yet see the alert, which is then never planned. Each takes the référent's
    transaction lock (in one order, so that two batches never wait on each other)."""
    await conn.execute(
        "select pg_advisory_xact_lock(hashtextextended(r::text, 0))"
        " from unnest($1::uuid[]) as r order by r",
        referent_ids,
    )


async def handle_referent_upserted(
    event: ReferentUpserted, *, pool: asyncpg.Pool, clock: Clock
) -> int:
    """Keep the référent; plan the alerts that waited for them. Returns how many."""
    p = event.payload
    referent = Referent(
        referent_id=p.referent_id,
        structure=p.structure,
        name=p.name,
        email=str(p.email),
        active=p.active,
        preferences=p.preferences,
    )
    async with transaction(pool) as conn:
        await _lock_referents(conn, [p.referent_id])
        stored = await referents_repo.upsert_referent(
            conn, referent=referent, occurred_at=event.occurred_at
        )
        if not stored:
            return 0
        if not referent.active:
            # Deactivation closes the inbox at once: sessions end, unused links are refused.
            await access_repo.revoke_all(conn, referent_id=p.referent_id, now=clock())
        waiting = await alerts_repo.unplanned_alerts(conn, referent_id=p.referent_id)
        await _plan(conn, [(a, referent) for a in waiting], clock())
        # The e-mails about actions proposed to their people that waited for them, too.
        plan = email_plan(clock(), referent.preferences, active=referent.active)
        await action_mails_repo.plan_waiting(conn, referent_id=p.referent_id, plan=plan)
    return len(waiting)


async def handle_federation_user_upserted(
    event: FederationUserUpserted, *, pool: asyncpg.Pool, clock: Clock
) -> bool:
    """Keep the federation's user, so that they can sign in; True when this event was newer."""
    p = event.payload
    account = FederationAccount(
        user_id=p.user_id,
        federation=p.federation,
        name=p.name,
        email=str(p.email),
        role=p.role,
        active=p.active,
    )
    async with transaction(pool) as conn:
        stored = await federation_repo.upsert(conn, account=account, occurred_at=event.occurred_at)
        if stored and not account.active:
            # Deactivation closes the portal at once: sessions end, unused links are refused.
            await federation_repo.revoke_all(conn, user_id=p.user_id, now=clock())
    return stored


@dataclass(frozen=True, slots=True)
class Sharing:
    """What the notifier keeps of a ProfileUpserted: who the profile is shared with."""

    candidate_id: UUID
    version: int
    structure: str
    shared_with: list[str]


async def handle_profile_shared(
    *,
    candidate_id: UUID,
    version: int,
    structure: str,
    shared_with: list[str],
    pool: asyncpg.Pool,
    hash_key: bytes,
) -> bool:
    """A ProfileUpserted: only its sharing is kept. The candidate's alerts follow it, so a
    structure the profile is no longer shared with no longer sees or acts on them.
    False for an older version, or one of a profile erased since."""
    sharing = Sharing(candidate_id, version, structure, shared_with)
    return bool(await handle_profiles_shared([sharing], pool=pool, hash_key=hash_key))


async def handle_profiles_shared(
    sharings: list[Sharing], *, pool: asyncpg.Pool, hash_key: bytes
) -> int:
    """Several ProfileUpserted, in their order, in one transaction (as if one by one); how
    many were newer than what was known."""
    newer = 0
    async with transaction(pool) as conn:
        hashes = [candidate_hash(hash_key, s.candidate_id) for s in sharings]
        erased = await alerts_repo.erased_versions(conn, candidate_hashes=hashes)
        for s, h in zip(sharings, hashes, strict=True):
            if h in erased and s.version <= erased[h]:
                continue
            if await alerts_repo.record_shares(
                conn,
                candidate_id=s.candidate_id,
                version=s.version,
                structure=s.structure,
                shared_with=s.shared_with,
            ):  # the actions proposed to the person follow the sharing as alerts do
                await action_proposals_repo.share(
                    conn, candidate_id=s.candidate_id, shared_with=s.shared_with
                )
                newer += 1
    return newer


async def handle_profile_erased(
    candidate_id: UUID, version: int | None, *, pool: asyncpg.Pool, hash_key: bytes
) -> int:
    """Redact the candidate's alerts and cancel what was still to be sent.

    A bare tombstone carries no version: then every version stays blocked (erasure wins).
    """
    async with transaction(pool) as conn:
        touched = await alerts_repo.redact_candidate(
            conn,
            candidate_id=candidate_id,
            candidate_hash=candidate_hash(hash_key, candidate_id),
            version=version if version is not None else 2**31 - 1,
        )
        alert_ids = [alert_id for alert_id, _ in touched]
        # MatchFeedbackGiven (keyed by match) carries the candidate id: sent or not, it leaves
        # the outbox now. A decision not yet relayed is then missing from the matcher's log,
        # which keeps no person anyway; AlertSent carries no candidate data and stays.
        await forget_keys(conn, schema=SCHEMA, keys=[str(m).encode() for _, m in touched])
        cancelled = await deliveries_repo.cancel_for_alerts(conn, alert_ids=alert_ids)
        alerts = await alerts_repo.get_alerts(conn, alert_ids=[d.alert_id for d in cancelled])
        await alerts_sent(
            conn,
            [(a, d.channel, "suppressed", False) for a, d in zip(alerts, cancelled, strict=True)],
            detail="profil supprimé",
        )
        await _redact_actions(conn, candidate_id)
    return len(alert_ids)


async def _redact_actions(conn: asyncpg.Connection, candidate_id: UUID) -> None:
    """The person's action proposals and place notices are redacted like alerts, their
    e-mails still to be sent cancelled, and a follow-up not yet relayed (ActionProposal-
    FeedbackGiven, keyed by the person) leaves the outbox."""
    proposals = await action_proposals_repo.redact_candidate(conn, candidate_id=candidate_id)
    notices = await place_notices_repo.redact_candidate(conn, candidate_id=candidate_id)
    await action_mails_repo.cancel(conn, item_ids=proposals + notices)
    await forget_keys(conn, schema=SCHEMA, keys=[str(candidate_id).encode()])


async def give_feedback(
    *, pool: asyncpg.Pool, referent: Referent, alert_id: UUID, decision: str, reason: str | None
) -> Alert:
    """A référent's action: claims a shared match, is recorded, becomes MatchFeedbackGiven."""
    chosen, why = parse_decision(decision, reason)
    async with transaction(pool) as conn:
        alert = await alerts_repo.lock_visible_alert(conn, alert_id=alert_id, referent=referent)
        check_may_act(alert, referent.referent_id)
        await alerts_repo.record_decision(
            conn,
            alert_id=alert_id,
            referent_id=referent.referent_id,
            decision=chosen.value,
            reason=why,
        )
        event = MatchFeedbackGiven(
            producer=PRODUCER,
            payload={
                "match_id": alert.match_id,
                "need_id": alert.need_id,
                "candidate_id": alert.candidate_id,
                "referent_id": referent.referent_id,
                "decision": chosen,
                "reason": why,
            },
        )
        await enqueue_event(conn, schema=SCHEMA, event=event)
        return await alerts_repo.get_alert(conn, alert_id=alert_id)


async def list_inbox(*, pool: asyncpg.Pool, referent: Referent) -> list[Alert]:
    async with connection(pool) as conn:
        return await alerts_repo.inbox(conn, referent=referent)


async def find_referent(*, pool: asyncpg.Pool, referent_id: UUID) -> Referent | None:
    async with connection(pool) as conn:
        return await referents_repo.get_referent(conn, referent_id=referent_id)


async def proposals_for(
    *, pool: asyncpg.Pool, referent: Referent, candidate_id: UUID
) -> list[Alert]:
    async with connection(pool) as conn:
        return await alerts_repo.for_candidate(conn, referent=referent, candidate_id=candidate_id)


async def open_proposal_counts(
    *, pool: asyncpg.Pool, referent: Referent, candidate_ids: list[UUID]
) -> dict[UUID, int]:
    """Per person, the alerts and the actions proposed that await a decision."""
    async with connection(pool) as conn:
        alerts = await alerts_repo.open_counts(conn, referent=referent, candidate_ids=candidate_ids)
        actions = await action_proposals_repo.open_counts(
            conn, referent=referent, candidate_ids=candidate_ids
        )
    return {k: alerts.get(k, 0) + actions.get(k, 0) for k in alerts.keys() | actions.keys()}
