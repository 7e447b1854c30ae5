"""Publishes the outbox to Kafka, in order, surviving Kafka and PostgreSQL outages."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from shared.aio import sleep_or_stop
from shared.db.pool import connect
from shared.kafka.security import PLAINTEXT, KafkaSecurity
from shared.metrics import PRODUCED
from shared.outbox.store import (
    _schema,
    channel,
    published_ages,
    purge_published,
    purge_published_upto,
)
from shared.settings import BaseServiceSettings
from shared.transient import is_transient

log = logging.getLogger("spie.outbox")
PURGE_EVERY_SECONDS = 5.0  # a published row outlives keep_seconds by this much at most
SCAN_EVERY_SECONDS = 600.0  # a whole-table purge, for a row committed after a higher id's


class OutboxRelay:
    def __init__(
        self,
        dsn: str,
        *,
        schema: str,
        bootstrap: str,
        security: KafkaSecurity = PLAINTEXT,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 10.0,
        keep_seconds: float = 600.0,
    ) -> None:
        self.dsn = dsn
        self.schema = _schema(schema)
        self.bootstrap = bootstrap
        self.security = security
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.max_backoff = max_backoff_seconds
        # A published row still carries its event (a candidate's data, often): it is deleted
        # `keep_seconds` after Kafka acknowledged it, the bound the README states for outboxes.
        self.keep_seconds = keep_seconds
        self._purged_at = -math.inf
        # (when, the highest id) of each batch this relay marked published: what is due is
        # deleted by a range of the primary key, not by reading the whole table. Rows
        # published before this relay led (another replica, an earlier run) are read once
        # when it takes the lead, as (when, highest id) per second of publication; the whole
        # table is scanned every SCAN_EVERY_SECONDS only (a row whose transaction committed
        # after a higher id's).
        self._batches: deque[tuple[float, int]] = deque()
        self._scanned_at = -math.inf
        self.published = 0
        self._wake = asyncio.Event()
        self._producer: AIOKafkaProducer | None = None

    @classmethod
    def for_service(
        cls, settings: BaseServiceSettings, *, schema: str, poll_seconds: float = 1.0
    ) -> OutboxRelay:
        """The relay of a service's outbox, with its Kafka, security and keep time."""
        return cls(
            settings.dsn,
            schema=schema,
            bootstrap=settings.kafka_bootstrap,
            security=settings.kafka_security(),
            keep_seconds=settings.outbox_keep_seconds,
            poll_seconds=poll_seconds,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until `stop` is set; an outage of Kafka or PostgreSQL is waited out with
        backoff. Any other failure escapes, to the supervisor (`shared/supervisor.py`) that
        restarts the relay and reports it on /readyz: the outbox must never stop being
        published silently while the service still answers 201."""
        backoff = 0.5
        try:
            while not stop.is_set():
                try:
                    await self._run_leader(stop)
                    backoff = 0.5
                except Exception as exc:
                    await self._close_producer()
                    if not is_transient(exc):
                        raise
                    log.warning(
                        "outbox relay of %s paused: %s; retry in %.1fs",
                        self.schema,
                        type(exc).__name__,
                        backoff,
                    )
                    await sleep_or_stop(stop, backoff)
                    backoff = min(backoff * 2, self.max_backoff)
        finally:
            await self._close_producer()

    async def _run_leader(self, stop: asyncio.Event) -> None:
        conn = await connect(self.dsn)
        try:
            # One active relay per schema keeps the order per key across replicas.
            while not await conn.fetchval(
                "select pg_try_advisory_lock(hashtext($1))", f"outbox:{self.schema}"
            ):
                if await sleep_or_stop(stop, self.poll_seconds * 5):
                    return
            await conn.add_listener(channel(self.schema), self._on_notify)
            now = time.monotonic()
            ages = await published_ages(conn, schema=self.schema)
            self._batches = deque((now - age, upto) for age, upto in ages)
            self._scanned_at = now
            while not stop.is_set():
                # Cleared before reading, never after: a NOTIFY that arrives while a batch is
                # being relayed must wake the next round, not wait for the poll.
                self._wake.clear()
                sent = await self.relay_once(conn)
                await self._purge_due(conn)
                if sent < self.batch_size:
                    await self._wait_for_work(stop)
        finally:
            try:
                await asyncio.wait_for(conn.close(), 5)
            except Exception:  # the server already ended it (restart): drop it
                conn.terminate()

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def _wait_for_work(self, stop: asyncio.Event) -> None:
        waiters = {asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())}
        _, pending = await asyncio.wait(
            waiters, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED
        )
        for task in pending:
            task.cancel()

    async def relay_once(self, conn: asyncpg.Connection) -> int:
        """Publish one batch of pending rows, in id order; mark them once Kafka acknowledged."""
        async with conn.transaction():
            rows = await conn.fetch(
                f"select id, topic, key, value, headers from {self.schema}.outbox"  # noqa: S608
                " where published_at is null order by id limit $1 for update",
                self.batch_size,
            )
            if not rows:
                return 0
            producer = await self._ensure_producer()
            futures = [
                await producer.send(
                    r["topic"],
                    key=r["key"],
                    value=r["value"],
                    headers=[(k, str(v).encode()) for k, v in (r["headers"] or {}).items()],
                )
                for r in rows
            ]
            await asyncio.gather(*futures)
            await conn.execute(
                f"update {self.schema}.outbox set published_at = now()"  # noqa: S608
                " where id = any($1::bigint[])",
                [r["id"] for r in rows],
            )
        self._batches.append((time.monotonic(), max(r["id"] for r in rows)))
        self.published += len(rows)
        for r in rows:
            PRODUCED.labels(self.schema, r["topic"]).inc()
        return len(rows)

    async def _purge_due(self, conn: asyncpg.Connection) -> None:
        """Drop what is due, every 5 s at most (a tenth of `keep_seconds` if shorter)."""
        now = time.monotonic()
        if now - self._purged_at >= min(self.keep_seconds / 10, PURGE_EVERY_SECONDS):
            self._purged_at = now
            keep = self.keep_seconds
            if now - self._scanned_at >= SCAN_EVERY_SECONDS:
                self._scanned_at = now
                await purge_published(conn, schema=self.schema, keep_seconds=keep)
            upto = None
            while self._batches and self._batches[0][0] + keep <= now:
                upto = self._batches.popleft()[1]
            if upto is not None:
                await purge_published_upto(
                    conn, schema=self.schema, last_id=upto, keep_seconds=keep
                )

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap,
                enable_idempotence=True,
                acks="all",
                request_timeout_ms=15_000,
                linger_ms=2,
                **self.security.client_options(),
            )
            await producer.start()
            self._producer = producer
        return self._producer

    async def _close_producer(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            try:
                await producer.stop()
            except KafkaError:
                log.debug("producer stop failed while Kafka is away")
