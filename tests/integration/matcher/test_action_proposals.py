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
from aiokafka import AIOKafkaConsumer, TopicPartition
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
TOULOUSE, BLAGNAC, MURET = "31555", "31069", "31395"


def action_event(
    action_id: uuid.UUID, *, status: str = "open", version: int = 1
) -> ActionPublished:
    # Soon: earlier than any session of an earlier run still to come, so first in the order.
    start = datetime.now(UTC) + timedelta(hours=1)
    return ActionPublished(
        producer="it",
        payload={
            "action_id": action_id,
            "version": version,
            "status": status,
            "kind": "decouverte_metiers",
            "provider_structure": "AFPA",
            "title": "Découvrir la couverture",
            "rome_codes": ["F1619"],
            "publics": ["tous"],
            "commune_insee": MURET,
            "sessions": [
                {
                    "session_id": uuid.uuid4(),
                    "starts_at": start,
                    "ends_at": start + timedelta(hours=3),
                    "schedules": ["day"],
                    "capacity": 12,
                    "places_left": 12,
                }
            ],
        },
    )


def roofer_need(need_id: uuid.UUID) -> NeedPosted:
    return NeedPosted(
        producer="it",
        payload={
            "need_id": need_id,
            "version": 1,
            "federation": "BTP31",
            "employer_name": "Toits d'Occitanie",
            "title": "Couvreur / Couvreuse",
            "rome_code": "F1619",
            "skills": ["travail en hauteur", "lecture de plans", "pose de tuiles"],
            "commune_insee": BLAGNAC,
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
    consumer: AIOKafkaConsumer, candidate_id: uuid.UUID, *, wait: float
) -> list[ActionProposed]:
    found: list[ActionProposed] = []
    deadline = asyncio.get_running_loop().time() + wait
    while asyncio.get_running_loop().time() < deadline:
        for records in (await consumer.getmany(timeout_ms=500)).values():
            for r in records:
                event = decode_event(r.value)
                if isinstance(event, ActionProposed) and event.payload.candidate_id == candidate_id:
                    found.append(event)
    return found


async def test_a_person_is_proposed_a_trade_to_discover_once_whatever_the_updates(
    service: FastAPI, producer: Any, proposals: AIOKafkaConsumer
) -> None:
    action_id, cid = uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, action_event(action_id))
    for _ in range(2):
        await publish_event(producer, roofer_need(uuid.uuid4()))
    pool = service.state.container.deps.pool
    await _until(pool, "select 1 from matcher.actions where action_id = $1", action_id)
    await asyncio.sleep(3)  # the needs' batch: indexed and kept for discovery
    await publish_event(producer, mason(cid))

    found = await proposed_to(proposals, cid, wait=30)
    [first] = [e for e in found if e.payload.action_id == action_id]
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
    cid, action_id = uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, roofer_need(uuid.uuid4()))
    await publish_event(producer, mason(cid))
    pool = service.state.container.deps.pool
    await _until(
        pool, "select 1 from matcher.versions where kind = 'profile' and entity_id = $1", str(cid)
    )
    await publish_event(producer, action_event(action_id))
    found = await proposed_to(proposals, cid, wait=30)
    assert [e.payload.action_id for e in found if e.payload.action_id == action_id] == [action_id]


async def _until(pool: Any, sql: str, *args: Any, wait: float = 30) -> None:
    for _ in range(int(wait * 2)):
        if await pool.fetchval(sql, *args):
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"not seen in time: {sql}")
