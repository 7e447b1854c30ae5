"""The HTTP app (FastAPI) and the AsyncAPI description of what the service publishes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from services.candidate_profile.bootstrap import Services, bootstrap
from services.candidate_profile.entrypoints import (
    pages_consent,
    pages_diagnostic,
    pages_metiers,
    pages_passeport,
    pages_passeport_lien,
    pages_passeport_liens,
    pages_people,
    routes_consent,
    routes_profiles,
    routes_referents,
)
from services.candidate_profile.entrypoints.errors import install_error_handlers
from services.candidate_profile.entrypoints.subscribers import consume_registrations
from services.candidate_profile.entrypoints.tasks import retention_loop
from services.candidate_profile.entrypoints.web import install_page_errors
from services.candidate_profile.settings import SCHEMA, ProfileSettings, load_settings
from shared import topics
from shared.body_limit import BodySizeLimit
from shared.contracts import ProfileErased, ProfileUpserted, ReferentUpserted
from shared.correlation import CorrelationIdMiddleware
from shared.heap import freeze_startup_heap
from shared.http import health_router, install_unavailable_handler, kafka_reachable
from shared.metrics import instrument_app
from shared.ops_access import install_ops_routes
from shared.outbox import OutboxRelay
from shared.supervisor import Supervisor
from shared.web.pages import install_pages


def create_app(settings: ProfileSettings | None = None) -> FastAPI:
    settings = settings or load_settings()
    # The relay and the retention job: restarted if they fail, and /readyz says so meanwhile.
    workers = Supervisor("candidate_profile")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await bootstrap(settings)
        freeze_startup_heap()  # what lives as long as the service: out of GC passes
        app.state.services = services
        stop = asyncio.Event()
        relay = OutboxRelay.for_service(
            settings, schema=SCHEMA, poll_seconds=settings.relay_poll_seconds
        )
        app.state.relay = relay
        workers.start("outbox-relay", lambda: relay.run(stop))
        workers.start("retention", lambda: retention_loop(services, stop))
        workers.start("registrations", lambda: consume_registrations(settings, services, stop))
        try:
            yield
        finally:
            stop.set()
            await workers.stop()
            await services.pool.close()

    app = FastAPI(
        title="SPIE Haute-Garonne: candidate profiles",
        version="1",
        description="Référents keep consented candidate profiles; only what matching needs "
        "leaves, and only while consent for matching holds.",
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
    app.include_router(routes_profiles.router)
    app.include_router(routes_consent.router)
    app.include_router(routes_referents.router)
    app.include_router(pages_people.router)
    app.include_router(pages_consent.router)
    app.include_router(pages_diagnostic.router)
    app.include_router(pages_metiers.router)
    app.include_router(pages_passeport.router)
    app.include_router(pages_passeport_liens.router)
    app.include_router(pages_passeport_lien.router)
    install_error_handlers(app)
    install_pages(app)  # the workspace's pages: the shared look, sign-in through the front door
    install_page_errors(app)
    install_unavailable_handler(app)
    instrument_app(app, service="candidate_profile")
    install_ops_routes(app, settings.keyring())
    app.add_middleware(CorrelationIdMiddleware)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


def create_asyncapi_app() -> FastStream:
    """What the service publishes (through its outbox), for `faststream docs gen --factory`."""
    broker = KafkaBroker("127.0.0.1:9092")
    broker.publisher(
        topics.CANDIDATES.name,
        title=f"{topics.CANDIDATES.name}:ProfileUpserted",
        description="A consented profile, minimised for matching (no name, contact or notes). "
        "Key: candidate_id. Compacted.",
        schema=ProfileUpserted,
    )
    broker.publisher(
        topics.CANDIDATES.name,
        title=f"{topics.CANDIDATES.name}:ProfileErased",
        description="Consent withdrawn or expired, profile deleted or inactive: erase it. "
        "Followed by a tombstone (null value, same key).",
        schema=ProfileErased,
    )
    broker.publisher(
        topics.REFERENTS.name,
        title=topics.REFERENTS.name,
        description="A référent created or changed: name, e-mail, alert preferences. "
        "Key: referent_id. Compacted.",
        schema=ReferentUpserted,
    )
    return FastStream(
        broker,
        specification=AsyncAPI(
            broker,
            title="candidate_profile",
            version="1",
            description="Events published by the candidate profile service.",
        ),
    )
