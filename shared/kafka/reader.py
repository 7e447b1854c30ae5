"""Reading a topic between two points in time: for the ops commands, the demo and the tests.

    records = await read_since(bootstrap, "spie.matches.v1", since_ms)   # since then, to the end
    records = await read_to_end(consumer, {tp: offset, ...})              # from given offsets

The end is the topic's end when the read starts: records written meanwhile are left for the next
read, so a read always finishes.
"""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka.security import PLAINTEXT, KafkaSecurity


class ReadStalled(TimeoutError):
    """The broker stopped giving records before the end offsets were reached."""


async def partitions_of(
    bootstrap: str, topic: str, *, security: KafkaSecurity = PLAINTEXT
) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **security.client_options())
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return sorted(
        p["partition"] for d in described if d.get("error_code", 0) == 0 for p in d["partitions"]
    )


async def read_to_end(
    consumer: AIOKafkaConsumer,
    starts: dict[TopicPartition, int],
    *,
    stall_s: float = 30.0,
) -> list[ConsumerRecord]:
    """Every record from each partition's start offset up to its end offset as of this call."""
    consumer.assign(list(starts))
    ends = await consumer.end_offsets(list(starts))
    for tp, offset in starts.items():
        consumer.seek(tp, offset)
    records: list[ConsumerRecord] = []
    pending = [tp for tp in starts if starts[tp] < ends[tp]]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + stall_s
    while pending:
        batch = await consumer.getmany(*pending, timeout_ms=1000, max_records=2000)
        if batch:
            deadline = loop.time() + stall_s
        for got in batch.values():
            records += got
        # The position, not the last record seen: transaction markers and compacted records
        # leave offsets that carry no record.
        pending = [tp for tp in pending if await consumer.position(tp) < ends[tp]]
        if pending and loop.time() > deadline:
            raise ReadStalled(f"no record for {stall_s:.0f} s before the end of {pending}")
    return records


async def read_since(
    bootstrap: str, topic: str, since_ms: int, *, security: KafkaSecurity = PLAINTEXT
) -> list[ConsumerRecord]:
    """Every record of `topic` written since `since_ms` (epoch milliseconds), up to its end."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **security.client_options()
    )
    await consumer.start()
    try:
        partitions = await partitions_of(bootstrap, topic, security=security)
        tps = [TopicPartition(topic, p) for p in partitions]
        found = await consumer.offsets_for_times(dict.fromkeys(tps, since_ms))
        ends = await consumer.end_offsets(tps)
        starts = {tp: found[tp].offset if found[tp] else ends[tp] for tp in tps}
        return await read_to_end(consumer, starts)
    finally:
        await consumer.stop()
