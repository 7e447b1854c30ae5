"""The compacted candidates topic forgets an erased key's values within max.compaction.lag.ms:
measured here with the same settings scaled from a day down to seconds."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.kafka.admin import ensure_topics
from shared.kafka.reader import read_to_end
from shared.topics import CANDIDATES, Topic

pytestmark = pytest.mark.integration
LAG_MS = 2000


def _scaled(name: str) -> Topic:
    """CANDIDATES' configuration with its day-long lags as seconds."""
    extra = {**CANDIDATES.extra, "max.compaction.lag.ms": str(LAG_MS), "segment.ms": str(LAG_MS)}
    return Topic(name, partitions=1, compacted=True, extra=extra)


async def _values(bootstrap: str, topic: str) -> list[bytes | None]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        part = TopicPartition(topic, 0)
        starts = await consumer.beginning_offsets([part])
        return [r.value for r in await read_to_end(consumer, starts)]
    finally:
        await consumer.stop()


async def _erase_and_wait(bootstrap: str, topic: str, *, within: float) -> float | None:
    """Write a value and its tombstone, then other keys; seconds until the value is gone."""
    marker = b"profile " + uuid.uuid4().hex.encode()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        key = str(uuid.uuid4()).encode()
        await producer.send_and_wait(topic, marker, key=key)
        await producer.send_and_wait(topic, None, key=key)  # the erasure's tombstone
        assert marker in await _values(bootstrap, topic)  # the read sees it
        started = time.monotonic()
        while marker in await _values(bootstrap, topic):
            if time.monotonic() - started > within:
                return None
            # Other keys keep coming, as on the real topic: a segment rolls on a write.
            await producer.send_and_wait(topic, b"other", key=str(uuid.uuid4()).encode())
            await asyncio.sleep(1)
        return time.monotonic() - started
    finally:
        await producer.stop()


async def test_an_erased_keys_values_are_compacted_away_within_the_lag(
    kafka_bootstrap: str, unique: str
) -> None:
    assert "max.compaction.lag.ms" in CANDIDATES.config  # what is scaled down here
    bounded, unbounded = f"test.compaction.{unique}", f"test.nolag.{unique}"
    await ensure_topics(kafka_bootstrap, [_scaled(bounded), Topic(unbounded, 1, compacted=True)])
    took = await _erase_and_wait(kafka_bootstrap, bounded, within=120)
    assert took is not None, "never compacted"
    # The control: a compacted topic without the lag keeps the value as long, and longer.
    assert await _erase_and_wait(kafka_bootstrap, unbounded, within=took + 10) is None
