"""What the matcher does with each event. Entry points call these; they hold no I/O detail.

Order matters for erasure and replays: a version is checked before any work, the index is
changed next, and the version, the audit rows and the outbox rows commit in one transaction
last. A crash in between replays the event; the unique key of the audit table then keeps a
replay from emitting a second MatchFound.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

import asyncpg

from services.matcher import action_catalogue, action_proposals
from services.matcher.adapters import actions_store, audit_log, reach_store
from services.matcher.adapters import pg_repository as repo
from services.matcher.domain import compatibility
from services.matcher.domain.model import Profile
from services.matcher.domain.ports import PROFILES
from services.matcher.mapping import need_from_payload, profile_from_payload, to_event, trades_read
from services.matcher.pipeline import Pipeline, Proposal, point_id
from shared.contracts import (
    Event,
    MatchFeedbackGiven,
    MatchFound,
    NeedClosed,
    NeedPosted,
    NeedUpdated,
    ProfileErased,
    ProfileUpserted,
)
from shared.contracts.actions import ActionProposalFeedbackGiven, ActionPublished
from shared.outbox import enqueue_events, forget_keys

log = logging.getLogger("spie.matcher")
T = TypeVar("T")
Direction = Literal["need_to_profiles", "profile_to_needs"]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    pool: asyncpg.Pool
    pipeline: Pipeline
    clock: Callable[[], datetime] = field(default=utcnow)
    # Key id -> key of the "erasure" purpose, the current generation first: erased candidates
    # are remembered by a keyed hash only (bootstrap passes the keyring's; tests their own).
    erasure_keys: Mapping[str, bytes] = field(default_factory=dict, repr=False)

    def candidate_hashes(self, candidate_id: str) -> list[str]:
        """The keyed hash of an id under each accepted key (the current one first)."""
        message = f"candidate:{candidate_id}".encode()
        return [
            f"{kid}:{hmac.new(key, message, hashlib.sha256).hexdigest()}"
            for kid, key in self.erasure_keys.items()
        ]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one accepted event found, to be recorded with the others of its batch."""

    proposals: list[Proposal]
    direction: Direction
    correlation_id: UUID | None
    seen: tuple[repo.Kind, str, int]


async def handle_need(event: NeedPosted | NeedUpdated, deps: Deps) -> int:
    return await handle_needs([event], deps)


async def handle_needs(events: Sequence[NeedPosted | NeedUpdated], deps: Deps) -> int:
    """Several needs (distinct ids): one encoder call, one index upsert, one transaction."""
    needs = [need_from_payload(e.payload) for e in events]
    async with deps.pool.acquire() as conn:
        fresh = await repo.accepted(
            conn, kind="need", versions=[(n.need_id, n.version) for n in needs]
        )
    for need in (n for n, ok in zip(needs, fresh, strict=True) if not ok):
        log.info(
            "need event ignored: older than known", extra={"fields": _ids(need_id=need.need_id)}
        )
    kept = [(e, n) for e, n, ok in zip(events, needs, fresh, strict=True) if ok]
    indexed = await deps.pipeline.index_needs([n for _, n in kept])
    readings = [i.reading for i in indexed]
    # Their trades, for the trades a person could discover (action_catalogue.py).
    await action_catalogue.keep_open_needs(deps.pool, deps.pipeline, [n for _, n in kept])
    # Every version accepted: its federation sees the trade the matcher reads (intake).
    read = [
        trades_read(n, r, pipeline=deps.pipeline, correlation_id=e.correlation_id)
        for (e, n), r in zip(kept, readings, strict=True)
    ]
    now = deps.clock()
    ranked = await in_turn(
        deps.pipeline.rank_for_need(n, at=now, indexed=i)
        for (_, n), i in zip(kept, indexed, strict=True)
    )
    outcomes = [
        Outcome(proposals, "need_to_profiles", e.correlation_id, ("need", n.need_id, n.version))
        for (e, n), proposals in zip(kept, ranked, strict=True)
    ]
    # Each need matched has its reach (counts that name no one) published soon (reach.py).
    dirty = [
        (UUID(n.need_id), e.payload.federation, [c for c, _ in r.fiches])
        for (e, n), r in zip(kept, readings, strict=True)
    ]
    return await _record(deps, outcomes, also=read, needs_changed=dirty)


