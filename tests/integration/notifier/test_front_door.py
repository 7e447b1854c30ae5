"""The notifier's part of the front door, on the real PostgreSQL and Kafka: a sign-in link asked
for by e-mail (same answer for any address, rate-limited), the door's answer for a session, and
what the workspace's pages borrow from the inbox (a person's proposals, the open counts)."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
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
from shared.kafka.broker import make_broker, publish_event
from shared.web.door import IDENTITY_HEADER
from tests.events import match_event

from .helpers import SmtpInbox, body_of, eventually, known_referent
from .test_notifier import csrf_of, signed_in

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
        consumer_group="notifier-door-it",
        delivery_poll_seconds=0.2,
    )


@pytest_asyncio.fixture(scope="module")
async def app(notifier_settings: NotifierSettings, smtp: SmtpInbox) -> AsyncIterator[Any]:
    application = create_app(notifier_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(scope="module")
async def broker(kafka_bootstrap: str) -> AsyncIterator[KafkaBroker]:
    producer = make_broker(kafka_bootstrap, client_id="notifier-door-tests")
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


def notice_of(page: str) -> str:
    found = re.search(r'class="notice" role="status">([^<]+)<', page)
    assert found, "no notice on the page"
    return found.group(1)


def email_of(referent_id: uuid.UUID) -> str:
    return f"{referent_id.hex[:12]}@example.org"  # as helpers.referent_event publishes it


async def test_a_sign_in_link_reaches_a_referent_and_an_unknown_address_gets_the_same_answer(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    smtp: SmtpInbox,
    unique: str,
) -> None:
    referent_id = await known_referent(broker, db, f"DOOR-{unique}")
    stranger = f"personne.{unique}@example.org"
    async with browser(app) as client:
        known = await client.post(
            "/connexion/lien", data={"email": email_of(referent_id), "suite": "/espace"}
        )
        unknown = await client.post("/connexion/lien", data={"email": stranger})
    assert known.status_code == unknown.status_code == 200
    assert notice_of(known.text) == notice_of(unknown.text)
    # The référent's e-mail leaves after the answer; the stranger gets none.
    [mail] = await eventually(lambda: _async(smtp.to(email_of(referent_id)) or None))
    assert smtp.to(stranger) == []
    link = re.search(r"http://test/connexion\?jeton=(\S+)&suite=(\S+)", body_of(mail))
    assert link, "no sign-in link in the e-mail"
    async with browser(app) as client:
        form = await client.get(f"/connexion?jeton={link.group(1)}&suite={link.group(2)}")
        assert 'name="suite" value="/espace"' in form.text
        signed = await client.post(
            "/connexion", data={"jeton": link.group(1), "suite": link.group(2)}
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/espace"
        assert (await client.get("/boite")).status_code == 200
        # Single use: the same link again is refused.
        again = await client.post("/connexion", data={"jeton": link.group(1)})
        assert again.status_code == 401


async def test_sign_in_links_are_limited_per_address_known_or_not(
    app: Any, broker: KafkaBroker, db: asyncpg.Connection, unique: str
) -> None:
    referent_id = await known_referent(broker, db, f"DOOR-{unique}")
    async with browser(app) as client:
        for address in (email_of(referent_id), f"inconnu.{unique}@example.org"):
            answers = [
                (await client.post("/connexion/lien", data={"email": address})).status_code
                for _ in range(6)
            ]
            assert answers == [200] * 5 + [429], answers
        # Another address is still served (the limit is per address).
        other = await client.post("/connexion/lien", data={"email": f"autre.{unique}@example.org"})
        assert other.status_code == 200


async def test_a_malformed_address_is_named_on_the_page_and_nothing_is_sent(
    app: Any, smtp: SmtpInbox
) -> None:
    before = len(smtp.messages)
    async with browser(app) as client:
        page = await client.post("/connexion/lien", data={"email": "pas une adresse"})
    assert page.status_code == 422
    assert 'id="erreur-email"' in page.text and 'aria-invalid="true"' in page.text
    assert len(smtp.messages) == before


async def test_the_door_vouches_for_a_live_session_and_for_nobody_after_sign_out(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    structure = f"DOOR-{unique}"
    referent_id = await known_referent(broker, db, structure)
    async with browser(app) as anonymous:
        nobody = await anonymous.get("/session/porte")
    assert nobody.status_code == 204 and IDENTITY_HEADER not in nobody.headers
    async with signed_in(app, notifier_settings, referent_id) as client:
        answer = await client.get("/session/porte")
        assert answer.status_code == 204
        who = identity.verify(
            notifier_settings.keyring(), answer.headers[IDENTITY_HEADER], roles={"referent"}
        )
        assert (who.subject, who.scope) == (str(referent_id), structure)
        page = await client.get("/boite")
        await client.post("/deconnexion", data={"csrf": csrf_of(page.text)})
        after = await client.get("/session/porte")
    assert after.status_code == 204 and IDENTITY_HEADER not in after.headers


async def test_a_persons_proposals_and_open_counts_are_shown_to_their_structure_only(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    owner = await known_referent(broker, db, f"OWN-{unique}")
    colleague_elsewhere = await known_referent(broker, db, f"OTHER-{unique}")
    candidate_id = uuid.uuid4()
    match = match_event(
        owner, f"OWN-{unique}", candidate_id=candidate_id, explanation=f"Raison {unique}"
    )
    await publish_event(broker, match)
    await eventually(
        lambda: db.fetchval(
            "select 1 from notifier.alerts where match_id = $1", match.payload.match_id
        )
    )
    async with signed_in(app, notifier_settings, owner) as client:
        fragment = await client.get(f"/boite/personnes/{candidate_id}")
        counts = await client.get(f"/boite/api/nouvelles?ids={candidate_id},{uuid.uuid4()}")
        bad = await client.get("/boite/api/nouvelles?ids=pas-un-id")
    assert fragment.status_code == 200 and f"Raison {unique}" in fragment.text
    assert counts.json() == {str(candidate_id): 1}
    assert bad.status_code == 422
    async with signed_in(app, notifier_settings, colleague_elsewhere) as client:
        fragment = await client.get(f"/boite/personnes/{candidate_id}")
        counts = await client.get(f"/boite/api/nouvelles?ids={candidate_id}")
    assert fragment.status_code == 200 and f"Raison {unique}" not in fragment.text
    assert "Aucune piste" in fragment.text
    assert counts.json() == {}
    async with browser(app) as anonymous:
        assert (await anonymous.get(f"/boite/personnes/{candidate_id}")).status_code == 401


async def _async(value: Any) -> Any:
    return value
