"""The catalogue side of proposals: an action published or changed is proposed to the persons
it fits; the open needs' trades are kept for discovery; the référent's follow-up is logged.

Bounded work for an action: one pass over the indexed profiles reading only their location and
mobility, then the trades of those within reach (their wished trades as indexed, those trades'
ROME mobilités, the trades of the open needs near them: one query for all), and only then the
full computation (action_proposals.propose_to, batched the same way) for those that remain.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from services.matcher import action_proposals
from services.matcher.adapters import actions_store as store
from services.matcher.adapters.index_payload import need_of, profile_of
from services.matcher.domain.actions import Action, Session
from services.matcher.domain.model import Need, Profile
from services.matcher.domain.ports import NEEDS, PROFILES
from services.matcher.domain.prefilter import MARGIN_KM
from services.matcher.pipeline import Pipeline
from shared.contracts.actions import ActionPayload, ActionProposalFeedbackGiven
from shared.referential.geo import haversine_km

PAGE = 1000  # profiles (or needs) read from the index at once


def action_from_payload(p: ActionPayload) -> Action:
    """What the matcher keeps of an action: never its publics."""
    return Action(
        action_id=str(p.action_id),
        version=p.version,
        rome_codes=tuple(p.rome_codes),
        commune_insee=p.commune_insee,
        remote=p.remote,
        title=p.title,
        kind=p.kind.value,
        provider_structure=p.provider_structure,
        sessions=tuple(
            Session(
                session_id=str(s.session_id),
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                schedules=frozenset(x.value for x in s.schedules),
                places_left=s.places_left,
            )
            for s in p.sessions
        ),
        open=p.status == "open",
    )


async def on_action(
    pool: asyncpg.Pool, pipeline: Pipeline, payload: ActionPayload, *, at: datetime
) -> int:
    """Keep the action (an older version is ignored); when it is new, reopened or has a new
    session, propose it to the persons it fits. Returns the proposals published."""
    action = action_from_payload(payload)
    async with pool.acquire() as conn:
        worth = await store.save_action(conn, action=action)
    if not worth:
        return 0
    persons = await persons_within_reach(pool, pipeline, action, at=at)
    return await action_proposals.propose_to(pool, pipeline, persons, at=at)


async def persons_within_reach(
    pool: asyncpg.Pool, pipeline: Pipeline, action: Action, *, at: datetime
) -> list[Profile]:
    """The consented profiles close enough to the action, one of whose trades (wished,
    mobilité of a wished one, or asked by open needs near them) the action concerns."""
    near = [(profile_of(p), p) for p in await _near_profiles(pipeline, action)]
    near = [(p, i) for p, i in near if p.consent is not None and p.consent.active_at(at)]
    codes, mobilities = set(action.rome_codes), pipeline.resolver.snapshot.mobilities
    async with pool.acquire() as conn:
        asked = await action_proposals.asked_near(
            conn, pipeline, (p.commune_insee for p, _ in near)
        )
    found = []
    for profile, indexed in near:
        wished = {str(c) for c in indexed.get("rome_codes", ())}  # the trades read when indexed
        reachable = wished | {m for w in wished for m in mobilities(w)}
        reachable |= {a.rome_code for a in asked[profile.commune_insee]}
        if reachable & codes:
            found.append(profile)
    return found


async def _near_profiles(pipeline: Pipeline, action: Action) -> list[dict[str, Any]]:
    """Payloads of the profiles whose mobility reaches the action's commune (all, à distance),
    judged on the indexed location alone; the exact distance is checked per session later."""
    place = (
        None if action.remote else pipeline.resolver.snapshot.commune(action.commune_insee or "")
    )
    if place is None and not action.remote:
        return []
    found: list[dict[str, Any]] = []
    offset: str | None = None
    while True:
        page, offset = await pipeline.index.scroll(PROFILES, offset=offset, limit=PAGE)
        for _, payload in page:
            where = payload.get("location") or {}
            if (
                place is None
                or haversine_km(place.latitude, place.longitude, where["lat"], where["lon"])
                <= float(payload.get("mobility_km", 0)) + MARGIN_KM
            ):
                found.append(payload)
        if offset is None:
            return found


async def keep_open_needs(pool: asyncpg.Pool, pipeline: Pipeline, needs: Sequence[Need]) -> None:
    """The needs' trades for discovery: a need without a confident trade counts for none."""
    rows = []
    for need in needs:
        codes = pipeline.need_codes(need)
        if codes:
            rows.append(
                (
                    uuid.UUID(need.need_id),
                    need.version,
                    codes[0],
                    need.commune_insee,
                    list(need.skills),
                )
            )
    unread = [uuid.UUID(n.need_id) for n in needs if not pipeline.need_codes(n)]
    async with pool.acquire() as conn, conn.transaction():
        await store.keep_open_needs(conn, needs=rows)
        await store.forget_open_needs(conn, need_ids=unread)


async def adopt_indexed_needs(pool: asyncpg.Pool, pipeline: Pipeline) -> int:
    """The open needs indexed before discovery existed: their trades as indexed. At start."""
    rows = []
    offset: str | None = None
    while True:
        page, offset = await pipeline.index.scroll(NEEDS, offset=offset, limit=PAGE)
        for _, payload in page:
            codes = payload.get("rome_codes") or []
            if codes and payload.get("open", 1):
                need = need_of(payload)
                rows.append(
                    (
                        uuid.UUID(need.need_id),
                        need.version,
                        str(codes[0]),
                        need.commune_insee,
                        list(need.skills),
                    )
                )
        if offset is None:
            break
    async with pool.acquire() as conn:
        await store.keep_open_needs(conn, needs=rows)
    return len(rows)


async def on_feedback(pool: asyncpg.Pool, event: ActionProposalFeedbackGiven) -> bool:
    """The référent's follow-up beside the proposal it answers (idempotent)."""
    feedback = event.payload.model_dump(mode="json", include={"decision", "reason", "referent_id"})
    async with pool.acquire() as conn:
        return await store.save_feedback(
            conn, proposal_id=event.payload.proposal_id, feedback=feedback
        )
