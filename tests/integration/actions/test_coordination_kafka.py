"""The coordination view's subscribers on the real Kafka: the chain discovered → matched →
hired read from the four topics, and a record that is not the topic's event dead-lettered."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from services.actions.bootstrap import Services
from services.actions.entrypoints.app import create_app
from services.actions.settings import ActionsSettings
from shared.contracts import Event, encode_event
from shared.dlq.store import read_dead_letters
from shared.topics import ACTION_FEEDBACK, ACTION_PROPOSALS, FEEDBACK, MATCHES, Topic
from tests.integration.actions import _coordination as rows

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def consuming_app() -> AsyncIterator[FastAPI]:
    # A group of its own: it reads these topics from the start, whatever others committed.
    settings = ActionsSettings(consumer_group=f"actions-coordination-{uuid.uuid4().hex[:8]}")
    app = create_app(settings, relay=False, consume_events=True)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def _send(producer: AIOKafkaProducer, topic: Topic, event: Event) -> None:
    await producer.send_and_wait(topic.name, key=event.key(), value=encode_event(event))


async def _eventually(check: Callable[[], Awaitable[bool]], seconds: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "not stored in time"
        await asyncio.sleep(0.3)


async def test_a_discovered_trade_then_matched_then_hired_is_read_from_the_topics(
    consuming_app: FastAPI, producer: AIOKafkaProducer
) -> None:
    services: Services = consuming_app.state.services
    person, when = uuid.uuid4(), datetime.now(UTC) - timedelta(days=2)
    proposal = rows.proposed(person, "F1703", when, discovery=True)

    async def stored(sql: str) -> bool:
        async with services.pool.acquire() as conn:
            return bool(await conn.fetchval(sql, person))

    await _send(producer, ACTION_PROPOSALS, proposal)
    await _send(producer, ACTION_FEEDBACK, rows.followed(proposal, "inscrit", when))
    await _eventually(
        lambda: stored("select true from actions.coordination_proposals where candidate_id = $1")
    )
    match = rows.matched(person, "F1703", when + timedelta(days=1))
    await _send(producer, MATCHES, match)
    await _eventually(
        lambda: stored("select true from actions.coordination_matches where candidate_id = $1")
    )
    await _send(producer, FEEDBACK, rows.decided(match, "hired", when + timedelta(days=1)))
    await _eventually(
        lambda: stored(
            "select true from actions.coordination_matches"
            " where candidate_id = $1 and decision = 'hired'"
        )
    )
    # Another topic, another consumer: the follow-up arrives in its own time.
    await _eventually(
        lambda: stored(
            "select true from actions.coordination_follow_ups"
            " where candidate_id = $1 and decision = 'inscrit'"
        )
    )


async def test_another_event_on_the_proposals_topic_is_dead_lettered_with_the_reason(
    consuming_app: FastAPI, producer: AIOKafkaProducer, kafka_bootstrap: str
) -> None:
    services: Services = consuming_app.state.services
    stray = rows.matched(uuid.uuid4(), "F1703", datetime.now(UTC))
    await _send(producer, ACTION_PROPOSALS, stray)
    # The control: a good proposal sent after it is stored, so the stray one was read.
    good = rows.proposed(uuid.uuid4(), "F1703", datetime.now(UTC), discovery=False)
    await _send(producer, ACTION_PROPOSALS, good)

    async def good_stored() -> bool:
        async with services.pool.acquire() as conn:
            return bool(
                await conn.fetchval(
                    "select true from actions.coordination_proposals where proposal_id = $1",
                    good.payload.proposal_id,
                )
            )

    reasons: list[str | None] = []

    async def dead_lettered() -> bool:
        letters = await read_dead_letters(kafka_bootstrap, ACTION_PROPOSALS.dlq.name)
        reasons[:] = [d.reason for d in letters if d.key == stray.key()]
        return bool(reasons)

    await _eventually(good_stored)
    await _eventually(dead_lettered)
    assert reasons == ["MatchFound does not belong on spie.action-proposals.v1"]
