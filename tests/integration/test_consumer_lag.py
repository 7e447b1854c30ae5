"""Ops see how far behind a consumer group is, per topic."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.kafka.admin import ensure_topics
from shared.metrics import consumer_lag
from shared.topics import Topic


async def test_lag_counts_the_messages_a_group_has_not_committed(
    kafka_bootstrap: str, unique: str
) -> None:
    topic, group = f"test.lag.{unique}", f"lag-{unique}"
    await ensure_topics(kafka_bootstrap, [Topic(topic, partitions=2)])
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for i in range(6):
            await producer.send_and_wait(topic, value=b"x", partition=i % 2)
    finally:
        await producer.stop()
    assert await consumer_lag(kafka_bootstrap, group, [topic]) == {topic: 6}

    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        await asyncio.wait_for(consumer.getone(tp), 30)
        await consumer.commit({tp: 2})
    finally:
        await consumer.stop()
    assert await consumer_lag(kafka_bootstrap, group, [topic]) == {topic: 4}
