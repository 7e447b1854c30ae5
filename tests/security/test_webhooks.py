"""Webhook SSRF, tried as an attacker would: internal targets set as a référent's webhook URL
through the API (refused when saved), and set past that check (a ReferentUpserted event, the
notifier's own table), refused again when sending, before any connection.

No packet leaves 127.0.0.0/8: every target is an address literal or `localhost` (resolved from
/etc/hosts), and refusal happens before a connection is opened. The send-time positive control
posts to a receiver of this test on 127.0.0.1, through the loopback allowance for tests.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
import pytest_asyncio

from services.notifier.adapters import webhook_secrets_repo
from services.notifier.adapters.webhook import WebhookSender
from services.notifier.delivery import Channels
from services.notifier.domain.signature import verify
from services.notifier.handlers import handle_matches_found, handle_referent_upserted
from services.notifier.webhook_delivery import WebhookRules, deliver_next_webhook
from shared.contracts import ReferentUpserted
from shared.db.pool import create_pool
from shared.kafka.broker import make_broker, publish_event
from tests.events import match_event
from tests.security.conftest import AttackLedger, cli

pytestmark = pytest.mark.security

SAVE_TARGETS = [
    "http://127.0.0.1/hook",
    "http://127.0.0.2/hook",
    "http://[::1]/hook",
    "http://10.1.2.3/hook",
    "http://172.16.5.4/hook",
    "http://192.168.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:8080/hook",  # a name resolving to loopback
    "http://2130706433/hook",  # 127.0.0.1 written as one decimal number
    "http://0x7f.0.0.1/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "http://[::ffff:a9fe:a9fe]/latest/meta-data/",  # IPv4-mapped 169.254.169.254
    "http://0.0.0.0/hook",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
]
SEND_TARGETS = [
    "http://10.1.2.3/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[fd00::1]/hook",
]
PUBLIC = "https://93.184.215.14/hook"  # accepted when saved, never sent to


def _dsn() -> str:
    return os.environ.get("SPIE_DATABASE_URL", "postgresql://postgres@127.0.0.1:55432/spie")


def _token(structure: str) -> str:
    unique = uuid.uuid4().hex[:8]
    out, _ = cli(
        "services.candidate_profile",
        "create-referent",
        "--structure",
        structure,
        "--email",
        f"ssrf.{unique}@example.org",
        "--name",
        "Test SSRF",
    )
    return out.strip().splitlines()[-1]


async def test_internal_webhook_urls_are_refused_when_saved_and_a_public_one_is_accepted(
    service_urls: dict[str, str], attacks: AttackLedger
) -> None:
    auth = {"Authorization": f"Bearer {_token(f'SSRF{uuid.uuid4().hex[:6]}')}"}
    url = f"{service_urls['candidate_profile']}/referents/me/preferences"
    async with httpx.AsyncClient(timeout=15) as client:
        for target in SAVE_TARGETS:
            answer = await client.put(
                url, json={"email": False, "webhook_url": target}, headers=auth
            )
            detail = answer.json().get("detail") if answer.status_code == 422 else None
            refused = (
                isinstance(detail, list)
                and detail[0]["loc"] == ["body", "webhook_url"]
                and detail[0]["msg"].startswith("Adresse de webhook refusée")
            )
            attacks.record("webhook SSRF at save", target, got_through=not refused,
                           detail=f"{answer.status_code} {answer.text[:120]}")  # fmt: skip
        accepted = await client.put(url, json={"email": False, "webhook_url": PUBLIC}, headers=auth)
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["preferences"]["webhook_url"] == PUBLIC
        # Taken back at once: this référent's structure has no webhook secret either, so the
        # notifier would suppress a webhook to it before connecting anywhere.
        cleared = await client.put(url, json={"email": False, "webhook_url": None}, headers=auth)
        assert cleared.status_code == 200
    assert not [t for k, t, _ in attacks.through if k == "webhook SSRF at save"]


@pytest_asyncio.fixture
async def db() -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(_dsn())
    yield conn
    await conn.close()


async def _delivery_of(db: asyncpg.Connection, referent_id: uuid.UUID) -> asyncpg.Record:
    """The settled webhook delivery of the référent's alert (waits for the notifier)."""
    for _ in range(300):  # 60 s: the whole suite runs on the same two cores
        row = await db.fetchrow(
            """select status, last_error from notifier.deliveries
               where referent_id = $1 and channel = 'webhook' and status <> 'pending'""",
            referent_id,
        )
        if row is not None:
            return row
        await asyncio.sleep(0.2)
    raise AssertionError("the webhook delivery was not settled in time")


