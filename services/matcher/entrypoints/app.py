"""The matcher process: FastAPI on http_port and the FastStream subscribers, one lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from faststream import FastStream
from faststream.specification import AsyncAPI

from services.matcher.bootstrap import bootstrap
from services.matcher.domain import ports
from services.matcher.entrypoints.http import matches_router, readiness
from services.matcher.entrypoints.maintenance import keep_optimised
from services.matcher.entrypoints.reach_job import keep_reach_published
from services.matcher.entrypoints.subscribers import Runtime, document_publishers, register
from services.matcher.settings import MatcherSettings, load_settings
from shared.heap import freeze_startup_heap
from shared.http import health_router, install_unavailable_handler
from shared.kafka.broker import make_broker
from shared.metrics import INDEX_POINTS, instrument_app, watch_consumer_lag
from shared.ops_access import install_ops_routes
from shared.supervisor import Supervisor
from shared.topics import ACTION_FEEDBACK, ACTIONS, CANDIDATES, FEEDBACK, NEEDS

log = logging.getLogger("spie.matcher")


def create_app(settings: MatcherSettings | None = None, **fakes: Any) -> FastAPI:
    """`fakes` go to bootstrap (pool, index, embedder, snapshot) for tests."""
    settings = settings or load_settings()
    broker = make_broker(
        settings.kafka_bootstrap, client_id="matcher", security=settings.kafka_security()
    )
    runtime = Runtime(broker)
    register(broker, runtime, group_id=settings.consumer_group, offset_reset=settings.offset_reset)
    # The relay, the lag watcher and the index upkeep: restarted if they fail, and /readyz
    # says so meanwhile.
    workers = Supervisor("matcher")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        container = await bootstrap(settings, **fakes)
        freeze_startup_heap()  # what lives as long as the service: out of GC passes
        runtime.deps = container.deps
        stop = asyncio.Event()
        workers.start("outbox-relay", lambda: container.relay.run(stop))
        topics = [NEEDS.name, CANDIDATES.name, FEEDBACK.name, ACTIONS.name, ACTION_FEEDBACK.name]
        workers.start(
            "consumer-lag",
            lambda: watch_consumer_lag(
                settings.kafka_bootstrap,
                settings.consumer_group,
                topics,
                stop,
                security=settings.kafka_security(),
            ),
        )
        workers.start(
            "index-optimiser",
            lambda: keep_optimised(
                container.index,
                settings.optimize_every_s,
                stop,
                activity=runtime.activity,
                quiet_s=settings.optimize_quiet_s,
                max_backlog=settings.optimize_max_backlog,
                merge_hour=settings.index_merge_hour,
            ),
        )
        workers.start("need-reach", lambda: keep_reach_published(container.deps, stop))
        await broker.start()
        app.state.container = container
        try:
            yield
        finally:
            await broker.stop()
            stop.set()
            await workers.stop()
            await container.close()

    app = FastAPI(title="SPIE matcher", version="1", lifespan=lifespan)
    checks = readiness(runtime, settings.kafka_bootstrap)
    app.include_router(health_router({**checks, "workers": workers.check}))
    app.state.workers = workers
    app.include_router(matches_router(runtime, settings.keyring()))
    install_unavailable_handler(app)
    instrument_app(app, service="matcher")

    async def index_size() -> None:
        # The index size is read when Prometheus scrapes, not on every message.
        if runtime.deps is None:
            return
        for name in (ports.PROFILES, ports.NEEDS):
            try:
                INDEX_POINTS.labels(name).set(await runtime.deps.pipeline.index.count(name))
            except Exception as exc:  # a metric must never fail the scrape
                log.warning("index size unavailable: %s", type(exc).__name__)

    install_ops_routes(app, settings.keyring(), on_scrape=index_size)
    return app


def create_asyncapi_app() -> FastStream:
    """The AsyncAPI document of what the matcher consumes and publishes (no connection made)."""
    broker = make_broker("127.0.0.1:9092", client_id="matcher")
    register(broker, Runtime(broker))
    document_publishers(broker)
    spec = AsyncAPI(
        broker,
        title="SPIE matcher",
        version="1",
        description="Consumes needs, profiles and feedback; publishes explained MatchFound.",
    )
    return FastStream(broker, specification=spec)
