"""The matcher through a PostgreSQL outage on the real stack: nothing it receives meanwhile is
dead-lettered; once PostgreSQL is back, the needs are matched and the erased profile is gone.

PostgreSQL is stopped and started with `deploy/local/stack.sh pg-down / pg-up` (the stack of
this worktree's SPIE_* ports): the module runs the matcher in-process and restarts the database.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI

from services.matcher.domain.ports import PROFILES
from services.matcher.settings import MatcherSettings
from shared import topics
from shared.contracts import ProfileErased
from shared.kafka.broker import make_broker, publish_event
from shared.kafka.reader import read_since
from tests.integration.matcher.test_matcher_service import (
    found_for,
    need_event,
    profile_event,
    reading_matches,
    running_matcher,
)

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[3]
DEAD_LETTER_TOPICS = [t.dlq.name for t in topics.TOPICS if t.dead_letter]


def stack(command: str) -> None:
    subprocess.run(
        ["bash", str(REPO / "deploy/local/stack.sh"), command],
        cwd=REPO,
        check=True,
        env={**os.environ, "STACK_SERVICES": "0"},
        stdout=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
async def matcher(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FastAPI]:
    async with running_matcher(Path(tmp_path_factory.mktemp("index")), "matcher-outage") as app:
        yield app


@pytest.fixture(scope="module")
async def producer(matcher: FastAPI) -> AsyncIterator[Any]:
    broker = make_broker(MatcherSettings().kafka_bootstrap, client_id="matcher-outage-it")
    await broker.connect()
    yield broker
    await broker.stop()


@pytest.fixture
async def matches() -> AsyncIterator[AIOKafkaConsumer]:
    async with reading_matches() as consumer:
        yield consumer


async def dead_letters_since(since_ms: int) -> list[bytes]:
    bootstrap = MatcherSettings().kafka_bootstrap
    found: list[bytes] = []
    for name in DEAD_LETTER_TOPICS:
        found += [r.value or b"" for r in await read_since(bootstrap, name, since_ms)]
    return found


async def indexed(app: FastAPI, candidate: uuid.UUID) -> bool:
    index = app.state.container.deps.pipeline.index
    return bool(await index.payloads(PROFILES, [str(candidate)]))


async def until(check: Any, *, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("not in time")
        await asyncio.sleep(0.5)


async def test_a_postgresql_outage_dead_letters_nothing_and_an_erasure_during_it_is_applied(
    matcher: FastAPI, producer: Any, matches: AIOKafkaConsumer
) -> None:
    kept, erased = uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, profile_event(kept))
    await publish_event(producer, profile_event(erased))
    await until(lambda: indexed(matcher, erased))
    since_ms = int(time.time() * 1000)
    # Needs keep coming while PostgreSQL stops and starts, so that some are being handled
    # when it ends their connections ("terminating connection due to administrator command")
    # and when it refuses them while starting up: what a real outage looks like.
    during: list[uuid.UUID] = []
    flowing = asyncio.create_task(_post_needs(producer, during))
    await asyncio.sleep(2)
    # The erasure is in the middle of its transaction when PostgreSQL stops: held by a lock
    # on the table it writes, it meets "terminating connection due to administrator command",
    # then "the database system is shutting down" when it tries again at once.
    holder = await asyncpg.connect(MatcherSettings().dsn)
    await holder.execute("begin; lock table matcher.versions in access exclusive mode")
    await publish_event(
        producer,
        ProfileErased(
            producer="it", payload={"candidate_id": erased, "version": 2, "reason": "withdrawn"}
        ),
    )
    await asyncio.sleep(2)
    await asyncio.to_thread(stack, "pg-down")
    holder.terminate()
    try:
        # Longer than the matcher's retries (5 s): each batch is given up and read again.
        await asyncio.sleep(12)
    finally:
        await asyncio.to_thread(stack, "pg-up")
    await asyncio.sleep(2)
    flowing.cancel()
    await asyncio.gather(flowing, return_exceptions=True)

    found = await found_for(matches, set(during), wait=40)
    matched = {f.payload.need_id for f in found if f.payload.candidate_id == kept}
    assert len(during) > 100
    assert matched == set(during), (
        f"{len(set(during) - matched)} of {len(during)} needs received during the outage were"
        " not matched once PostgreSQL came back"
    )
    await until(lambda: _not(indexed(matcher, erased)))
    after = uuid.uuid4()
    await publish_event(producer, need_event(after))
    candidates = {f.payload.candidate_id for f in await found_for(matches, after, wait=8)}
    assert kept in candidates and erased not in candidates
    assert await dead_letters_since(since_ms) == []

    # Positive control for the check above: a poison message does reach a dead-letter topic.
    marker = uuid.uuid4().hex.encode()
    await producer.publish(b'{"poison": "' + marker + b'"', topics.NEEDS.name)
    await until(lambda: _any_with(marker, since_ms), within=30)


async def _post_needs(producer: Any, sent: list[uuid.UUID]) -> None:
    while True:
        nid = uuid.uuid4()
        await publish_event(producer, need_event(nid))
        sent.append(nid)
        await asyncio.sleep(0.1)


async def _not(check: Any) -> bool:
    return not await check


async def _any_with(marker: bytes, since_ms: int) -> bool:
    return any(marker in value for value in await dead_letters_since(since_ms))