async def test_an_internal_url_sent_past_the_save_check_in_an_event_is_refused_at_send(
    service_urls: dict[str, str], attacks: AttackLedger, db: asyncpg.Connection
) -> None:
    structure = f"SSRFEV{uuid.uuid4().hex[:6]}"
    cli("services.notifier", "webhook-secret", "create", "--structure", structure)
    bootstrap = os.environ.get("SPIE_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    broker = make_broker(bootstrap, client_id="security-webhooks")
    await broker.start()
    try:
        referents = {}
        for target in SEND_TARGETS:
            referent_id = uuid.uuid4()
            referents[target] = referent_id
            upserted = ReferentUpserted(
                producer="attacker",
                payload={
                    "referent_id": referent_id,
                    "structure": structure,
                    "name": "Test SSRF",
                    "email": f"{referent_id.hex[:12]}@example.org",
                    "preferences": {"email": False, "webhook_url": target},
                },
            )
            await publish_event(broker, upserted)
            await publish_event(broker, match_event(referent_id, structure))
        for target, referent_id in referents.items():
            row = await _delivery_of(db, referent_id)
            refused = row["status"] == "failed" and row["last_error"].startswith(
                "destination refusée"
            )
            attacks.record("webhook SSRF at send (event)", target, got_through=not refused,
                           detail=f"{row['status']} {row['last_error']}")  # fmt: skip
    finally:
        await broker.stop()
    assert not [t for k, t, _ in attacks.through if k == "webhook SSRF at send (event)"]


class Receiver:
    """A webhook receiver on 127.0.0.1 keeping the requests it gets."""

    def __init__(self) -> None:
        self.requests: list[tuple[bytes, bytes]] = []
        self.port = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        self.requests.append((head, await reader.readexactly(length)))
        writer.write(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


class NoEmail:
    async def send(self, **_: object) -> None:
        raise AssertionError("no e-mail here")

    async def close(self) -> None:
        pass


class Recording(httpx.AsyncBaseTransport):
    """Every request the sender hands to the network is noted here first."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return await self.real.handle_async_request(request)


async def test_an_internal_url_written_in_the_notifiers_table_is_refused_without_a_connection(
    service_urls: dict[str, str], attacks: AttackLedger, db: asyncpg.Connection
) -> None:
    # Everything here is due in ten years: the running notifier leaves it to this test's sender.
    later = datetime.now(UTC) + timedelta(days=3650)
    structure = f"SSRFDB{uuid.uuid4().hex[:6]}"
    receiver, recording = Receiver(), Recording()
    await receiver.start()
    pool = await create_pool(_dsn(), max_size=2)
    await webhook_secrets_repo.create(db, structure=structure)
    secret = await webhook_secrets_repo.in_force(db, structure=structure)
    assert secret is not None
    control_url = f"http://127.0.0.1:{receiver.port}/hook"
    targets = [*SEND_TARGETS, control_url]
    referents: dict[str, uuid.UUID] = {}
    try:
        for target in targets:
            referent_id = uuid.uuid4()
            referents[target] = referent_id
            event = ReferentUpserted(
                producer="test",
                payload={
                    "referent_id": referent_id,
                    "structure": structure,
                    "name": "Test SSRF",
                    "email": f"{referent_id.hex[:12]}@example.org",
                    "preferences": {"email": False},
                },
            )
            await handle_referent_upserted(event, pool=pool, clock=lambda: later)
            await db.execute(  # past every check made when saving
                """update notifier.referents set preferences = preferences
                       || jsonb_build_object('webhook_url', $2::text) where referent_id = $1""",
                referent_id,
                target,
            )
            match = match_event(referent_id, structure)
            await handle_matches_found([match], pool=pool, hash_key=b"k", clock=lambda: later)
        # The loopback allowance is on for the control only: every target tried is elsewhere.
        sender = WebhookSender(require_https=False, allow_loopback=True, transport=recording)
        channels = Channels(
            email=NoEmail(), webhook=sender, public_url="http://x", clock=lambda: later
        )
        while await deliver_next_webhook(pool, channels, WebhookRules()):
            pass
        # Any request the sender made (other tests' loopback receivers included) was to loopback.
        stray = [u for u in recording.urls if not u.startswith("http://127.0.0.1:")]
        for target in SEND_TARGETS:
            row = await _delivery_of(db, referents[target])
            refused = row["status"] == "failed" and row["last_error"].startswith(
                "destination refusée"
            )
            attacks.record("webhook SSRF at send (table)", target,
                           got_through=bool(stray) or not refused,
                           detail=f"{row['status']} {row['last_error']} {stray}")  # fmt: skip
        control = await _delivery_of(db, referents[control_url])
    finally:
        await receiver.stop()
        await pool.close()
    assert control["status"] == "sent"
    assert control_url in recording.urls and stray == []
    [(head, body)] = receiver.requests
    assert f"x-spie-key-id: {secret.key_id}".encode() in head.lower()
    signature = next(
        line.split(b":", 1)[1].strip().decode()
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"x-spie-signature")
    )
    assert verify(secret.key, body, signature)
    assert not [t for k, t, _ in attacks.through if k == "webhook SSRF at send (table)"]
