"""Proposals of actions for consented persons: their wished trades and trades to discover
(domain/discovery.py), the earliest session of each action that passes every hard constraint,
at most five, each (person, action) once, published as ActionProposed through the outbox.

The audit row and the event are written in one transaction, after the unique key of
`matcher.action_proposals` said the pair is new: a replay or a second profile update proposes
nothing twice, and a crash before the commit proposes it on the replay.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

import asyncpg

from services.matcher.action_mapping import to_event
from services.matcher.adapters import actions_store as store
from services.matcher.adapters.pg_repository import SCHEMA, Conn
from services.matcher.domain.actions import Action, session_faults
from services.matcher.domain.discovery import (
    Asked,
    Trade,
    discover,
    nearby_communes,
    pick,
)
from services.matcher.domain.mixite import mixite_list
from services.matcher.domain.model import Profile
from services.matcher.pipeline import Pipeline
from shared.contracts.actions import ActionProposed
from shared.outbox import enqueue_events

log = logging.getLogger("spie.matcher")


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
    if found:
        log.info("action proposals emitted", extra={"fields": {"count": len(events)}})
    return len(events)
