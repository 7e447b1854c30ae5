"""Reading a dead-letter topic, and replaying it once per record (a consumer group remembers)."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.dlq.records import DeadLetter, parse_dead_letter
from shared.kafka.reader import partitions_of, read_to_end
from shared.kafka.security import PLAINTEXT, KafkaSecurity

REPLAY_GROUP = "spie-dlq-replay"


async def read_dead_letters(
    bootstrap: str, dlq_topic: str, *, security: KafkaSecurity = PLAINTEXT
) -> list[DeadLetter]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **security.client_options()
    )
    await consumer.start()
    try:
        return await _read_all(consumer, bootstrap, dlq_topic, security, from_committed=False)
    finally:
        await consumer.stop()


async def _read_all(
    consumer: AIOKafkaConsumer,
    bootstrap: str,
    dlq_topic: str,
    security: KafkaSecurity,
    *,
    from_committed: bool,
) -> list[DeadLetter]:
    partitions = await partitions_of(bootstrap, dlq_topic, security=security)
    tps = [TopicPartition(dlq_topic, p) for p in partitions]
    consumer.assign(tps)
    begins = await consumer.beginning_offsets(tps)
    starts = {}
    for tp in tps:
        committed = await consumer.committed(tp) if from_committed else None
        starts[tp] = max(committed or 0, begins[tp])
    records = await read_to_end(consumer, starts)
    letters = [parse_dead_letter(r.offset, r.key, r.value, list(r.headers)) for r in records]
    return sorted(letters, key=lambda d: d.dlq_offset)


async def replay_dead_letters(
    bootstrap: str,
    dlq_topic: str,
    *,
    only_offset: int | None = None,
    security: KafkaSecurity = PLAINTEXT,
) -> int:
    options = security.client_options()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=REPLAY_GROUP, enable_auto_commit=False, **options
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", **options
    )
    await consumer.start()
    await producer.start()
    try:
        letters = await _read_all(consumer, bootstrap, dlq_topic, security, from_committed=True)
        chosen = [d for d in letters if only_offset is None or d.dlq_offset == only_offset]
        for d in chosen:
            headers = [*d.passthrough_headers, ("dlq.replayed_from", str(d.dlq_offset).encode())]
            await producer.send_and_wait(
                d.original_topic, key=d.key, value=d.value, headers=headers
            )
        if only_offset is None and letters:
            # Remember what was replayed, so a second replay does not send it again.
            await consumer.commit()
        return len(chosen)
    finally:
        await producer.stop()
        await consumer.stop()
