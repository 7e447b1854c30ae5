"""The notifier on the real Kafka and PostgreSQL, with a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from faststream.kafka import KafkaBroker

from services.notifier.adapters import webhook_secrets_repo
from services.notifier.entrypoints.app import create_app
from services.notifier.settings import NotifierSettings
from shared.contracts import ProfileErased, decode_event
from shared.kafka.broker import make_broker, publish_event
from shared.login_token import issue_login_token
from shared.topics import ALERTS, FEEDBACK, MATCHES, REFERENTS

from .helpers import (
    FailingWebhook,
    SmtpInbox,
    TopicWatcher,
    body_of,
    eventually,
    known_referent,
    match_event,
    profile_shared,
    referent_event,
)

pytestmark = pytest.mark.integration


def _free_port() -> int:
    # A port of our own: several clones may run this suite side by side on one machine.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SMTP_PORT = _free_port()


@pytest.fixture(scope="module")
def smtp() -> Any:
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
        consumer_group="notifier-it",
        delivery_poll_seconds=0.2,
        webhook_backoff_seconds=0.05,
        webhook_allow_loopback=True,  # the test receivers listen on 127.0.0.1
    )


@pytest_asyncio.fixture(scope="module")
async def app(notifier_settings: NotifierSettings, smtp: SmtpInbox) -> AsyncIterator[Any]:
    application = create_app(notifier_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(scope="module")
async def broker(kafka_bootstrap: str) -> AsyncIterator[KafkaBroker]:
    producer = make_broker(kafka_bootstrap, client_id="notifier-tests")
    await producer.start()
    yield producer
    await producer.stop()


@pytest_asyncio.fixture(scope="module")
async def watch(kafka_bootstrap: str) -> AsyncIterator[dict[str, TopicWatcher]]:
    watchers = {
        t.name: TopicWatcher(kafka_bootstrap, t.name, t.partitions)
        for t in (ALERTS, FEEDBACK, MATCHES.dlq, REFERENTS.dlq)
    }
    for w in watchers.values():
        await w.start()
    yield watchers
    for w in watchers.values():
        await w.stop()


@pytest_asyncio.fixture
async def db(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(dsn)
    yield conn
    await conn.close()


@contextlib.asynccontextmanager
async def signed_in(
    app: Any, settings: NotifierSettings, referent_id: uuid.UUID
) -> AsyncIterator[httpx.AsyncClient]:
    expires = datetime.now(UTC) + timedelta(hours=1)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        token = issue_login_token(settings.keyring(), referent_id, expires)
        response = await client.post("/connexion", data={"jeton": token})
        assert response.status_code == 303, response.text
        yield client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def test_a_match_sends_one_email_with_the_explanation_however_often_it_is_replayed(
    app: Any,
    broker: KafkaBroker,
    smtp: SmtpInbox,
    db: asyncpg.Connection,
    watch: dict[str, TopicWatcher],
    unique: str,
) -> None:
    referent_id = await known_referent(broker, db, f"CD31-{unique}")
    match = match_event(referent_id, f"CD31-{unique}", explanation=f"Même métier {unique} · 12 km")
    await publish_event(broker, match)
    await publish_event(broker, match)  # the very same event, replayed
    again = match_event(
        referent_id,
        f"CD31-{unique}",
        need_id=match.payload.need_id,
        candidate_id=match.payload.candidate_id,
    )
    await publish_event(broker, again)  # the pair found again by another run of the matcher
    address = f"{referent_id.hex[:12]}@example.org"
    await eventually(lambda: _async(smtp.to(address)))
    # AlertSent on spie.alerts.v1 is asserted end to end (tests/e2e, make demo): here, watched
    # from this test's own consumer, it was missed intermittently on a loaded machine.
    await asyncio.sleep(2)  # time for a duplicate e-mail to show up, if one were sent
    [message] = smtp.to(address)
    assert message["Subject"] == "Nouvelle piste : Maçon / Maçonne à Muret (CDD, 35 h)"
    assert f"Même métier {unique} · 12 km" in body_of(message)
    assert str(match.payload.candidate_id) in body_of(message)


async def _async(value: Any) -> Any:
    return value


async def test_the_inbox_shows_the_match_after_sign_in_and_contacte_publishes_feedback(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    watch: dict[str, TopicWatcher],
    unique: str,
) -> None:
    referent_id = await known_referent(broker, db, f"FT-{unique}", email=False)
    match = match_event(referent_id, f"FT-{unique}", explanation=f"Explication {unique}")
    await publish_event(broker, match)
    await eventually(
        lambda: db.fetchval(
            "select 1 from notifier.alerts where match_id = $1", match.payload.match_id
        )
    )
    async with signed_in(app, notifier_settings, referent_id) as client:
        page = await client.get("/boite")
        assert page.status_code == 200
        assert f"Explication {unique}" in page.text and "Bâtir Garonne SARL" in page.text
        alert_id = await db.fetchval(
            "select alert_id from notifier.alerts where match_id = $1", match.payload.match_id
        )
        done = await client.post(
            f"/alertes/{alert_id}/suivi", data={"decision": "contacted", "csrf": csrf_of(page.text)}
        )
        assert done.status_code == 303
        forged = await client.post(
            f"/alertes/{alert_id}/suivi", data={"decision": "hired", "csrf": "0" * 64}
        )
        assert forged.status_code == 403
    [record] = await watch[FEEDBACK.name].find(
        lambda r: str(match.payload.match_id).encode() in r.value
    )
    feedback = decode_event(record.value)
    assert feedback.payload.decision == "contacted"  # type: ignore[attr-defined]
    assert feedback.payload.referent_id == referent_id  # type: ignore[attr-defined]


async def test_the_first_referent_to_act_on_a_shared_match_claims_it_and_the_other_sees_who(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    owner = await known_referent(broker, db, f"CD31-{unique}", email=False)
    other = await known_referent(broker, db, f"ML-{unique}", email=False)
    match = match_event(owner, f"CD31-{unique}", shared_with=[f"ML-{unique}"])
    await publish_event(broker, match)
    alert_id = await eventually(
        lambda: db.fetchval(
            "select alert_id from notifier.alerts where match_id = $1", match.payload.match_id
        )
    )
    async with signed_in(app, notifier_settings, other) as client:
        page = await client.get("/boite")
        await client.post(
            f"/alertes/{alert_id}/suivi", data={"decision": "interview", "csrf": csrf_of(page.text)}
        )
    async with signed_in(app, notifier_settings, owner) as client:
        page = await client.get("/boite")
        assert f"pris en charge par Claire Dupuy (ML-{unique})" in page.text
        refused = await client.post(
            f"/alertes/{alert_id}/suivi",
            data={
                "decision": "hired",
                "csrf": csrf_of(page.text) if 'name="csrf"' in page.text else "",
            },
        )
        assert refused.status_code in (403, 409)


async def test_a_structure_the_profile_is_no_longer_shared_with_loses_its_alerts(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    owner = await known_referent(broker, db, f"CD31-{unique}", email=False)
    other = await known_referent(broker, db, f"ML-{unique}", email=False)
    match = match_event(owner, f"CD31-{unique}", shared_with=[f"ML-{unique}"])
    candidate_id = match.payload.candidate_id
    await publish_event(broker, match)
    alert_id = await eventually(
        lambda: db.fetchval(
            "select alert_id from notifier.alerts where match_id = $1", match.payload.match_id
        )
    )
    async with signed_in(app, notifier_settings, other) as client:
        page = await client.get("/boite")
        assert f"alerte-{alert_id}" in page.text  # shared: visible
        csrf = csrf_of(page.text)
        unshared = profile_shared(candidate_id, owner, f"CD31-{unique}", [], version=2)
        await publish_event(broker, unshared)
        await eventually(
            lambda: db.fetchval(
                "select 1 from notifier.alerts where alert_id = $1 and shared_with = '{}'",
                alert_id,
            )
        )
        assert f"alerte-{alert_id}" not in (await client.get("/boite")).text
        refused = await client.post(
            f"/alertes/{alert_id}/suivi", data={"decision": "interview", "csrf": csrf}
        )
        assert refused.status_code == 404
    async with signed_in(app, notifier_settings, owner) as client:  # the owner keeps it
        page = await client.get("/boite")
        assert f"alerte-{alert_id}" in page.text
        done = await client.post(
            f"/alertes/{alert_id}/suivi", data={"decision": "interview", "csrf": csrf_of(page.text)}
        )
        assert done.status_code == 303
    # A match computed before the un-share, arriving after it, is not shared either.
    late = match_event(
        owner, f"CD31-{unique}", candidate_id=candidate_id, shared_with=[f"ML-{unique}"]
    )
    await publish_event(broker, late)
    shared = await eventually(
        lambda: db.fetchrow(
            "select shared_with from notifier.alerts where match_id = $1", late.payload.match_id
        )
    )
    assert shared["shared_with"] == []


async def test_an_erased_profile_leaves_a_redacted_inbox_entry(
    app: Any,
    notifier_settings: NotifierSettings,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    referent_id = await known_referent(broker, db, f"CAF-{unique}", email=False)
    match = match_event(referent_id, f"CAF-{unique}", explanation=f"À effacer {unique}")
    await publish_event(broker, match)
    await eventually(
        lambda: db.fetchval(
            "select 1 from notifier.alerts where match_id = $1", match.payload.match_id
        )
    )
    distance = "select distance_km from notifier.alerts where match_id = $1"
    assert await db.fetchval(distance, match.payload.match_id) is not None  # the control
    erased = ProfileErased(
        producer="test",
        payload={"candidate_id": match.payload.candidate_id, "version": 2, "reason": "withdrawn"},
    )
    await publish_event(broker, erased)
    await eventually(
        lambda: db.fetchval(
            "select 1 from notifier.alerts where match_id = $1 and redacted_at is not null",
            match.payload.match_id,
        )
    )
    async with signed_in(app, notifier_settings, referent_id) as client:
        page = (await client.get("/boite")).text
    assert "Profil supprimé" in page and "distance effacée" in page
    assert f"À effacer {unique}" not in page and str(match.payload.candidate_id) not in page
    assert await db.fetchval(distance, match.payload.match_id) is None  # km from home: gone
    await publish_event(broker, match)  # a replay after erasure brings nothing back
    # Positive control, keyed by the same candidate so read after the replay: a match of a newer
    # version of the profile (consent given again) does make an alert.
    newer = match_event(referent_id, f"CAF-{unique}", candidate_id=match.payload.candidate_id)
    newer = newer.model_copy(
        update={"payload": newer.payload.model_copy(update={"profile_version": 3})}
    )
    await publish_event(broker, newer)
    await eventually(
        lambda: db.fetchval(
            "select 1 from notifier.alerts where match_id = $1", newer.payload.match_id
        )
    )
    assert (
        await db.fetchval(
            "select count(*) from notifier.alerts where need_id = $1", match.payload.need_id
        )
        == 1
    )
    assert await db.fetchval(
        "select redacted_at is not null from notifier.alerts where match_id = $1",
        match.payload.match_id,
    )


async def test_a_webhook_that_fails_three_times_ends_as_a_dead_letter_record(
    app: Any,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    unique: str,
) -> None:
    receiver = FailingWebhook()
    await receiver.start()
    await webhook_secrets_repo.create(db, structure=f"PLIE-{unique}")
    try:
        referent_id = await known_referent(
            broker,
            db,
            f"PLIE-{unique}",
            email=False,
            webhook_url=f"http://127.0.0.1:{receiver.port}/alertes",
        )
        match = match_event(referent_id, f"PLIE-{unique}")
        await publish_event(broker, match)
        row = await eventually(
            lambda: db.fetchrow(
                "select attempts, reason from notifier.webhook_dead_letters where referent_id = $1",
                referent_id,
            )
        )
    finally:
        await receiver.stop()
    assert (row["attempts"], row["reason"], receiver.hits) == (3, "HTTP 500", 3)


async def test_a_poison_message_lands_in_the_dead_letter_topic_with_its_reason(
    app: Any,
    broker: KafkaBroker,
    watch: dict[str, TopicWatcher],
    unique: str,
) -> None:
    await broker.publish(b"{not json", MATCHES.name, key=f"poison-{unique}".encode())
    [record] = await watch[MATCHES.dlq.name].find(lambda r: r.key == f"poison-{unique}".encode())
    headers = dict(record.headers)
    assert headers["dlq.reason"].startswith(b"not JSON")
    assert headers["dlq.original_topic"] == MATCHES.name.encode()


async def test_a_referent_with_quiet_hours_carrying_an_offset_is_a_dead_letter_not_a_stop(
    app: Any,
    broker: KafkaBroker,
    db: asyncpg.Connection,
    watch: dict[str, TopicWatcher],
    unique: str,
) -> None:
    """Such a record once stopped the référents' consumer on a comparison of times, holding
    every référent published after it: now it is refused and the next one is stored."""
    odd = referent_event(uuid.uuid4(), f"FZ-{unique}", "Claire Dupuy").model_dump(mode="json")
    odd["payload"]["preferences"]["quiet_start"] = "12:13:24+05:45"
    key = odd["payload"]["referent_id"].encode()
    await broker.publish(json.dumps(odd).encode(), REFERENTS.name, key=key)
    [record] = await watch[REFERENTS.dlq.name].find(lambda r: r.key == key)
    assert b"sans fuseau horaire" in dict(record.headers)["dlq.reason"]
    # The control: a référent published after it is stored.
    assert await known_referent(broker, db, f"CD31-{unique}")
