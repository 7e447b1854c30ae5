"""Ops can list dead letters with their reason and replay them once after a fix."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.dlq.sender import send_to_dead_letter
from shared.dlq.store import read_dead_letters, replay_dead_letters
from shared.kafka.admin import ensure_topics
from shared.topics import Topic


async def test_a_poison_message_is_listed_with_its_reason_and_replayed_once(
    kafka_bootstrap: str, unique: str
) -> None:
    topic = f"test.dlq.{unique}"
    await ensure_topics(kafka_bootstrap, [Topic(topic, partitions=1), Topic(f"{topic}.dlq", 1)])
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"g-{unique}",
    )
    await consumer.start()
    try:
        await producer.send_and_wait(
            topic, key=b"k1", value=b"\xff not json", headers=[("event_type", b"NeedPosted")]
        )
        record = await asyncio.wait_for(consumer.getone(), 30)
        await send_to_dead_letter(producer, record, reason="not JSON: bad byte", service="test")

        letters = await read_dead_letters(kafka_bootstrap, f"{topic}.dlq")
        assert len(letters) == 1
        letter = letters[0]
        assert letter.reason == "not JSON: bad byte"
        assert (letter.original_topic, letter.original_offset) == (topic, record.offset)
        assert letter.value == b"\xff not json" and letter.key == b"k1"

        assert await replay_dead_letters(kafka_bootstrap, f"{topic}.dlq") == 1
        again = await asyncio.wait_for(consumer.getone(), 30)
        assert again.value == b"\xff not json"
        assert ("event_type", b"NeedPosted") in list(again.headers)
        assert await replay_dead_letters(kafka_bootstrap, f"{topic}.dlq") == 0
    finally:
        await consumer.stop()
        await producer.stop()
