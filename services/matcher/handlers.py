"""What the matcher does with each event. Entry points call these; they hold no I/O detail.

Order matters for erasure and replays: a version is checked before any work, the index is
changed next, and the version, the audit rows and the outbox rows commit in one transaction
last. A crash in between replays the event; the unique key of the audit table then keeps a
replay from emitting a second MatchFound.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, cast
from uuid import UUID

import asyncpg

from services.matcher.adapters import pg_repository as repo
from services.matcher.domain import compatibility
from services.matcher.mapping import need_from_payload, profile_from_payload, to_event
from services.matcher.pipeline import Pipeline, Proposal
from shared.contracts import (
    MatchFeedbackGiven,
    NeedClosed,
    NeedPosted,
    NeedUpdated,
    ProfileErased,
    ProfileUpserted,
)
from shared.outbox import enqueue_event

log = logging.getLogger("spie.matcher")
Direction = Literal["need_to_profiles", "profile_to_needs"]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    pool: asyncpg.Pool
    pipeline: Pipeline
    clock: Callable[[], datetime] = field(default=utcnow)


async def handle_need(event: NeedPosted | NeedUpdated, deps: Deps) -> int:
    need = need_from_payload(event.payload)
    async with deps.pool.acquire() as conn:
        if not await repo.accepts(conn, kind="need", entity_id=need.need_id, version=need.version):
            log.info(
                "need event ignored: older than known", extra={"fields": _ids(need_id=need.need_id)}
            )
            return 0
    vectors = (await deps.pipeline.index_needs([need]))[0]
    now = deps.clock()
    proposals = await deps.pipeline.rank_for_need(need, at=now, vectors=vectors)
    return await _record(
        deps,
        proposals,
        "need_to_profiles",
        event.correlation_id,
        ("need", need.need_id, need.version),
    )


async def handle_need_closed(event: NeedClosed, deps: Deps) -> None:
    need_id = str(event.payload.need_id)
    async with deps.pool.acquire() as conn:
        await repo.record_erasure(
            conn, kind="need", entity_id=need_id, version=event.payload.version
        )
    await deps.pipeline.remove_need(need_id)


async def handle_profile_upserted(event: ProfileUpserted, deps: Deps) -> int:
    profile = profile_from_payload(event.payload)
    pid, version = profile.candidate_id, profile.version
    async with deps.pool.acquire() as conn:
        if not await repo.accepts(conn, kind="profile", entity_id=pid, version=version):
            log.info(
                "profile event ignored: erased or older", extra={"fields": _ids(candidate_id=pid)}
            )
            return 0
    now = deps.clock()
    # index_profiles removes a profile whose consent is no longer active instead of indexing it.
    vectors = (await deps.pipeline.index_profiles([profile], at=now))[0]
    proposals = await deps.pipeline.rank_for_profile(profile, at=now, vectors=vectors)
    return await _record(
        deps, proposals, "profile_to_needs", event.correlation_id, ("profile", pid, version)
    )


async def handle_profile_erased(event: ProfileErased, deps: Deps) -> None:
    pid = str(event.payload.candidate_id)
    async with deps.pool.acquire() as conn:
        await repo.record_erasure(
            conn, kind="profile", entity_id=pid, version=event.payload.version
        )
    await deps.pipeline.remove_profile(pid)


async def handle_feedback(event: MatchFeedbackGiven, deps: Deps) -> None:
    feedback = event.payload.model_dump(mode="json", include={"decision", "reason", "referent_id"})
    async with deps.pool.acquire() as conn:
        await repo.save_feedback(conn, match_id=event.payload.match_id, feedback=feedback)


async def _record(
    deps: Deps,
    proposals: list[Proposal],
    direction: Direction,
    correlation_id: UUID | None,
    seen: tuple[repo.Kind, str, int],
) -> int:
    """Store the version seen, and each new match with its MatchFound, in one transaction."""
    emitted = 0
    now = deps.clock()
    pipeline = deps.pipeline
    async with deps.pool.acquire() as conn, conn.transaction():
        await repo.record_version(conn, kind=seen[0], entity_id=seen[1], version=seen[2])
        for proposal in proposals:
            # The last gate: nothing incompatible is ever emitted, whatever happened upstream.
            if not compatibility.compatible(
                proposal.need, proposal.profile, at=now, distance_km=pipeline.distance
            ):
                continue
            event, row = to_event(
                proposal, pipeline=pipeline, direction=direction, correlation_id=correlation_id
            )
            if await repo.save_match(conn, row=row):
                await enqueue_event(cast(asyncpg.Connection, conn), schema=repo.SCHEMA, event=event)
                emitted += 1
    log.info("matches emitted", extra={"fields": {"direction": direction, "count": emitted}})
    return emitted


def _ids(**ids: str) -> dict[str, str]:
    return ids