async def handle_need_closed(event: NeedClosed, deps: Deps) -> None:
    need_id = str(event.payload.need_id)
    async with deps.pool.acquire() as conn, conn.transaction():
        await repo.record_erasure(
            conn, kind="need", entity_id=need_id, version=event.payload.version
        )
        await reach_store.forget_need(conn, need_id=event.payload.need_id)
        await actions_store.forget_open_needs(conn, need_ids=[event.payload.need_id])
    await deps.pipeline.remove_need(need_id)


async def handle_profile_upserted(event: ProfileUpserted, deps: Deps) -> int:
    return await handle_profiles_upserted([event], deps)


async def handle_profiles_upserted(events: Sequence[ProfileUpserted], deps: Deps) -> int:
    """Several profiles (distinct ids): one encoder call, one index upsert, one transaction."""
    profiles = [profile_from_payload(e.payload) for e in events]
    async with deps.pool.acquire() as conn:
        fresh = await repo.accepted(
            conn, kind="profile", versions=[(p.candidate_id, p.version) for p in profiles]
        )
        fresh = await _not_erased(conn, deps, profiles, fresh)
    for p in (p for p, ok in zip(profiles, fresh, strict=True) if not ok):
        log.info(
            "profile event ignored: erased or older",
            extra={"fields": _ids(candidate_id=p.candidate_id)},
        )
    kept = [(e, p) for e, p, ok in zip(events, profiles, fresh, strict=True) if ok]
    now = deps.clock()
    before = await _indexed_fiches(deps, [p.candidate_id for _, p in kept])
    # index_profiles removes a profile whose consent is no longer active instead of indexing it.
    indexed = await deps.pipeline.index_profiles([p for _, p in kept], at=now)
    ranked = await in_turn(
        deps.pipeline.rank_for_profile(p, at=now, indexed=i)
        for (_, p), i in zip(kept, indexed, strict=True)
    )
    outcomes = [
        Outcome(
            proposals, "profile_to_needs", e.correlation_id, ("profile", p.candidate_id, p.version)
        )
        for (e, p), proposals in zip(kept, ranked, strict=True)
    ]
    access = [
        (UUID(p.candidate_id), p.routing["structure"], list(p.routing.get("shared_with", [])))
        for _, p in kept
    ]
    # The needs of their trades, before and after, count them differently now.
    after = await _indexed_fiches(deps, [p.candidate_id for _, p in kept])
    found = await _record(deps, outcomes, access=access, trades_changed=sorted(before | after))
    # Then the actions for them (action_proposals.py): each (person, action) proposed once.
    await action_proposals.propose_to(
        deps.pool,
        deps.pipeline,
        [p for _, p in kept],
        at=now,
        correlation_ids=[e.correlation_id for e, _ in kept],
    )
    return found


async def _indexed_fiches(deps: Deps, candidate_ids: Sequence[str]) -> set[str]:
    """The trades (codes) the index holds for these profiles."""
    if not candidate_ids:
        return set()
    ids = [point_id(c) for c in candidate_ids]
    payloads = await deps.pipeline.index.payloads(PROFILES, ids, fields=("trades",))
    return {str(t[0]) for payload in payloads.values() for t in payload.get("trades", ())}


async def _not_erased(
    conn: repo.Conn, deps: Deps, profiles: Sequence[Profile], fresh: list[bool]
) -> list[bool]:
    """`fresh`, false too for a profile erased at this version or later (known by hash)."""
    hashes = [deps.candidate_hashes(p.candidate_id) for p in profiles]
    erased = await repo.erased_profiles(conn, hashes=[h for hs in hashes for h in hs])
    return [
        ok and all(p.version > erased.get(h, 0) for h in hs)
        for p, hs, ok in zip(profiles, hashes, fresh, strict=True)
    ]


async def handle_profile_erased(event: ProfileErased, deps: Deps) -> None:
    await erase_profile(str(event.payload.candidate_id), event.payload.version, deps)


async def erase_profile(candidate_id: str, version: int, deps: Deps) -> None:
    """Everything of the candidate leaves the matcher; the AI Act log stays, without them.

    The audit rows are anonymised rather than deleted: the AI Act (art. 12, 19, 26) wants the
    log of each proposal and the référent's decision kept, and that log needs no person. The
    unsent (and the sent) MatchFound of the candidate leave the outbox: an alert about an erased
    person must not go out. Idempotent: a replayed ProfileErased or tombstone finds nothing more.
    A bare tombstone (no version) blocks every version: erasure wins.
    """
    hashes = deps.candidate_hashes(candidate_id)
    async with deps.pool.acquire() as conn, conn.transaction():
        await repo.erase_profile(
            conn, candidate_id=candidate_id, candidate_hash=hashes[0], version=version
        )
        await actions_store.erase_proposals(conn, candidate_id=candidate_id)
        # Their trades are not known any more: every need is counted again (bounded, reach.py).
        await reach_store.mark_of_trades(conn, fiches=None)
        # MatchFound is keyed by the candidate: sent or not, none of theirs is left to go out.
        await forget_keys(
            cast(asyncpg.Connection, conn), schema=repo.SCHEMA, keys=[candidate_id.encode()]
        )
    await deps.pipeline.remove_profile(candidate_id)


