"""Proposals of actions for consented persons: their wished trades and trades to discover
(domain/discovery.py), the earliest session of each action that passes every hard constraint,
at most five, each (person, action) once, published as ActionProposed through the outbox.

The audit row and the event are written in one transaction, after the unique key of
`matcher.action_proposals` said the pair is new: a replay or a second profile update proposes
nothing twice, and a crash before the commit proposes it on the replay.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

import asyncpg

from services.matcher.adapters import actions_store as store
from services.matcher.adapters.pg_repository import SCHEMA, Conn
from services.matcher.domain import proposal_text
from services.matcher.domain.actions import Action, session_faults
from services.matcher.domain.discovery import (
    NEARBY_KM,
    Asked,
    Pick,
    Trade,
    discover,
    nearby_communes,
    pick,
)
from services.matcher.domain.mixite import mixite_list
from services.matcher.domain.model import Profile, profile_to_dict
from services.matcher.mapping import PRODUCER
from services.matcher.pipeline import Pipeline
from shared.contracts.actions import (
    ActionKind,
    ActionProposalPayload,
    ActionProposed,
    ProposalReason,
    ProposedActionSummary,
)
from shared.outbox import enqueue_events

_NS = uuid.UUID("a3c5e0f2-6b1d-4e8a-9c47-2d5f8b1e6a90")


def trades_for(pipeline: Pipeline, profile: Profile, asked: Iterable[Asked]) -> list[Trade]:
    """Wished trades (the given codes and the matcher's reading of the desired jobs), then
    the discovery trades; `asked` comes gender-neutral (`asked_near`), the person's texts
    are made so here."""
    neutral = pipeline.resolver.neutral
    return discover(
        pipeline.profile_codes(profile),
        tuple(neutral(s) for s in profile.skills),
        neutral(profile.experience),
        asked,
        mobilities=pipeline.resolver.snapshot.mobilities,
        mixite=mixite_list().covers,
    )


def neutral_asked(pipeline: Pipeline, asked: Asked) -> Asked:
    """The skills asked as the engine reads every text: "cheffe d'équipe" is "chef d'équipe"."""
    return replace(asked, skills=tuple(map(pipeline.resolver.neutral, asked.skills)))


async def asked_near(
    conn: Conn, pipeline: Pipeline, homes: Iterable[str]
) -> dict[str, list[Asked]]:
    """Home commune -> what employers within NEARBY_KM ask, by trade and commune, the
    skills gender-neutral: one query for a whole batch, whatever its number of homes."""
    snapshot = pipeline.resolver.snapshot
    near = {home: nearby_communes(snapshot, home) for home in set(homes)}
    rows = await store.asked_in(conn, communes=sorted({c for cs in near.values() for c in cs}))
    by_commune: dict[str, list[Asked]] = defaultdict(list)
    for commune, asked in rows:
        by_commune[commune].append(neutral_asked(pipeline, asked))
    return {home: [a for c in cs for a in by_commune.get(c, ())] for home, cs in near.items()}


async def propose_to(
    pool: asyncpg.Pool,
    pipeline: Pipeline,
    profiles: Sequence[Profile],
    *,
    at: datetime,
    correlation_ids: Sequence[uuid.UUID | None] = (),
) -> int:
    """Compute and publish the new proposals of these profiles; returns how many.
    `correlation_ids`: the event each profile came with, in the same order (if any)."""
    ids = dict(zip((p.candidate_id for p in profiles), correlation_ids, strict=False))
    consented = [p for p in profiles if p.consent is not None and p.consent.active_at(at)]
    if not consented:
        return 0
    async with pool.acquire() as conn:
        asked = await asked_near(conn, pipeline, (p.commune_insee for p in consented))
        trades = await asyncio.to_thread(
            lambda: [trades_for(pipeline, p, asked[p.commune_insee]) for p in consented]
        )
        codes = sorted({t.code for ts in trades for t in ts})
        of_trade = _by_code(await store.open_actions_of(conn, codes=codes))
    found = []
    for profile, theirs in zip(consented, trades, strict=True):
        actions = {a.action_id: a for t in theirs for a in of_trade.get(t.code, ())}
        picks = pick(theirs, actions.values(), profile, at=at, distance=pipeline.distance)
        found += [
            to_event(p, profile, pipeline, ids.get(profile.candidate_id))
            for p in picks
            # The last gate: nothing failing a hard constraint is ever emitted.
            if not session_faults(
                p.fit.action, p.fit.session, profile, at=at, distance=pipeline.distance
            )
        ]
    return await record(pool, found)


def _by_code(actions: Iterable[Action]) -> dict[str, list[Action]]:
    found: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        for code in action.rome_codes:
            found[code].append(action)
    return found


async def record(pool: asyncpg.Pool, found: list[tuple[ActionProposed, dict[str, Any]]]) -> int:
    async with pool.acquire() as conn, conn.transaction():
        new = await store.save_proposals(conn, rows=[row for _, row in found])
        events = [e for e, _ in found if e.payload.proposal_id in new]
        await enqueue_events(cast(asyncpg.Connection, conn), schema=SCHEMA, events=events)
    return len(events)


def proposal_id(candidate_id: str, action_id: str) -> uuid.UUID:
    return uuid.uuid5(_NS, f"{candidate_id}|{action_id}")


def inputs_hash(profile: Profile, action: Action) -> str:
    """SHA-256 of the profile (without routing) and the action as matched."""
    person = profile_to_dict(profile)
    person.pop("routing", None)
    sessions = [
        [
            s.session_id,
            s.starts_at.isoformat(),
            s.ends_at.isoformat(),
            sorted(s.schedules),
            s.places_left,
        ]
        for s in sorted(action.sessions, key=lambda s: s.session_id)
    ]
    data = {
        "profile": person,
        "action": [
            action.action_id,
            action.version,
            list(action.rome_codes),
            action.commune_insee,
            action.remote,
            sessions,
        ],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def to_event(
    p: Pick, profile: Profile, pipeline: Pipeline, correlation_id: uuid.UUID | None
) -> tuple[ActionProposed, dict[str, Any]]:
    """The ActionProposed to publish and its audit row."""
    label = pipeline.resolver.label
    action, session, trade = p.fit.action, p.fit.session, p.trade
    commune = pipeline.resolver.snapshot.commune(action.commune_insee or "")
    reason = ProposalReason(
        kind="souhait" if trade.wished else "decouverte",
        rome_code=trade.code,
        rome_label=label(trade.code),
        transferable_skills=list(trade.transferable),
        mobilite_from=trade.mobilite_from,
        open_needs_nearby=trade.open_nearby,
        nearby_km=NEARBY_KM,
        mixite=trade.mixite,
    )
    km = None if p.fit.distance_km is None else round(p.fit.distance_km, 1)
    payload = ActionProposalPayload(
        proposal_id=proposal_id(profile.candidate_id, action.action_id),
        action_id=uuid.UUID(action.action_id),
        session_id=uuid.UUID(session.session_id),
        candidate_id=uuid.UUID(profile.candidate_id),
        referent_id=uuid.UUID(profile.routing["referent_id"]),
        structure=profile.routing["structure"],
        shared_with=list(profile.routing.get("shared_with", [])),
        profile_version=profile.version,
        action_version=action.version,
        reason=reason,
        distance_km=km,
        explanation=proposal_text.explain(p, label=label),
        action=ProposedActionSummary(
            title=action.title,
            kind=ActionKind(action.kind),
            provider_structure=action.provider_structure,
            commune_insee=action.commune_insee,
            commune_name=commune.nom if commune else None,
            remote=action.remote,
            session_id=uuid.UUID(session.session_id),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        ),
        referential_version=pipeline.referential_version,
        inputs_hash=inputs_hash(profile, action),
    )
    event = ActionProposed(producer=PRODUCER, correlation_id=correlation_id, payload=payload)
    row = {
        **payload.model_dump(include=set(store.PROPOSAL_COLUMNS)),
        "rome_code": trade.code,
        "discovery": not trade.wished,
        "reason": reason.model_dump(mode="json"),
    }
    return event, row
