"""The HTTP app (FastAPI) and the AsyncAPI description of what the service publishes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from services.actions.bootstrap import Services, bootstrap
from services.actions.entrypoints import (
    pages_action,
    pages_action_edit,
    pages_attendance,
    pages_catalogue,
    pages_coordination,
    pages_import,
    pages_registrations,
    pages_suggestions,
    routes_catalogue,
    routes_registrations,
    subscribers,
)
from services.actions.entrypoints.web import install_page_errors
from services.actions.settings import SCHEMA, ActionsSettings, load_settings
from shared import topics
from shared.body_limit import BodySizeLimit
from shared.contracts.actions import ActionPublished, RegistrationChanged
from shared.correlation import CorrelationIdMiddleware
from shared.heap import freeze_startup_heap
from shared.http import health_router, install_unavailable_handler, kafka_reachable
from shared.kafka.broker import make_broker
from shared.metrics import instrument_app
from shared.ops_access import install_ops_routes
from shared.outbox import OutboxRelay
from shared.referential.snapshot import Snapshot
from shared.supervisor import Supervisor
from shared.web.pages import install_pages

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """The banque d'actions commune: the partners' trainings, company visits,
immersions, workshops, webinars, job datings and "découverte des métiers" sessions, in one
catalogue any référent can search; registrations of the people they accompany, with a waiting
list and never more than the capacity. Every change is published on Kafka through a
transactional outbox (`spie.actions.v1`, `spie.registrations.v1`).
"""


async def consume(settings: ActionsSettings, services: Services, stop: asyncio.Event) -> None:
    """The subscribers until `stop`, on a broker of their own: a fresh one at each restart, so
    that the pages answer while Kafka is away."""
    broker = make_broker(
        settings.kafka_bootstrap, client_id="actions", security=settings.kafka_security()
    )
    subscribers.register(broker, lambda: services, group=settings.consumer_group)
    try:
        await broker.start()
        logging.getLogger("faststream.access.kafka").setLevel(logging.WARNING)
        await stop.wait()
    finally:
        await broker.stop()


def create_app(
    settings: ActionsSettings | None = None,
    *,
    referential: Snapshot | None = None,
    clock: Callable[[], datetime] | None = None,
    relay: bool = True,
    consume_events: bool = True,
) -> FastAPI:
    """The service; the lifespan builds the adapters, so creating the app connects to nothing.
    `relay` / `consume_events`: run the outbox relay / the subscribers (tests may not)."""
    settings = settings or load_settings()
    # The relay and the subscribers: restarted if they fail, and /readyz says so meanwhile.
    workers = Supervisor("actions")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await bootstrap(settings, referential=referential, clock=clock)
        freeze_startup_heap()  # what lives as long as the service: out of GC passes
        app.state.services = services
        stop = asyncio.Event()
        if relay:
            outbox = OutboxRelay.for_service(
                settings, schema=SCHEMA, poll_seconds=settings.relay_poll_seconds
            )
            app.state.relay = outbox
            workers.start("outbox-relay", lambda: outbox.run(stop))
        if consume_events:
            workers.start("subscribers", lambda: consume(settings, services, stop))
        try:
            yield
        finally:
            stop.set()
            await workers.stop(grace=30)
            await services.pool.close()

    app = FastAPI(
        title="SPIE Haute-Garonne: banque d'actions commune",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
    )

    async def database() -> None:
        services: Services = app.state.services
        async with services.pool.acquire() as conn:
            await conn.fetchval("select 1")

    async def kafka() -> None:
        await kafka_reachable(settings.kafka_bootstrap)

    app.include_router(
        health_router({"postgres": database, "kafka": kafka, "workers": workers.check})
    )
    app.state.workers = workers
    # Before any `/actions/{id}` route, which would take "coordination" for an id.
    app.include_router(pages_coordination.router)
    app.include_router(routes_catalogue.router)
    app.include_router(pages_suggestions.router)
    app.include_router(pages_import.router)
    app.include_router(pages_catalogue.router)
    app.include_router(pages_action_edit.router)
    install_pages(app)  # the shared look, sign-in through the front door
    app.mount("/actions/static", StaticFiles(directory=STATIC), name="actions-static")
    app.include_router(routes_registrations.router)
    app.include_router(pages_registrations.router)  # /actions/inscriptions before /actions/{id}
    app.include_router(pages_action.router)
    app.include_router(pages_attendance.router)
    install_page_errors(app)
    install_unavailable_handler(app)
    instrument_app(app, service="actions")
    install_ops_routes(app, settings.keyring())
    app.add_middleware(CorrelationIdMiddleware)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


def create_asyncapi_app() -> FastStream:
    """What the service publishes (through its outbox), for `faststream docs gen --factory`."""
    broker = KafkaBroker("127.0.0.1:9092")
    broker.publisher(
        topics.ACTIONS.name,
        title=topics.ACTIONS.name,
        description="An action of the catalogue as it now stands (sessions, places left); "
        "names no one. Key: action_id. Compacted.",
        schema=ActionPublished,
    )
    broker.publisher(
        topics.REGISTRATIONS.name,
        title=topics.REGISTRATIONS.name,
        description="A person's registration to a session: made, waiting, promoted from the "
        "waiting list, cancelled, attended. Key: candidate_id.",
        schema=RegistrationChanged,
    )
    return FastStream(
        broker,
        specification=AsyncAPI(
            broker,
            title="actions",
            version="1",
            description="Events published by the actions service.",
        ),
    )
