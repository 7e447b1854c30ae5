"""The service's applications: the FastAPI API (with its lifespan) and the AsyncAPI document."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import operator
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import FastAPI
from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from pydantic import Field

from shared.body_limit import BodySizeLimit
from shared.contracts import FederationUserUpserted, NeedClosed, NeedPosted, NeedUpdated
from shared.heap import freeze_startup_heap
from shared.http import health_router, install_unavailable_handler, kafka_reachable
from shared.kafka.broker import make_broker
from shared.logs import configure_logging
from shared.metrics import instrument_app
from shared.ops_access import install_ops_routes
from shared.outbox import OutboxRelay
from shared.referential.snapshot import Snapshot
from shared.supervisor import Supervisor
from shared.topics import FEDERATION_USERS, NEEDS
from shared.web.pages import install_pages

from ..bootstrap import Container, bootstrap
from ..handlers import Intake
from ..settings import SCHEMA, IntakeSettings, load_settings
from .http_edges import CorrelationAndAccessLog, body_limit_of, install_error_handlers
from .pages_admin import router as admin_pages
from .pages_api import router as portal_api_router
from .pages_import import router as portal_import_router
from .pages_needs import router as portal_needs_router
from .pages_reach import router as reach_pages
from .reach_subscriber import register_reach
from .routes import router
from .routes_identity import router as identity_router
from .subscribers import register
from .web import install_page_errors

DESCRIPTION = """Employer federations post their hiring needs here, one by one or as a file.

Authenticate with the `X-API-Key` header. A need without `rome_code` gets one suggested from its
title and description; sentences that may select on a ground the Code du travail forbids are
flagged (`compliance_flags`); the same SIRET + ROME + commune within 30 days is a probable
duplicate. Every change is published on Kafka (`spie.needs.v1`) through a transactional outbox.
The trade the matcher reads in the need's whole text is shown as `matcher_reading` once it has
read the need (`rome_code` stays as given or suggested).
"""


async def consume_readings(
    settings: IntakeSettings, container: Container, stop: asyncio.Event
) -> None:
    """The subscriber of the matcher's readings until `stop`, on a broker of its own: a fresh
    one at each restart, so that the API starts and answers while Kafka is away."""
    broker = make_broker(
        settings.kafka_bootstrap, client_id="employer_intake", security=settings.kafka_security()
    )
    register(broker, lambda: container.intake, group=settings.consumer_group)
    register_reach(broker, lambda: container.intake, group=settings.consumer_group)
    try:
        await broker.start()
        logging.getLogger("faststream.access.kafka").setLevel(logging.WARNING)
        await stop.wait()
    finally:
        await broker.stop()


def create_app(
    settings: IntakeSettings | None = None,
    *,
    snapshot: Snapshot | None = None,
    relay: bool = True,
    consume: bool = True,
) -> FastAPI:
    """The API; the lifespan builds the adapters, so creating the app connects to nothing.
    `relay` / `consume`: run the outbox relay / the subscriber of the matcher's readings."""
    settings = settings or load_settings()
    # The outbox relay and the subscriber: restarted if they fail, and /readyz says so meanwhile.
    workers = Supervisor("employer_intake")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        container = await bootstrap(settings, snapshot=snapshot)
        freeze_startup_heap()  # what lives as long as the service: out of GC passes
        app.state.container = container
        stop = asyncio.Event()
        if relay:
            outbox = OutboxRelay.for_service(settings, schema=SCHEMA)
            workers.start("outbox-relay", lambda: outbox.run(stop))
        if consume:
            workers.start("need-trades", lambda: consume_readings(settings, container, stop))
        try:
            yield
        finally:
            stop.set()
            await workers.stop(grace=30)
            await container.pool.close()

    app = FastAPI(
        title="SPIE Haute-Garonne — employer intake",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
    )

    async def postgres() -> None:
        await app.state.container.pool.fetchval("select 1")

    async def kafka() -> None:
        await kafka_reachable(settings.kafka_bootstrap)

    app.include_router(
        health_router({"postgres": postgres, "kafka": kafka, "workers": workers.check})
    )
    app.state.workers = workers
    app.include_router(router)
    app.include_router(identity_router)
    app.include_router(portal_needs_router)
    app.include_router(portal_import_router)
    app.include_router(portal_api_router)
    app.include_router(admin_pages)  # the federation's users and API keys
    app.include_router(reach_pages)
    install_error_handlers(app)
    install_pages(app)  # the portal's pages: the shared look, sign-in through the front door
    install_page_errors(app)
    install_unavailable_handler(app)
    limits = body_limit_of(json_limit=settings.max_json_bytes, bulk_limit=settings.max_bulk_bytes)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_json_bytes, limit_for=limits)
    app.add_middleware(CorrelationAndAccessLog)
    instrument_app(app, service="employer_intake")
    install_ops_routes(app, settings.keyring())
    return app


def create_app_from_env() -> FastAPI:
    settings = load_settings()
    configure_logging("employer_intake", settings.log_level)
    return create_app(settings)


def create_asyncapi_app() -> FastStream:
    """What the service publishes and consumes, for `deploy/asyncapi/generate.sh` (connects
    to nothing)."""
    broker = KafkaBroker("127.0.0.1:9092")
    register(broker, _not_started)
    register_reach(broker, _not_started)
    events = (NeedPosted, NeedUpdated, NeedClosed)
    union = functools.reduce(operator.or_, events)
    broker.publisher(
        NEEDS.name,
        title=NEEDS.name,
        description="NeedPosted, NeedUpdated, NeedClosed, keyed by need_id, relayed in order"
        " per need from the intake's transactional outbox (idempotent producer, acks=all).",
        schema=Annotated[union, Field(discriminator="event_type")],
    )
    broker.publisher(
        FEDERATION_USERS.name,
        title=FEDERATION_USERS.name,
        description="FederationUserUpserted, keyed by user_id, from the same outbox: the"
        " federations' portal users, for the notifier's sign-in.",
        schema=FederationUserUpserted,
    )
    return FastStream(
        broker,
        specification=AsyncAPI(
            broker,
            title="employer_intake",
            version="1",
            description="Hiring needs posted, updated and closed by the employer federations;"
            " the matcher's reading of each need's trade, kept to be shown with the need.",
        ),
    )


def _not_started() -> Intake:
    raise RuntimeError("the AsyncAPI document's app handles no message")
