"""The actions service's app over ASGI on the real PostgreSQL (no relay, no subscribers: tests
read the outbox), and référents signed in two ways: the JSON API's identity assertion
(`Authorization: Bearer`) and the front door's header for the pages."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from services.actions.adapters import referents_repo
from services.actions.adapters.referents_repo import Referent
from services.actions.bootstrap import Services
from services.actions.entrypoints.app import create_app
from services.actions.settings import ActionsSettings
from shared import identity
from shared.contracts.referents import ReferentPayload
from shared.web import sessions
from shared.web.door import IDENTITY_HEADER, door_assertion

pytestmark = pytest.mark.integration

Headers = dict[str, str]


@pytest.fixture(scope="session")
async def app() -> AsyncIterator[FastAPI]:
    app = create_app(ActionsSettings(), relay=False, consume_events=False)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="session")
def services(app: FastAPI) -> Services:
    services: Services = app.state.services
    return services


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://actions") as client:
        yield client


@dataclass(frozen=True)
class SignedIn:
    """A référent of the replica, with what the API and the pages take to know them."""

    referent: Referent
    api: Headers  # Authorization: Bearer <identity assertion>
    page_headers: Headers  # the front door's X-Spie-Identity
    cookies: dict[str, str]  # the session cookie, which binds the forms' CSRF token
    csrf: str

    @property
    def structure(self) -> str:
        return self.referent.structure


MakeReferent = Callable[[str], Awaitable[SignedIn]]


@pytest.fixture
def make_referent(services: Services) -> MakeReferent:
    """A new active référent of `structure`, as the référents replica knows them."""

    async def make(structure: str) -> SignedIn:
        referent_id = uuid.uuid4()
        payload = ReferentPayload(
            referent_id=referent_id,
            structure=structure,
            name="Claire Test",
            email=f"claire.{referent_id.hex[:12]}@example.org",
        )
        async with services.transaction() as conn:
            await referents_repo.upsert_many(conn, [payload])
        keyring = services.keyring
        token = identity.issue(keyring, role="referent", subject=str(referent_id), scope=structure)
        session_id = uuid.uuid4()
        return SignedIn(
            referent=Referent(referent_id, structure, "Claire Test", True),
            api={"Authorization": f"Bearer {token}"},
            page_headers={
                IDENTITY_HEADER: door_assertion(
                    keyring, referent_id=referent_id, structure=structure
                )
            },
            cookies={sessions.COOKIE: sessions.cookie_value(keyring, session_id)},
            csrf=sessions.csrf_token(keyring, session_id),
        )

    return make
