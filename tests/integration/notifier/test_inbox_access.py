"""Inbox access on the real PostgreSQL and Kafka: a sign-in link opens one session once, and
signing out, signing out everywhere or deactivation ends access at once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from faststream.kafka import KafkaBroker

from services.notifier.entrypoints.app import create_app
from services.notifier.settings import NotifierSettings
from shared.kafka.broker import make_broker, publish_event
from shared.login_token import issue_login_token
from shared.web.sessions import COOKIE

from .helpers import eventually, referent_event
from .test_notifier import csrf_of

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def access_settings(kafka_bootstrap: str, dsn: str) -> NotifierSettings:
    return NotifierSettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=dsn,
        public_url="http://test",
        consumer_group="notifier-access-it",
        delivery_poll_seconds=0.5,
    )


@pytest_asyncio.fixture(scope="module")
async def app(access_settings: NotifierSettings) -> AsyncIterator[Any]:
    application = create_app(access_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(scope="module")
async def broker(kafka_bootstrap: str) -> AsyncIterator[KafkaBroker]:
    producer = make_broker(kafka_bootstrap, client_id="notifier-access-tests")
    await producer.start()
    yield producer
    await producer.stop()


@pytest_asyncio.fixture
async def db(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn)
    yield conn
    await conn.close()


def browser(app: Any, cookie: str | None = None) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    if cookie:
        client.cookies.set(COOKIE, cookie)
    return client


def link(settings: NotifierSettings, referent_id: uuid.UUID) -> str:
    return issue_login_token(
        settings.keyring(), referent_id, datetime.now(UTC) + timedelta(hours=1)
    )


async def set_active(
    broker: KafkaBroker, db: asyncpg.Connection, referent_id: uuid.UUID, active: bool
) -> None:
    event = referent_event(referent_id, "CD31-ACCESS", "Claire Dupuy")
    payload = event.payload.model_copy(update={"active": active})
    event = event.model_copy(update={"payload": payload})
    await publish_event(broker, event)
    await eventually(
        lambda: db.fetchval(
            "select 1 from notifier.referents where referent_id = $1 and active = $2",
            referent_id,
            active,
        )
    )


async def sign_in(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/connexion", data={"jeton": token})


async def inbox_opens(client: httpx.AsyncClient) -> bool:
    response = await client.get("/boite")
    return response.status_code == 200


async def test_a_sign_in_link_opens_the_inbox_once_and_is_refused_when_used_again(
    app: Any, access_settings: NotifierSettings, broker: KafkaBroker, db: asyncpg.Connection
) -> None:
    referent_id = uuid.uuid4()
    await set_active(broker, db, referent_id, True)
    token = link(access_settings, referent_id)
    async with browser(app) as first, browser(app) as second:
        assert (await sign_in(first, token)).status_code == 303
        assert await inbox_opens(first)
        replay = await sign_in(second, token)
        assert replay.status_code == 401
        assert "lien déjà utilisé" in replay.text
        assert not await inbox_opens(second)


async def test_signing_out_ends_the_session_even_for_a_copy_of_the_cookie(
    app: Any, access_settings: NotifierSettings, broker: KafkaBroker, db: asyncpg.Connection
) -> None:
    referent_id = uuid.uuid4()
    await set_active(broker, db, referent_id, True)
    async with browser(app) as client:
        await sign_in(client, link(access_settings, referent_id))
        cookie = client.cookies[COOKIE]
        page = (await client.get("/boite")).text
        async with browser(app, cookie) as copy:
            assert await inbox_opens(copy)  # positive control: the copy works before
            out = await client.post("/deconnexion", data={"csrf": csrf_of(page)})
            assert out.status_code == 303
            assert not await inbox_opens(copy)


async def test_signing_out_everywhere_ends_every_session_and_refuses_unused_links(
    app: Any, access_settings: NotifierSettings, broker: KafkaBroker, db: asyncpg.Connection
) -> None:
    referent_id, other = uuid.uuid4(), uuid.uuid4()
    await set_active(broker, db, referent_id, True)
    await set_active(broker, db, other, True)
    unused = link(access_settings, referent_id)
    async with browser(app) as office, browser(app) as phone, browser(app) as colleague:
        await sign_in(office, link(access_settings, referent_id))
        await sign_in(phone, link(access_settings, referent_id))
        await sign_in(colleague, link(access_settings, other))
        page = (await office.get("/boite")).text
        out = await office.post("/deconnexion-partout", data={"csrf": csrf_of(page)})
        assert out.headers["location"] == "/connexion?partout=1"
        assert not await inbox_opens(phone)
        assert await inbox_opens(colleague)  # another référent's session is untouched
        refused = await sign_in(phone, unused)
        assert refused.status_code == 401 and "lien révoqué" in refused.text
        assert (await sign_in(phone, link(access_settings, referent_id))).status_code == 303


async def test_signing_out_everywhere_needs_the_page_csrf_token(
    app: Any, access_settings: NotifierSettings, broker: KafkaBroker, db: asyncpg.Connection
) -> None:
    referent_id = uuid.uuid4()
    await set_active(broker, db, referent_id, True)
    async with browser(app) as client:
        await sign_in(client, link(access_settings, referent_id))
        forged = await client.post("/deconnexion-partout", data={"csrf": "v2.csrf.1.x.y"})
        assert forged.status_code == 403
        assert await inbox_opens(client)


async def test_deactivation_ends_open_sessions_and_refuses_links_even_after_reactivation(
    app: Any, access_settings: NotifierSettings, broker: KafkaBroker, db: asyncpg.Connection
) -> None:
    referent_id = uuid.uuid4()
    await set_active(broker, db, referent_id, True)
    before = link(access_settings, referent_id)
    async with browser(app) as client, browser(app) as late:
        await sign_in(client, link(access_settings, referent_id))
        assert await inbox_opens(client)
        await set_active(broker, db, referent_id, False)
        assert not await inbox_opens(client)
        inactive = await sign_in(late, link(access_settings, referent_id))
        assert inactive.status_code == 401 and "accès désactivé" in inactive.text
        await set_active(broker, db, referent_id, True)
        refused = await sign_in(late, before)
        assert refused.status_code == 401 and "lien révoqué" in refused.text
        assert not await inbox_opens(client)  # the old session does not come back either
        assert (await sign_in(late, link(access_settings, referent_id))).status_code == 303
        assert await inbox_opens(late)


@pytest_asyncio.fixture(scope="module")
async def rotated_app(access_settings: NotifierSettings) -> AsyncIterator[Any]:
    """The same notifier after the login and session keys were rotated twice."""
    rotated = access_settings.model_copy(
        update={
            "consumer_group": "notifier-rotated-it",
            "key_generations": {"login": 3, "session": 3},
        }
    )
    application = create_app(rotated)
    async with application.router.lifespan_context(application):
        yield application


async def test_after_two_rotations_links_and_cookies_of_the_first_generation_are_refused(
    app: Any,
    rotated_app: Any,
    access_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
) -> None:
    referent_id = uuid.uuid4()
    await set_active(broker, db, referent_id, True)
    rotated = rotated_app.state.notifier.settings
    async with browser(app) as before, browser(rotated_app) as after:
        assert (await sign_in(before, link(access_settings, referent_id))).status_code == 303
        async with browser(rotated_app, before.cookies[COOKIE]) as old_cookie:
            assert not await inbox_opens(old_cookie)
        retired = await sign_in(after, link(access_settings, referent_id))
        assert retired.status_code == 401 and "clé inconnue ou retirée" in retired.text
        assert (await sign_in(after, link(rotated, referent_id))).status_code == 303
        assert await inbox_opens(after)
