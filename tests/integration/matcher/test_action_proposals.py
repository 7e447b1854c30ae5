"""Proposals of actions as the matcher runs: an action published, roofers asked near Toulouse,
a mason with the skills of a roofer, and ActionProposed out on the real Kafka, once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from fastapi import FastAPI

from services.matcher.settings import MatcherSettings
from shared import topics
from shared.contracts import NeedPosted, ProfileErased, ProfileUpserted, decode_event
from shared.contracts.actions import (
    ActionProposalFeedbackGiven,
    ActionProposed,
    ActionPublished,
)
from shared.kafka.broker import make_broker, publish_event
from tests.integration.matcher.test_matcher_service import running_matcher

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)
TOULOUSE, BLAGNAC, MURET, SAINT_GAUDENS = "31555", "31069", "31395", "31483"


def action_event(
    action_id: uuid.UUID,
    *,
    status: str = "open",
    version: int = 1,
    code: str = "F1619",
    commune: str | None = MURET,
    sessions: list[dict[str, Any]] | None = None,
) -> ActionPublished:
    return ActionPublished(
        producer="it",
        payload={
            "action_id": action_id,
            "version": version,
            "status": status,
            "kind": "decouverte_metiers",
            "provider_structure": "AFPA",
            "title": "Découvrir la couverture",
            "rome_codes": [code],
            "publics": ["tous"],
            "commune_insee": commune,
            "remote": commune is None,
            "sessions": [session()] if sessions is None else sessions,
        },
    )


def session(places_left: int = 12) -> dict[str, Any]:
    # Soon: earlier than any session of an earlier run still to come, so first in the order.
    start = datetime.now(UTC) + timedelta(hours=1)
    return {
        "session_id": uuid.uuid4(),
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "schedules": ["day"],
        "capacity": 12,
        "places_left": places_left,
    }


def roofer_need(need_id: uuid.UUID, *, code: str = "F1619", commune: str = BLAGNAC) -> NeedPosted:
    return NeedPosted(
        producer="it",
        payload={
            "need_id": need_id,
            "version": 1,
            "federation": "BTP31",
            "employer_name": "Toits d'Occitanie",
            "title": "Couvreur / Couvreuse",
            "rome_code": code,
            "skills": ["travail en hauteur", "lecture de plans", "pose de tuiles"],
            "commune_insee": commune,
            "contract_type": "CDI",
            "hours_per_week": 35,
        },
    )


def mason(cid: uuid.UUID, *, version: int = 1) -> ProfileUpserted:
    return ProfileUpserted(
        producer="it",
        payload={
            "candidate_id": cid,
            "version": version,
            "referent_id": uuid.uuid4(),
            "structure": "CD31",
            "consent": {
                "granted_at": NOW - timedelta(days=5),
                "expires_at": NOW + timedelta(days=300),
            },
            "desired_jobs": ["Maçonne"],
            "desired_rome_codes": ["F1703"],
            "experience": "Trois ans de gros œuvre sur des chantiers de rénovation.",
            "skills": ["travail en hauteur", "lecture de plans"],
            "commune_insee": TOULOUSE,
            "mobility_km": 30,
            "has_driving_licence": True,
        },
    )


@pytest.fixture(scope="module")
async def service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FastAPI]:
    async with running_matcher(Path(tmp_path_factory.mktemp("index")), "matcher-actions") as app:
        await _until_actions_consumed(app)
        # Actions already on the topic (an earlier run's, other suites' masons' trades) would
        # take the places of this module's in a person's five proposals: this module works on a
        # catalogue of its own, so the matcher's copy is closed first.
        await app.state.container.deps.pool.execute(
            "update matcher.actions set status = 'closed' where status = 'open'"
        )
        yield app


@pytest.fixture(scope="module")
async def producer(service: FastAPI) -> AsyncIterator[Any]:
    broker = make_broker(MatcherSettings().kafka_bootstrap, client_id="matcher-actions-it")
    await broker.connect()
    yield broker
    await broker.stop()


async def _until_actions_consumed(app: FastAPI) -> None:
    """With offset_reset=latest, publish closed probe actions until one is stored."""
    broker = make_broker(MatcherSettings().kafka_bootstrap, client_id="matcher-actions-probe")
    await broker.connect()
    try:
        for _ in range(60):
            probe = uuid.uuid4()
            await publish_event(broker, action_event(probe, status="closed"))
            await asyncio.sleep(1)
            pool = app.state.container.deps.pool
            if await pool.fetchval("select 1 from matcher.actions where action_id = $1", probe):
                return
        raise TimeoutError("the matcher never consumed spie.actions.v1")
    finally:
        await broker.stop()


@pytest.fixture
async def proposals() -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(bootstrap_servers=MatcherSettings().kafka_bootstrap)
    await consumer.start()
    topic = topics.ACTION_PROPOSALS
    parts = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
    consumer.assign(parts)
    await consumer.seek_to_end(*parts)
    for p in parts:
        await consumer.position(p)
    yield consumer
    await consumer.stop()


async def proposed_to(
    consumer: AIOKafkaConsumer,
    candidate_id: uuid.UUID,
    *,
    wait: float,
    until_action: uuid.UUID | None = None,
) -> list[ActionProposed]:
    """The person's proposals seen within `wait` s (or until one of `until_action` is)."""
    found: list[ActionProposed] = []
    deadline = asyncio.get_running_loop().time() + wait
    while asyncio.get_running_loop().time() < deadline:
        if until_action in {e.payload.action_id for e in found}:
            break
        for records in (await consumer.getmany(timeout_ms=500)).values():
            for r in records:
                event = decode_event(r.value)
                if isinstance(event, ActionProposed) and event.payload.candidate_id == candidate_id:
                    found.append(event)
    return found


