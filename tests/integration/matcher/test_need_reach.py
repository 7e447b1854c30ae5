"""A need's reach as the running matcher publishes it: once the need is matched, and again when
a profile of its trade arrives, but not more often than once a minute."""

from __future__ import annotations

import asyncio
import time
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
from shared.contracts import NeedPosted, NeedReachComputed, ProfileUpserted, decode_event
from shared.kafka.broker import make_broker, publish_event
from tests.integration.matcher.test_matcher_service import running_matcher

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
async def service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FastAPI]:
    async with running_matcher(Path(tmp_path_factory.mktemp("index")), "matcher-reach") as app:
        yield app


@pytest.fixture(scope="module")
async def producer(service: FastAPI) -> AsyncIterator[Any]:
    broker = make_broker(MatcherSettings().kafka_bootstrap, client_id="matcher-reach-it")
    await broker.connect()
    yield broker
    await broker.stop()


@pytest.fixture
async def reaches() -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(bootstrap_servers=MatcherSettings().kafka_bootstrap)
    await consumer.start()
    parts = [TopicPartition(topics.NEED_REACH.name, p) for p in range(topics.NEED_REACH.partitions)]
    consumer.assign(parts)
    await consumer.seek_to_end(*parts)
    for p in parts:
        await consumer.position(p)
    yield consumer
    await consumer.stop()


async def reach_of(consumer: AIOKafkaConsumer, need_id: uuid.UUID, *, wait: float) -> list[Any]:
    """The NeedReachComputed of the need read within `wait` seconds."""
    found = []
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for records in (await consumer.getmany(timeout_ms=500)).values():
            for r in records:
                event = decode_event(r.value)
                if isinstance(event, NeedReachComputed) and event.payload.need_id == need_id:
                    found.append(event.payload)
    return found


def mason(*, licence: bool = True) -> ProfileUpserted:
    return ProfileUpserted(
        producer="it",
        payload={
            "candidate_id": uuid.uuid4(),
            "version": 1,
            "referent_id": uuid.uuid4(),
            "structure": "CD31",
            "consent": {
                "granted_at": NOW - timedelta(days=5),
                "expires_at": NOW + timedelta(days=300),
            },
            "desired_jobs": ["Maçonne"],
            "experience": "3 ans de gros œuvre, coulage de béton",
            "skills": ["lecture de plans"],
            "commune_insee": "31555",  # Toulouse, 19 km from Muret
            "mobility_km": 30,
            "has_driving_licence": licence,
        },
    )


def need_event(need_id: uuid.UUID) -> NeedPosted:
    return NeedPosted(
        producer="it",
        payload={
            "need_id": need_id,
            "version": 1,
            "federation": "BTP31",
            "employer_name": "Bâtir SARL",
            "title": "Maçon / Maçonne",
            "rome_code": "F1703",
            "skills": ["lecture de plans"],
            "commune_insee": "31395",  # Muret
            "contract_type": "CDD",
            "hours_per_week": 35,
            "driving_licence_required": True,
        },
    )


async def test_a_matched_need_has_its_counts_published_then_refreshed_at_most_once_a_minute(
    service: FastAPI, producer: Any, reaches: AIOKafkaConsumer
) -> None:
    for licence in (True,) * 6 + (False,) * 2:
        await publish_event(producer, mason(licence=licence))
    await asyncio.sleep(2)  # the profiles' partitions are consumed independently of the need's
    need_id = uuid.uuid4()
    await publish_event(producer, need_event(need_id))

    [first] = await reach_of(reaches, need_id, wait=20)
    assert (first.federation, first.compatible, first.proposals) == ("BTP31", 6, 6)
    assert dict((w.relaxation, w.compatible) for w in first.what_if)["sans_permis"] == 8

    # A new mason: the need is counted again, but not before a minute has passed.
    await publish_event(producer, mason())
    assert await reach_of(reaches, need_id, wait=15) == []
    pool = service.state.container.deps.pool
    dirty = await pool.fetchval(
        "select dirty_since is not null from matcher.need_reach where need_id = $1", need_id
    )
    assert dirty
    [second] = await reach_of(reaches, need_id, wait=75)
    assert second.compatible == 7 and second.computed_at >= first.computed_at + timedelta(minutes=1)
