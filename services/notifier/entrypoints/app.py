"""The notifier's process: FastAPI (inbox, health) and FastStream subscribers in one lifespan,
with the outbox relay and the delivery workers as background tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from shared.body_limit import BodySizeLimit
from shared.contracts import AlertSent, MatchFeedbackGiven
from shared.contracts.actions import ActionProposalFeedbackGiven
from shared.heap import freeze_startup_heap
from shared.http import health_router, install_unavailable_handler, kafka_reachable
from shared.kafka.broker import make_broker
from shared.logs import configure_logging
from shared.metrics import instrument_app
from shared.ops_access import install_ops_routes
from shared.outbox import OutboxRelay
from shared.supervisor import Supervisor
from shared.topics import ACTION_FEEDBACK, ALERTS, FEEDBACK
from shared.web.pages import install_pages

from ..action_delivery import deliver_next_actions
from ..bootstrap import Notifier, bootstrap
from ..delivery import deliver_next
from ..handlers import SCHEMA
from ..settings import NotifierSettings, load_settings
from ..webhook_delivery import deliver_next_webhook
from . import web
from .subscribers import register
from .workers import delivery_worker, listen_for_deliveries


def _broker(settings: NotifierSettings) -> tuple[KafkaBroker, dict[str, Notifier]]:
    broker = make_broker(
        settings.kafka_bootstrap, client_id="notifier", security=settings.kafka_security()
    )
    holder: dict[str, Notifier] = {}
    register(broker, lambda: holder["notifier"], group=settings.consumer_group)
    return broker, holder


def create_app(settings: NotifierSettings | None = None, **fakes: Any) -> FastAPI:
    """The ASGI app; `fakes` go to bootstrap (email=, webhook=, clock=, pool=) in tests."""
    settings = settings or load_settings()
    broker, holder = _broker(settings)
    # A delivery worker that fails is restarted, and /readyz says so meanwhile.
    workers = Supervisor("notifier")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        notifier = await bootstrap(settings, **fakes)
        freeze_startup_heap()  # what lives as long as the service: out of GC passes
        holder["notifier"] = app.state.notifier = notifier
        stop = asyncio.Event()
        relay = OutboxRelay.for_service(settings, schema=SCHEMA)
        wake = asyncio.Event()
        workers.start("outbox-relay", lambda: relay.run(stop))
        workers.start("listen", lambda: listen_for_deliveries(settings.dsn, wake, stop))
        n = notifier

        async def email_step() -> bool:
            return await deliver_next(n.pool, n.channels)

        async def webhook_step() -> bool:
            return await deliver_next_webhook(n.pool, n.channels, n.webhook_rules)

        async def actions_step() -> bool:
            return await deliver_next_actions(n.pool, n.channels)

        for name, step, count in (
            ("delivery", email_step, settings.delivery_workers),
            ("actions-mail", actions_step, 1),
            ("webhook", webhook_step, settings.webhook_workers),
        ):
            for i in range(count):
                workers.start(
                    f"{name}-{i}",
                    lambda step=step: delivery_worker(  # type: ignore[misc]
                        step, stop, poll_seconds=settings.delivery_poll_seconds, wake=wake
                    ),
                )
        try:
            await broker.start()
            # FastStream's access logger (set up at start) prints two plain-text lines per
            # message; its warnings are enough next to the service's own JSON logs.
            logging.getLogger("faststream.access.kafka").setLevel(logging.WARNING)
            yield
        finally:
            stop.set()
            await broker.stop()
            await workers.stop()
            await notifier.close()

    app = FastAPI(title="SPIE notifier", lifespan=lifespan)
    app.state.broker = broker
    app.state.workers = workers

    async def postgres() -> None:
        await app.state.notifier.pool.fetchval("select 1")

    async def kafka() -> None:
        await kafka_reachable(settings.kafka_bootstrap)

    app.include_router(
        health_router({"postgres": postgres, "kafka": kafka, "workers": workers.check})
    )
    app.include_router(web.router)
    install_unavailable_handler(app)
    install_pages(app)  # the shared look under /commun, served to the front door
    instrument_app(app, service="notifier")
    install_ops_routes(app, settings.keyring())
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


def create_asyncapi_app() -> FastStream:
    """What the notifier consumes and publishes, for `faststream docs gen --factory`."""
    settings = NotifierSettings()
    broker, _ = _broker(settings)
    broker.publisher(
        ALERTS.name,
        title="notifier:alerts",
        schema=AlertSent,
        description="One per alert and channel, through the outbox.",
    )
    broker.publisher(
        FEEDBACK.name,
        title="notifier:feedback",
        schema=MatchFeedbackGiven,
        description="A référent's decision on a match, through the outbox.",
    )
    broker.publisher(
        ACTION_FEEDBACK.name,
        title="notifier:action-feedback",
        schema=ActionProposalFeedbackGiven,
        description="A référent's follow-up of an action proposed, through the outbox.",
    )
    return FastStream(broker, specification=AsyncAPI(broker, title="SPIE notifier", version="1"))


def configure(settings: NotifierSettings) -> None:
    configure_logging("notifier", settings.log_level)


def paris(value: datetime) -> str:
    from ..domain.schedule import PARIS

    return value.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")


web.templates.env.filters["paris"] = paris