async def test_a_person_is_proposed_a_trade_to_discover_once_whatever_the_updates(
    service: FastAPI, producer: Any, proposals: AIOKafkaConsumer
) -> None:
    action_id, cid, welding = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, action_event(action_id))
    needs = [uuid.uuid4() for _ in range(3)]
    for need_id in needs[:2]:
        await publish_event(producer, roofer_need(need_id))
    # Welders asked with the same skills, but only in Saint-Gaudens (~90 km): never discovered.
    await publish_event(producer, action_event(welding, code="H2913", commune=None))
    await publish_event(producer, roofer_need(needs[2], code="H2913", commune=SAINT_GAUDENS))
    pool = service.state.container.deps.pool
    await _until(pool, "select 1 from matcher.actions where action_id = $1", action_id)
    await _until(pool, "select 1 from matcher.actions where action_id = $1", welding)
    # The needs indexed and kept for discovery (behind whatever the topic held before them).
    await _until(
        pool,
        "select count(*) = 3 from matcher.open_needs where need_id = any($1::uuid[])",
        needs,
        wait=120,
    )
    await publish_event(producer, mason(cid))

    found = await proposed_to(proposals, cid, wait=60, until_action=action_id)
    [first] = [e for e in found if e.payload.action_id == action_id]
    assert welding not in {e.payload.action_id for e in found}
    assert not await service.state.container.deps.pool.fetchval(
        "select 1 from matcher.action_proposals where candidate_id = $1 and action_id = $2",
        cid,
        welding,
    )
    reason = first.payload.reason
    assert (reason.kind, reason.rome_code, reason.mixite) == ("decouverte", "F1619", True)
    assert reason.open_needs_nearby >= 2
    assert set(reason.transferable_skills) == {"travail en hauteur", "lecture de plans"}
    assert first.payload.explanation.startswith("Métier à découvrir : Couvreur / Couvreuse (F1619)")
    assert "km de chez la personne" in first.payload.explanation

    await publish_event(producer, mason(cid, version=2))
    assert await proposed_to(proposals, cid, wait=10) == []
    rows = await pool.fetchval(
        "select count(*) from matcher.action_proposals where candidate_id = $1 and action_id = $2",
        cid,
        action_id,
    )
    assert rows == 1

    # The référent's follow-up lands beside the proposal; erasure removes the person's rows.
    feedback = ActionProposalFeedbackGiven(
        producer="it",
        payload={
            "proposal_id": first.payload.proposal_id,
            "action_id": action_id,
            "candidate_id": cid,
            "referent_id": first.payload.referent_id,
            "rome_code": "F1619",
            "discovery": True,
            "decision": "pas_pertinent",
            "reason": "deja_fait",
        },
    )
    await publish_event(producer, feedback)
    await _until(
        pool,
        "select 1 from matcher.action_proposals where proposal_id = $1"
        " and feedback->>'reason' = 'deja_fait'",
        first.payload.proposal_id,
    )
    erased = ProfileErased(
        producer="it", payload={"candidate_id": cid, "version": 3, "reason": "deleted"}
    )
    await publish_event(producer, erased)
    await _until(
        pool,
        "select 1 where not exists"
        " (select 1 from matcher.action_proposals where candidate_id = $1)",
        cid,
    )


