"""One sign-in for everyone, on the real PostgreSQL and Kafka: a federation user published by
the intake (FederationUserUpserted) asks for a link like a référent, signs in with it, and the
front door's question is answered with a `federation` assertion for the portal; the inbox is
not theirs, and their deactivation ends their session at once."""

from __future__ import annotations

import asyncio
import re
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from faststream.kafka import KafkaBroker

from services.notifier.entrypoints.app import create_app
from services.notifier.settings import NotifierSettings
from shared import identity
from shared.contracts import FederationUserUpserted
from shared.kafka.broker import make_broker, publish_event
from shared.login_token import issue_login_token
from shared.web.door import IDENTITY_HEADER

from .helpers import SmtpInbox, body_of, eventually
from .test_notifier import signed_in  # the link is the user's: the same sign-in

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SMTP_PORT = _free_port()


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture(scope="module")
def notifier_settings(kafka_bootstrap: str, dsn: str) -> NotifierSettings:
    return NotifierSettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=dsn,
        smtp_port=SMTP_PORT,
        smtp_tls="none",  # the test server offers no TLS
        public_url="http://test",
        consumer_group="notifier-federation-it",
        delivery_poll_seconds=0.2,
    )


@pytest_asyncio.fixture(scope="module")
async def app(notifier_settings: NotifierSettings, smtp: SmtpInbox) -> AsyncIterator[Any]:
    application = create_app(notifier_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(scope="module")
async def broker(kafka_bootstrap: str) -> AsyncIterator[KafkaBroker]:
    producer = make_broker(kafka_bootstrap, client_id="notifier-federation-tests")
    await producer.start()
    yield producer
    await producer.stop()


@pytest_asyncio.fixture
async def db(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn)
    yield conn
    await conn.close()


def browser(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def user_event(
    user_id: uuid.UUID, federation: str, *, active: bool = True
) -> FederationUserUpserted:
    payload = {
        "user_id": user_id,
        "federation": federation,
        "name": "Julie Martin",
        "email": f"julie.{user_id.hex[:10]}@federation.example.org",
        "role": "admin",
        "active": active,
    }
    return FederationUserUpserted(producer="test", payload=payload)


async def known_user(broker: KafkaBroker, db: asyncpg.Connection, federation: str) -> uuid.UUID:
    """A federation user published by the intake, once the notifier has stored it."""
    user_id = uuid.uuid4()
    await publish_event(broker, user_event(user_id, federation))
    await eventually(
        lambda: db.fetchval("select 1 from notifier.federation_users where user_id = $1", user_id)
    )
    return user_id


def email_of(user_id: uuid.UUID) -> str:
    return f"julie.{user_id.hex[:10]}@federation.example.org"


def notice_of(page: str) -> str:
    found = re.search(r'class="notice" role="status">([^<]+)<', page)
    assert found, "no notice on the page"
    return found.group(1)


async def test_a_federation_user_gets_a_link_and_signs_in_to_the_portal(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    smtp: SmtpInbox,
    unique: str,
) -> None:
    federation = f"FED{unique}"
    user_id = await known_user(broker, db, federation)
    stranger = f"inconnu.{unique}@federation.example.org"
    async with browser(app) as client:
        known = await client.post("/connexion/lien", data={"email": email_of(user_id).upper()})
        unknown = await client.post("/connexion/lien", data={"email": stranger})
    assert known.status_code == unknown.status_code == 200
    assert notice_of(known.text) == notice_of(unknown.text)
    [mail] = await eventually(lambda: _async(smtp.to(email_of(user_id)) or None))
    assert smtp.to(stranger) == []
    assert "portail des fédérations" in body_of(mail)
    link = re.search(r"http://test/connexion\?jeton=(\S+)", body_of(mail))
    assert link, "no sign-in link in the e-mail"
    async with browser(app) as client:
        signed = await client.post("/connexion", data={"jeton": link.group(1)})
        # Without a way back, a federation user lands on their portal, not on the inbox.
        assert signed.status_code == 303 and signed.headers["location"] == "/federation"
        answer = await client.get("/session/porte")
        who = identity.verify(
            notifier_settings.keyring(), answer.headers[IDENTITY_HEADER], roles={"federation"}
        )
        assert (who.subject, who.scope) == (str(user_id), federation)
        with pytest.raises(identity.WrongRole):  # never a référent's word
            identity.verify(
                notifier_settings.keyring(), answer.headers[IDENTITY_HEADER], roles={"referent"}
            )
        again = await client.post("/connexion", data={"jeton": link.group(1)})
        assert again.status_code == 401  # single use


async def test_the_links_of_federation_users_share_the_referents_rate_limit(
    app: Any, broker: KafkaBroker, db: asyncpg.Connection, unique: str
) -> None:
    user_id = await known_user(broker, db, f"FED{unique}")
    async with browser(app) as client:
        answers = [
            (await client.post("/connexion/lien", data={"email": email_of(user_id)})).status_code
            for _ in range(6)
        ]
    assert answers == [200] * 5 + [429], answers


async def test_the_inbox_sends_a_federation_user_back_to_the_portal(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    user_id = await known_user(broker, db, f"FED{unique}")
    async with signed_in(app, notifier_settings, user_id) as client:
        inbox = await client.get("/boite")
        act = await client.post(f"/alertes/{uuid.uuid4()}/suivi", data={"decision": "contacted"})
        counts = await client.get(f"/boite/api/nouvelles?ids={uuid.uuid4()}")
    assert inbox.status_code == act.status_code == 303
    assert inbox.headers["location"] == act.headers["location"] == "/federation"
    assert counts.status_code == 401
    # Control: without any session, the inbox asks to sign in.
    async with browser(app) as anonymous:
        assert (await anonymous.get("/boite")).headers["location"] == "/connexion"


async def test_deactivation_ends_a_federation_users_session_and_refuses_their_links(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    smtp: SmtpInbox,
    unique: str,
) -> None:
    federation = f"FED{unique}"
    user_id = await known_user(broker, db, federation)
    unused = issue_login_token(
        notifier_settings.keyring(), user_id, datetime.now(UTC) + timedelta(hours=1)
    )
    async with signed_in(app, notifier_settings, user_id) as client:
        before = await client.get("/session/porte")
        assert IDENTITY_HEADER in before.headers  # control: the session is open
        await publish_event(broker, user_event(user_id, federation, active=False))
        await eventually(
            lambda: db.fetchval(
                "select not active from notifier.federation_users where user_id = $1", user_id
            )
        )
        after = await client.get("/session/porte")
        assert after.status_code == 204 and IDENTITY_HEADER not in after.headers
        refused = await client.post("/connexion", data={"jeton": unused})
        assert refused.status_code == 401 and "désactivé" in refused.text
    async with browser(app) as client:
        asked = await client.post("/connexion/lien", data={"email": email_of(user_id)})
    assert asked.status_code == 200  # the same answer, and no link for a deactivated user
    await asyncio.sleep(1)  # the e-mail would leave just after the answer
    assert smtp.to(email_of(user_id)) == []
    ended = await db.fetchval(
        "select count(*) from notifier.sessions where federation_user_id = $1 and ended_at is null",
        user_id,
    )
    assert ended == 0


async def _async(value: Any) -> Any:
    return value