async def erase_left_over(deps: Deps) -> int:
    """Profiles erased before erasure anonymised the log (their id kept in `versions`): erased
    now, the same way. Runs at start; none left after the first."""
    async with deps.pool.acquire() as conn:
        rows = await repo.erased_in_clear(conn)
    for candidate_id, version in rows:
        await erase_profile(candidate_id, version, deps)
    return len(rows)


async def handle_feedback(event: MatchFeedbackGiven, deps: Deps) -> None:
    feedback = event.payload.model_dump(mode="json", include={"decision", "reason", "referent_id"})
    # No transaction: a redelivery does both again, and both are idempotent.
    async with deps.pool.acquire() as conn:
        await repo.save_feedback(conn, match_id=event.payload.match_id, feedback=feedback)
        await reach_store.mark_need(conn, need_id=event.payload.need_id)


async def handle_action_published(event: ActionPublished, deps: Deps) -> int:
    return await action_catalogue.on_action(
        deps.pool, deps.pipeline, event.payload, at=deps.clock()
    )


async def handle_action_feedback(event: ActionProposalFeedbackGiven, deps: Deps) -> None:
    await action_catalogue.on_feedback(deps.pool, event)


async def in_turn(calls: Iterable[Awaitable[T]]) -> list[T]:
    """Each call awaited after the one before, the event loop let go between two. The index's
    reads run on the event loop (adapters/edge_index.py): rankings started together only queue
    their searches behind each other, and every other task of the service (the outbox relay
    publishing the matches, the consumers' fetches) behind all of them. Measured at 100k
    profiles, 10 + 10/s: the matches of a batch reached Kafka minutes late, all at once when
    the load stopped (`bench/results/2026-12-07T1920-rate10`)."""
    done = []
    for call in calls:
        done.append(await call)
        await asyncio.sleep(0)
    return done


async def _record(
    deps: Deps,
    outcomes: list[Outcome],
    *,
    access: list[tuple[UUID, str, list[str]]] | None = None,
    also: Sequence[Event] = (),
    needs_changed: Sequence[tuple[UUID, str, list[str]]] = (),
    trades_changed: list[str] | None = None,
) -> int:
    """Store the versions seen, and each new match with its MatchFound, in one transaction;
    `access`: the profiles' structures and shares now, for the audit log's earlier rows;
    `also`: other events the same change publishes (the needs' trades); `needs_changed`,
    `trades_changed`: the needs whose reach to publish again (reach.py). Returns the matches."""
    now = deps.clock()
    pipeline = deps.pipeline
    found: list[tuple[MatchFound, dict[str, Any]]] = [
        to_event(p, pipeline=pipeline, direction=o.direction, correlation_id=o.correlation_id)
        for o in outcomes
        for p in o.proposals
        # The last gate: nothing incompatible is ever emitted, whatever happened upstream.
        if compatibility.compatible(p.need, p.profile, at=now, distance_km=pipeline.distance)
    ]
    async with deps.pool.acquire() as conn, conn.transaction():
        await repo.record_versions(conn, seen=[o.seen for o in outcomes])
        if access:
            await audit_log.refresh_access(conn, access=access)
        if needs_changed:
            await reach_store.mark_needs(conn, needs=needs_changed)
        if trades_changed:
            await reach_store.mark_of_trades(conn, fiches=trades_changed)
        new = await repo.save_matches(conn, rows=[row for _, row in found])
        events = _first_of_each(found, new)
        await enqueue_events(
            cast(asyncpg.Connection, conn), schema=repo.SCHEMA, events=[*events, *also]
        )
    if outcomes:
        log.info("matches emitted", extra={"fields": {"count": len(events)}})
    return len(events)


def _first_of_each(
    found: list[tuple[MatchFound, dict[str, Any]]], new: set[UUID]
) -> list[MatchFound]:
    """In order, each new match once (the first of the batch to find it)."""
    events = []
    for event, _ in found:
        if event.payload.match_id in new:
            new.discard(event.payload.match_id)
            events.append(event)
    return events


def _ids(**ids: str) -> dict[str, str]:
    return ids