async def test_an_action_published_after_the_person_is_proposed_to_them(
    service: FastAPI, producer: Any, proposals: AIOKafkaConsumer
) -> None:
    cid, action_id, need_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, roofer_need(need_id))
    await publish_event(producer, mason(cid))
    pool = service.state.container.deps.pool
    await _known(pool, cid, need_id)
    await publish_event(producer, action_event(action_id))
    found = await proposed_to(proposals, cid, wait=30, until_action=action_id)
    assert [e.payload.action_id for e in found if e.payload.action_id == action_id] == [action_id]


async def test_a_full_action_is_proposed_once_a_new_session_has_places(
    service: FastAPI, producer: Any, proposals: AIOKafkaConsumer
) -> None:
    cid, action_id, need_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    pool = service.state.container.deps.pool
    await publish_event(producer, roofer_need(need_id))
    await publish_event(producer, mason(cid))
    await _known(pool, cid, need_id)
    full = session(places_left=0)
    await publish_event(producer, action_event(action_id, sessions=[full]))
    before = await proposed_to(proposals, cid, wait=8)
    assert action_id not in {e.payload.action_id for e in before}
    fresh = session()
    await publish_event(producer, action_event(action_id, version=2, sessions=[full, fresh]))
    found = await proposed_to(proposals, cid, wait=30, until_action=action_id)
    [proposed] = [e for e in found if e.payload.action_id == action_id]
    assert proposed.payload.session_id == fresh["session_id"]


async def test_an_older_version_of_an_action_never_overwrites_a_newer_one(
    service: FastAPI, producer: Any
) -> None:
    action_id = uuid.uuid4()
    pool = service.state.container.deps.pool
    await publish_event(producer, action_event(action_id, status="closed", version=2))
    await _until(pool, "select 1 from matcher.actions where action_id = $1", action_id)
    await publish_event(producer, action_event(action_id, status="open", version=1))
    newer = uuid.uuid4()  # positive control: a version published after it is taken
    await publish_event(producer, action_event(newer, status="closed", version=1))
    await _until(pool, "select 1 from matcher.actions where action_id = $1", newer)
    row = await pool.fetchrow(
        "select version, status from matcher.actions where action_id = $1", action_id
    )
    assert (row["version"], row["status"]) == (2, "closed")


async def test_a_bad_action_record_is_dead_lettered_with_its_reason(service: FastAPI) -> None:
    settings = MatcherSettings()
    dlq = TopicPartition(topics.ACTIONS.dlq.name, 0)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await consumer.start()
    await producer.start()
    try:
        consumer.assign([dlq])
        await consumer.seek_to_end(dlq)
        await consumer.position(dlq)
        key = uuid.uuid4().hex.encode()
        await producer.send_and_wait(topics.ACTIONS.name, b"{not json", key=key)
        reasons = []
        deadline = asyncio.get_running_loop().time() + 30
        while not reasons and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                reasons += [dict(r.headers).get("dlq.reason") for r in records if r.key == key]
        assert reasons and reasons[0] is not None and reasons[0].startswith(b"not JSON")
    finally:
        await consumer.stop()
        await producer.stop()


async def _known(pool: Any, cid: uuid.UUID, need_id: uuid.UUID) -> None:
    """The person and the open need are both read (two topics, each in its own time)."""
    await _until(
        pool, "select 1 from matcher.versions where kind = 'profile' and entity_id = $1", str(cid)
    )
    await _until(pool, "select 1 from matcher.open_needs where need_id = $1", need_id, wait=120)


async def _until(pool: Any, sql: str, *args: Any, wait: float = 30) -> None:
    for _ in range(int(wait * 2)):
        if await pool.fetchval(sql, *args):
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"not seen in time: {sql}")
