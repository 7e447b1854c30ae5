"""Prometheus metrics every service exposes on `/metrics`, with the same names everywhere."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import FastAPI, Request, Response
from prometheus_client import Counter, Gauge, Histogram

from shared import tracing
from shared.heap import watch_gc_pauses
from shared.kafka.security import PLAINTEXT, KafkaSecurity

log = logging.getLogger("spie.metrics")

HTTP_SECONDS = Histogram(
    "spie_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"]
)
CONSUMED = Counter("spie_messages_consumed_total", "Messages consumed", ["service", "topic"])
PRODUCED = Counter("spie_messages_produced_total", "Messages produced", ["service", "topic"])
HANDLER_SECONDS = Histogram(
    "spie_handler_seconds",
    "Event handler latency",
    ["service", "handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DEAD_LETTERS = Counter("spie_dead_letters_total", "Messages sent to a .dlq", ["service", "topic"])
CONSUMER_LAG = Gauge("spie_consumer_lag", "Messages not yet consumed", ["group", "topic"])
INDEX_POINTS = Gauge("spie_index_points", "Points in the vector index", ["collection"])
INDEX_UPKEEP = Gauge(
    "spie_index_upkeep_running", "1 while the embedded index builds its graph (matcher paused)"
)
TEXTS_READ = Counter(
    "spie_texts_read_total",
    "Texts the matcher's encoder was asked for: encoded, or their vector kept from before",
    ["kind", "outcome"],
)
ALERTS_SENT = Counter("spie_alerts_sent_total", "Alerts delivered", ["channel", "status"])


def instrument_app(app: FastAPI, *, service: str) -> None:
    """HTTP latency per route template (never per raw path: ids would explode the series);
    spans too when tracing is configured (shared/tracing.py); garbage collector pauses.
    `/metrics` itself is served to ops only, by shared/ops_access.install_ops_routes."""
    tracing.instrument_fastapi(app, service)
    watch_gc_pauses()

    @app.middleware("http")
    async def _timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        HTTP_SECONDS.labels(service, request.method, path, str(response.status_code)).observe(
            time.perf_counter() - start
        )
        return response


async def consumer_lag(
    bootstrap: str, group: str, topics: list[str], *, security: KafkaSecurity = PLAINTEXT
) -> dict[str, int]:
    """Sum over partitions of (end offset - committed offset) for a consumer group."""
    options = security.client_options()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, **options)
    await admin.start()
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        described = await admin.describe_topics(topics)
        tps = [
            TopicPartition(d["topic"], p["partition"])
            for d in described
            if d.get("error_code", 0) == 0
            for p in d["partitions"]
        ]
        ends = await consumer.end_offsets(tps) if tps else {}
        lag: dict[str, int] = dict.fromkeys(topics, 0)
        for tp in tps:
            meta = committed.get(tp)
            done = meta.offset if meta is not None and meta.offset >= 0 else 0
            lag[tp.topic] += max(ends.get(tp, 0) - done, 0)
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def watch_consumer_lag(
    bootstrap: str,
    group: str,
    topics: list[str],
    stop: asyncio.Event,
    every: float = 15.0,
    *,
    security: KafkaSecurity = PLAINTEXT,
) -> None:
    while not stop.is_set():
        try:
            for topic, value in (
                await consumer_lag(bootstrap, group, topics, security=security)
            ).items():
                CONSUMER_LAG.labels(group, topic).set(value)
        except Exception as exc:  # a metrics probe must never take the service down
            log.warning("consumer lag probe failed: %s", type(exc).__name__)
        try:
            await asyncio.wait_for(stop.wait(), every)
        except TimeoutError:
            pass
