"""Framework overhead: the same consume → produce pass-through, once with raw aiokafka and once
with FastStream (the services' framework), on two scratch topics of the running broker."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage


async def _fill(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        body = b'{"event_type":"Bench","payload":{"n":0}}'
        await asyncio.gather(
            *[await producer.send(topic, body, key=str(i).encode()) for i in range(count)]
        )
    finally:
        await producer.stop()


async def _raw(bootstrap: str, src: str, dst: str, count: int) -> float:
    consumer = AIOKafkaConsumer(
        src, bootstrap_servers=bootstrap, group_id=f"bench-raw-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest", enable_auto_commit=False,
    )  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await consumer.start()
    await producer.start()
    done, start = 0, time.perf_counter()
    try:
        while done < count:
            async for record in consumer:  # one message at a time, as a subscriber handles it
                await producer.send_and_wait(dst, record.value, key=record.key)
                await consumer.commit()
                done += 1
                if done >= count:
                    break
        return count / (time.perf_counter() - start)
    finally:
        await consumer.stop()
        await producer.stop()


async def _faststream(bootstrap: str, src: str, dst: str, count: int) -> float:
    broker = KafkaBroker(bootstrap, enable_idempotence=True, acks="all", logger=None)
    seen, finished = [0], asyncio.Event()

    # The message itself, as the services take it: a `bytes` argument would make FastStream
    # validate the JSON body against `bytes` and fail every message (silently, logger=None).
    # AckPolicy.ACK commits after each message, as the raw loop does.
    @broker.subscriber(
        src,
        group_id=f"bench-fs-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.ACK,
    )
    async def handle(msg: KafkaMessage) -> None:
        await broker.publish(msg.body, dst, key=getattr(msg.raw_message, "key", None))
        seen[0] += 1
        if seen[0] >= count:
            finished.set()

    await broker.start()
    start = time.perf_counter()
    try:
        await asyncio.wait_for(finished.wait(), 600)
        return count / (time.perf_counter() - start)
    finally:
        await broker.stop()


async def overhead(bootstrap: str, count: int = 3000) -> dict[str, float]:
    """msgs/s of each loop and the ratio raw / FastStream (> 1: the framework costs that much)."""
    run = uuid.uuid4().hex[:6]
    src, dst = f"spie.bench.{run}.in", f"spie.bench.{run}.out"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 1, 1) for t in (src, dst)])
        await _fill(bootstrap, src, count)
        raw = await _raw(bootstrap, src, dst, count)
        framework = await _faststream(bootstrap, src, dst, count)
        return {"raw_msgs_per_s": raw, "faststream_msgs_per_s": framework, "ratio": raw / framework}
    finally:
        await admin.delete_topics([src, dst])
        await admin.close()
