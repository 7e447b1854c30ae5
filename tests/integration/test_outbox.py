"""Events written with the change that caused them reach Kafka once, in order, even late."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer

from shared.contracts import NeedClosed, decode_event
from shared.db.pool import connect
from shared.kafka.admin import ensure_topics
from shared.outbox import (
    OutboxRelay,
    enqueue,
    enqueue_event,
    enqueue_events,
    install,
    pending_count,
)
from shared.topics import Topic


async def _read_all(bootstrap: str, topic: str, expected: int) -> list[tuple[bytes, bytes | None]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=f"check-{uuid.uuid4().hex[:6]}",
    )
    await consumer.start()
    got: list[tuple[bytes, bytes | None]] = []
    try:
        while len(got) < expected:
            batch = await asyncio.wait_for(consumer.getmany(timeout_ms=1000), timeout=30)
            got += [(r.key, r.value) for records in batch.values() for r in records]
        extra = await consumer.getmany(timeout_ms=1500)  # anything beyond is a duplicate
        got += [(r.key, r.value) for records in extra.values() for r in records]
    finally:
        await consumer.stop()
    return got


def _closed(need_id: uuid.UUID, version: int) -> NeedClosed:
    return NeedClosed(
        producer="test",
        payload={
            "need_id": need_id,
            "version": version,
            "federation": "GEIQ",
            "reason": "cancelled",
        },
    )


async def test_events_written_while_kafka_is_unreachable_go_out_once_when_it_is_back(
    dsn: str, kafka_bootstrap: str, unique: str
) -> None:
    schema, topic = f"t_{unique}", f"test.outbox.{unique}"
    await ensure_topics(kafka_bootstrap, [Topic(topic, partitions=3)])
    conn = await connect(dsn)
    try:
        await install(conn, schema=schema)
        need_ids = [uuid.uuid4() for _ in range(5)]
        events = [_closed(n, v) for v in range(1, 11) for n in need_ids]  # 50 events
        for event in events:
            async with conn.transaction():
                await enqueue_event(conn, schema=schema, event=event)
        # A relay that cannot reach Kafka publishes nothing and keeps every event pending.
        down = OutboxRelay(dsn, schema=schema, bootstrap="127.0.0.1:1", poll_seconds=0.2)
        stop = asyncio.Event()
        task = asyncio.create_task(down.run(stop))
        await asyncio.sleep(2)
        stop.set()
        await task
        assert down.published == 0
        assert await pending_count(conn, schema=schema) == 50
        await conn.execute(f"update {schema}.outbox set topic = $1", topic)

        up = OutboxRelay(dsn, schema=schema, bootstrap=kafka_bootstrap, poll_seconds=0.2)
        stop = asyncio.Event()
        task = asyncio.create_task(up.run(stop))
        records = await _read_all(kafka_bootstrap, topic, expected=50)
        stop.set()
        await task
        assert await pending_count(conn, schema=schema) == 0
    finally:
        await conn.execute(f"drop schema {schema} cascade")
        await conn.close()

    decoded = [decode_event(v) for _, v in records if v is not None]
    assert len(decoded) == 50
    assert len({e.event_id for e in decoded}) == 50
    for need_id in need_ids:
        versions = [e.payload.version for e in decoded if e.payload.need_id == need_id]
        assert versions == list(range(1, 11))  # in order per need


async def test_a_rolled_back_change_publishes_nothing(dsn: str, unique: str) -> None:
    schema = f"t_{unique}"
    conn = await connect(dsn)
    try:
        await install(conn, schema=schema)
        tx = conn.transaction()
        await tx.start()
        await enqueue(conn, schema=schema, topic="x", key=b"k", value=b"v")
        await tx.rollback()
        assert await pending_count(conn, schema=schema) == 0
    finally:
        await conn.execute(f"drop schema {schema} cascade")
        await conn.close()


async def test_events_enqueued_together_go_out_in_order_woken_by_their_commit_not_the_poll(
    dsn: str, kafka_bootstrap: str, unique: str
) -> None:
    schema, topic = f"t_{unique}", f"test.outbox.{unique}"
    await ensure_topics(kafka_bootstrap, [Topic(topic, partitions=1)])
    conn = await connect(dsn)
    # A poll far longer than the reads below wait: only the NOTIFY of each commit can wake it.
    relay = OutboxRelay(dsn, schema=schema, bootstrap=kafka_bootstrap, poll_seconds=60)
    stop = asyncio.Event()
    try:
        await install(conn, schema=schema)
        task = asyncio.create_task(relay.run(stop))
        need_id = uuid.uuid4()
        for first in (1, 21):  # a second round, after the relay went back to waiting
            async with conn.transaction():
                await enqueue_events(
                    conn,
                    schema=schema,
                    events=[_closed(need_id, v) for v in range(first, first + 20)],
                )
                await conn.execute(f"update {schema}.outbox set topic = $1", topic)
            await asyncio.wait_for(_published(conn, schema), timeout=15)
        records = await _read_all(kafka_bootstrap, topic, expected=40)
    finally:
        stop.set()
        await conn.execute(f"drop schema {schema} cascade")
        await conn.close()
    await task
    versions = [decode_event(v).payload.version for _, v in records if v is not None]
    assert versions == list(range(1, 41))


async def _published(conn: asyncpg.Connection, schema: str) -> None:
    for _ in range(1000):  # the caller's timeout ends it
        if not await pending_count(conn, schema=schema):
            return
        await asyncio.sleep(0.1)


@asynccontextmanager
async def _relaying(
    dsn: str, kafka_bootstrap: str, unique: str, *, keep_seconds: float
) -> AsyncIterator[tuple[asyncpg.Connection, OutboxRelay, str, str, Callable[[], None]]]:
    """An outbox schema of its own and its topic; `start()` runs the relay until the end."""
    schema, topic = f"t_{unique}", f"test.outbox.{unique}"
    await ensure_topics(kafka_bootstrap, [Topic(topic, partitions=1)])
    conn = await connect(dsn)
    relay = OutboxRelay(
        dsn, schema=schema, bootstrap=kafka_bootstrap, poll_seconds=0.2, keep_seconds=keep_seconds
    )
    stop, tasks = asyncio.Event(), []

    def start() -> None:
        tasks.append(asyncio.create_task(relay.run(stop)))

    try:
        await install(conn, schema=schema)
        yield conn, relay, schema, topic, start
    finally:
        stop.set()
        await conn.execute(f"drop schema {schema} cascade")
        await conn.close()
    await asyncio.gather(*tasks)


async def _three_published_kept(
    conn: asyncpg.Connection, schema: str, topic: str, *, at_most: float
) -> float:
    """Three events enqueued and relayed: seconds their rows stayed after publication (at most
    `at_most`, or the test fails)."""
    async with conn.transaction():
        await enqueue_events(conn, schema=schema, events=[_closed(uuid.uuid4(), 1)] * 3)
        await conn.execute(f"update {schema}.outbox set topic = $1", topic)
    await asyncio.wait_for(_published(conn, schema), timeout=15)
    loop = asyncio.get_running_loop()
    published = loop.time()
    rows = f"select count(*) from {schema}.outbox"
    assert await conn.fetchval(rows) == 3  # published, kept until the bound
    while await conn.fetchval(rows):
        assert loop.time() - published < at_most, "never deleted"
        await asyncio.sleep(0.1)
    return loop.time() - published


async def test_a_published_row_is_deleted_once_kept_its_stated_time(
    dsn: str, kafka_bootstrap: str, unique: str
) -> None:
    async with _relaying(dsn, kafka_bootstrap, unique, keep_seconds=2) as (
        conn, relay, schema, topic, start,
    ):  # fmt: skip
        start()
        assert await _three_published_kept(conn, schema, topic, at_most=10) > 1.5
        assert relay.published == 3


async def test_a_relay_deletes_what_is_due_on_time_without_reading_the_whole_table(
    dsn: str, kafka_bootstrap: str, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows published before the relay led are read once when it takes the lead and deleted
    when due, none earlier; each batch it publishes goes by a range of ids; no scan of the
    table at any point (one every SCAN_EVERY_SECONDS, 10 min, for out-of-order commits)."""
    from shared.outbox import relay as relay_module

    scans: list[float] = []
    scan = relay_module.purge_published

    async def counted(*args: object, **kw: object) -> int:
        scans.append(asyncio.get_running_loop().time())
        return await scan(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(relay_module, "purge_published", counted)
    async with _relaying(dsn, kafka_bootstrap, unique, keep_seconds=3) as (
        conn, _relay, schema, topic, start,
    ):  # fmt: skip
        # Published by an earlier relay: an hour ago (due), and just now (due in 3 s).
        for key in (b"old", b"recent"):
            await enqueue(conn, schema=schema, topic=topic, key=key, value=b"x")
        await conn.execute(
            f"update {schema}.outbox set published_at = now()"
            " - case when key = 'old' then interval '1 h' else interval '0' end"
        )
        keys = f"select key from {schema}.outbox order by id"
        start()
        loop = asyncio.get_running_loop()
        started = loop.time()
        while await conn.fetchval(f"select count(*) from {schema}.outbox where key = 'old'"):
            assert loop.time() - started < 7, "the earlier relay's due row was never deleted"
            await asyncio.sleep(0.1)
        if loop.time() - started < 2:  # control: the one not due yet is still there
            assert [r["key"] for r in await conn.fetch(keys)] == [b"recent"]
        while await conn.fetchval(f"select count(*) from {schema}.outbox"):
            assert loop.time() - started < 3 + relay_module.PURGE_EVERY_SECONDS + 2, "kept"
            await asyncio.sleep(0.1)
        assert loop.time() - started > 2.5  # not before its time
        assert await _three_published_kept(conn, schema, topic, at_most=10) > 2.5
        assert scans == []  # every row deleted by its ids
