"""The real app (lifespan, relay, retention job) over ASGI, on the real PostgreSQL and Kafka."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.candidate_profile.bootstrap import Services
from services.candidate_profile.entrypoints.app import create_app
from services.candidate_profile.handlers import referents
from services.candidate_profile.settings import ProfileSettings
from shared.web import sessions
from shared.web.door import IDENTITY_HEADER, door_assertion
from tests.integration.candidate_profile.helpers import CandidatesTopic

pytestmark = pytest.mark.integration

Headers = dict[str, str]


@pytest.fixture(scope="session")
def profile_settings() -> ProfileSettings:
    # A fast retention job, and published outbox rows deleted at once, so tests see erasure soon.
    return ProfileSettings(
        retention_every_seconds=0.5, outbox_keep_seconds=0, relay_poll_seconds=0.2
    )


@pytest.fixture(scope="session")
async def app(profile_settings: ProfileSettings) -> AsyncIterator[FastAPI]:
    app = create_app(profile_settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
def services(app: FastAPI) -> Services:
    services: Services = app.state.services
    return services


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://profiles") as client:
        yield client


@pytest.fixture
def login(services: Services) -> Callable[[str], Coroutine[Any, Any, Headers]]:
    """A new référent of `structure`, as the Authorization header of their fresh token."""

    async def make(structure: str) -> Headers:
        async with services.transaction() as conn:
            _, token = await referents.create(
                conn,
                structure=structure,
                name="Claire Test",
                email=f"claire.{uuid.uuid4().hex[:12]}@example.org",
                days=1,
                ctx=services.ctx,
            )
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
async def candidates(kafka_bootstrap: str) -> AsyncIterator[CandidatesTopic]:
    watch = CandidatesTopic(kafka_bootstrap)
    await watch.start()
    try:
        yield watch
    finally:
        await watch.consumer.stop()


class WebSession:
    """A référent signed in as the front door vouches for them: the session cookie and the
    door's X-Spie-Identity header on every request (no nginx needed), and the forms' token."""

    def __init__(self, services: Services, referent_id: uuid.UUID, structure: str) -> None:
        keyring = services.ctx.keyring
        self.referent_id = referent_id
        self.structure = structure
        session_id = uuid.uuid4()
        self.cookies = {sessions.COOKIE: sessions.cookie_value(keyring, session_id)}
        self.headers = {
            IDENTITY_HEADER: door_assertion(keyring, referent_id=referent_id, structure=structure)
        }
        self.csrf = sessions.csrf_token(keyring, session_id)


@pytest.fixture
def web_login(services: Services) -> Callable[[str], Coroutine[Any, Any, WebSession]]:
    """A new référent of `structure`, signed in to the workspace's pages."""

    async def make(structure: str) -> WebSession:
        async with services.transaction() as conn:
            referent, _ = await referents.create(
                conn,
                structure=structure,
                name="Claire Test",
                email=f"claire.{uuid.uuid4().hex[:12]}@example.org",
                days=1,
                ctx=services.ctx,
            )
        return WebSession(services, referent.referent_id, structure)

    return make
