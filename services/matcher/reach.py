"""Publish the reach of the needs that changed (NeedReachComputed): counts that name no one.

A need is marked dirty when it is matched, when a profile of one of its trades changes, and when
a référent's decision about one of its proposals arrives (handlers.py). `publish_due`, run every
few seconds, publishes the dirty needs not published for a minute: however many profiles change,
a need is counted at most once a minute, and one pass over the profiles serves every need due.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

import asyncpg

from services.matcher.adapters import pg_repository as repo
from services.matcher.adapters import reach_store
from services.matcher.adapters.index_payload import need_of, profile_of
from services.matcher.domain import reach, skills
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.ports import NEEDS, PROFILES
from services.matcher.domain.trades import Reading
from services.matcher.handlers import Deps
from services.matcher.mapping import PRODUCER
from services.matcher.pipeline import Pipeline, point_id
from shared.contracts import NeedReachComputed, NeedReachPayload, WhatIf
from shared.outbox import enqueue_events

log = logging.getLogger("spie.matcher")
EVERY = timedelta(minutes=1)  # a need's reach is published at most this often
NEEDS_PER_ROUND = 500
PAGE = 1000  # profiles read from the index at once


def indexed_reading(payload: dict[str, Any]) -> Reading:
    """The trades a point was indexed with."""
    return Reading(tuple((str(c), float(p)) for c, p in payload.get("trades", ())))


async def publish_due(deps: Deps) -> int:
    """Count and publish the needs due, in one transaction with their claim (a failure
    leaves them dirty for the next round). Returns how many were published."""
    now, started = deps.clock(), time.monotonic()
    async with deps.pool.acquire() as conn, conn.transaction():
        due = await reach_store.claim_due(conn, now=now, every=EVERY, limit=NEEDS_PER_ROUND)
        if not due:
            return 0
        needs = await indexed_needs(deps.pipeline, [n for n, _ in due])
        reaches = await count_reach(deps.pipeline, needs, at=now)
        tallies = await reach_store.proposals_and_outcomes(conn, need_ids=list(reaches))
        events = [
            _event(need_id, federation, now, reaches[need_id], *tallies[need_id])
            for need_id, federation in due
            if need_id in reaches
        ]
        await enqueue_events(cast(asyncpg.Connection, conn), schema=repo.SCHEMA, events=events)
    took = round(time.monotonic() - started, 2)
    log.info("need reach published", extra={"fields": {"needs": len(events), "seconds": took}})
    return len(events)


async def adopt_open_needs(deps: Deps) -> int:
    """Mark dirty every open need indexed without a row (matched before its reach was
    published): their counts go out in the next rounds. Returns how many."""
    rows: list[tuple[UUID, str, list[str]]] = []
    offset: str | None = None
    while True:
        page, offset = await deps.pipeline.index.scroll(NEEDS, offset=offset, limit=PAGE)
        for _, payload in page:
            need = need_of(payload)
            federation = need.summary.get("federation")
            if federation:  # every need posted has one; a stray point is not published
                fiches = [c for c, _ in indexed_reading(payload).fiches]
                rows.append((UUID(need.need_id), str(federation), fiches))
        if offset is None:
            break
    async with deps.pool.acquire() as conn:
        return await reach_store.adopt_needs(conn, needs=rows)


async def indexed_needs(
    pipeline: Pipeline, need_ids: Sequence[UUID]
) -> dict[UUID, tuple[Need, Reading]]:
    """The needs as indexed, with their trades; a need gone from the index is left out."""
    payloads = await pipeline.index.payloads(
        NEEDS, [point_id(str(n)) for n in need_ids], fields=("doc", "trades")
    )
    found = {}
    for need_id in need_ids:
        payload = payloads.get(point_id(str(need_id)))
        if payload is not None:
            found[need_id] = (need_of(payload), indexed_reading(payload))
    return found


async def count_reach(
    pipeline: Pipeline, needs: dict[UUID, tuple[Need, Reading]], *, at: datetime
) -> dict[UUID, reach.Reach]:
    """One pass over the profiles indexed for all these needs: each profile is decoded only
    when it is of the trade of one of them. Needs are grouped by their trade reading (a few
    dozen distinct readings for hundreds of needs): whether a profile is of a reading's trade is
    decided once per pair of readings, not once per profile and need."""
    of_reading: dict[Reading, list[Profile]] = {r: [] for _, r in needs.values()}
    by_fiche: dict[str, set[Reading]] = defaultdict(set)
    for reading in of_reading:
        for code, _p in reading.fiches:
            by_fiche[code].add(reading)
    agree: dict[tuple[Reading, Reading], bool] = {}
    offset: str | None = None
    while True:
        page, offset = await pipeline.index.scroll(PROFILES, offset=offset, limit=PAGE)
        for _, payload in page:
            theirs = indexed_reading(payload)
            # A trade in common needs a fiche in common: only those readings are checked.
            near = {r for code, _p in theirs.fiches for r in by_fiche.get(code, ())}
            mine = []
            for r in near:
                same = agree.get((r, theirs))
                if same is None:
                    same = agree[(r, theirs)] = reach.same_trade(r, theirs)
                if same:
                    mine.append(r)
            if mine:
                profile = profile_of(payload)
                for r in mine:
                    of_reading[r].append(profile)
        if offset is None:
            break
    of_trade = {n: of_reading[r] for n, (_, r) in needs.items()}

    @functools.cache  # a profile of a trade is read for each need of that trade
    def beginner(experience: str) -> bool:
        # The matcher's own reading of experience (scoring.py): the gender-neutral text.
        return skills.beginner(pipeline.resolver.neutral(experience))

    def is_beginner(profile: Profile) -> bool:
        return beginner(profile.experience)

    def counted() -> dict[UUID, reach.Reach]:
        return {
            n: reach.count(
                needs[n][0], of_trade[n], at=at, distance=pipeline.distance, is_beginner=is_beginner
            )
            for n in needs
        }

    # needs × profiles of their trade: seconds at 100k profiles, off the event loop that
    # answers the needs and profiles meanwhile.
    return await asyncio.to_thread(counted)


def _event(
    need_id: UUID,
    federation: str,
    at: datetime,
    counted: reach.Reach,
    proposals: int,
    outcomes: dict[str, int],
) -> NeedReachComputed:
    payload = NeedReachPayload(
        need_id=need_id,
        federation=federation,
        computed_at=at,
        compatible=counted.compatible,
        what_if=[WhatIf(relaxation=name, compatible=n) for name, n in counted.what_if],
        proposals=proposals,
        outcomes=dict(outcomes),
    )
    return NeedReachComputed(producer=PRODUCER, payload=payload)
