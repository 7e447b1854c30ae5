"""Events cross the real Kafka broker between a FastStream publisher and a consumer group."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from shared.contracts import NeedClosed, decode_event
from shared.kafka.admin import ensure_topics, topic_configs
from shared.kafka.broker import make_broker, publish_event
from shared.topics import DAY_MS, NEEDS, Topic, all_topics


async def _create_topic(bootstrap: str, name: str, partitions: int) -> None:
    await ensure_topics(bootstrap, [Topic(name, partitions=partitions)])


def _closed(need_id: uuid.UUID, version: int) -> NeedClosed:
    return NeedClosed(
        producer="test",
        correlation_id=uuid.uuid4(),
        payload={"need_id": need_id, "version": version, "federation": "BTP31", "reason": "filled"},
    )


async def test_stack_up_created_every_declared_topic(kafka_bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        described = {
            d["topic"]: d for d in await admin.describe_topics([t.name for t in all_topics()])
        }
    finally:
        await admin.close()
    for topic in all_topics():
        assert described[topic.name]["error_code"] == 0, topic.name
        assert len(described[topic.name]["partitions"]) == topic.partitions
    assert len(described[NEEDS.name]["partitions"]) == 6


async def test_stack_up_gave_every_declared_topic_its_declared_configuration(
    kafka_bootstrap: str,
) -> None:
    actual = await topic_configs(kafka_bootstrap, [t.name for t in all_topics()])
    for topic in all_topics():
        assert {k: actual[topic.name][k] for k in topic.config} == topic.config, topic.name


async def test_ensure_changes_the_retention_of_a_topic_created_with_an_older_declaration(
    kafka_bootstrap: str, unique: str
) -> None:
    name = f"test.retention.{unique}"
    older = Topic(name, partitions=1, retention_ms=365 * DAY_MS)
    newer = Topic(name, partitions=1, retention_ms=6 * DAY_MS, extra={"segment.ms": str(DAY_MS)})
    assert [r.action for r in await ensure_topics(kafka_bootstrap, [older])] == ["created"]
    assert (await topic_configs(kafka_bootstrap, [name]))[name]["retention.ms"] == str(365 * DAY_MS)

    [report] = await ensure_topics(kafka_bootstrap, [newer])
    assert report.action.startswith("configured: retention.ms=518400000")
    now = (await topic_configs(kafka_bootstrap, [name]))[name]
    assert (now["retention.ms"], now["segment.ms"]) == (str(6 * DAY_MS), str(DAY_MS))
    assert [r.action for r in await ensure_topics(kafka_bootstrap, [newer])] == ["exists"]


async def test_an_envelope_round_trips_through_a_consumer_group(
    kafka_bootstrap: str, unique: str
) -> None:
    topic = f"test.roundtrip.{unique}"
    await _create_topic(kafka_bootstrap, topic, partitions=3)
    received: list[NeedClosed] = []
    keys: list[bytes | None] = []
    done = asyncio.Event()
    sent = [_closed(uuid.uuid4(), v) for v in range(1, 6)]

    broker: KafkaBroker = make_broker(kafka_bootstrap, client_id=f"test-{unique}")

    @broker.subscriber(topic, group_id=f"group-{unique}", auto_offset_reset="earliest")
    async def on_event(event: NeedClosed, message: KafkaMessage) -> None:
        received.append(event)
        keys.append(message.raw_message.key)
        if len(received) == len(sent):
            done.set()

    async with broker:
        await broker.start()
        for event in sent:
            await publish_event(broker, event, topic=topic)
        await asyncio.wait_for(done.wait(), timeout=60)

    assert sorted(e.event_id for e in received) == sorted(e.event_id for e in sent)
    by_id = {e.event_id: e for e in received}
    for event in sent:
        assert by_id[event.event_id] == event  # envelope and payload intact, UTC kept
    assert sorted(k for k in keys if k) == sorted(e.key() for e in sent)


async def test_a_raw_record_decodes_to_the_same_event(kafka_bootstrap: str, unique: str) -> None:
    """What one service writes, another reads with plain aiokafka and the shared decoder."""
    from aiokafka import AIOKafkaConsumer

    topic = f"test.raw.{unique}"
    await _create_topic(kafka_bootstrap, topic, partitions=1)
    event = _closed(uuid.uuid4(), 3)
    broker = make_broker(kafka_bootstrap, client_id=f"test-{unique}")
    async with broker:
        await broker.start()
        await publish_event(broker, event, topic=topic)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"raw-{unique}",
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
    finally:
        await consumer.stop()
    assert record.key == str(event.payload.need_id).encode()
    assert decode_event(record.value) == event
    assert dict(record.headers)["event_type"] == b"NeedClosed"


async def test_reading_since_a_time_gives_what_was_written_after_it_and_stops_at_the_end(
    kafka_bootstrap: str, unique: str
) -> None:
    """What the demo summary, the end-to-end test and the ops commands read: nothing older."""
    from aiokafka import AIOKafkaProducer

    from shared.kafka.reader import read_since

    topic = f"test.reader.{unique}"
    await _create_topic(kafka_bootstrap, topic, partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for i in range(4):
            await producer.send_and_wait(topic, f"before-{i}".encode(), key=str(i).encode())
        await asyncio.sleep(0.05)
        since_ms = int(time.time() * 1000)
        await asyncio.sleep(0.05)
        for i in range(7):
            await producer.send_and_wait(topic, f"after-{i}".encode(), key=str(i).encode())
    finally:
        await producer.stop()
    records = await read_since(kafka_bootstrap, topic, since_ms)
    assert sorted(r.value for r in records) == sorted(f"after-{i}".encode() for i in range(7))
    assert await read_since(kafka_bootstrap, topic, int(time.time() * 1000) + 1000) == []
