"""A webhook receiver that hangs does not hold e-mail: the notifier on the real Kafka and
PostgreSQL, a mail sink and a hanging receiver, both on 127.0.0.1 (the loopback allowance on)."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from faststream.kafka import KafkaBroker

from services.notifier.adapters import webhook_secrets_repo
from services.notifier.entrypoints.app import create_app
from services.notifier.settings import NotifierSettings
from shared.kafka.broker import make_broker, publish_event

from .helpers import SmtpInbox, eventually, known_referent, match_event

pytestmark = pytest.mark.integration
HANG_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HangingWebhook:
    """Takes each request in, then answers nothing for HANG_SECONDS."""

    def __init__(self) -> None:
        self.held = 0
        self.answered = 0
        self.server: asyncio.Server | None = None
        self.port = 0
        self.writers: list[asyncio.StreamWriter] = []
        self.tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        task = asyncio.current_task()
        assert task is not None
        self.tasks.append(task)
        await reader.readuntil(b"\r\n\r\n")
        self.held += 1
        await asyncio.sleep(HANG_SECONDS)
        self.answered += 1
        writer.write(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for writer in self.writers:
            writer.close()
        if self.server is not None:
            self.server.close()


@pytest.fixture(scope="module")
def sink() -> Iterator[tuple[SmtpInbox, int]]:
    inbox, port = SmtpInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest_asyncio.fixture(scope="module")
async def app(kafka_bootstrap: str, dsn: str, sink: tuple[SmtpInbox, int]) -> AsyncIterator[Any]:
    settings = NotifierSettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=dsn,
        smtp_port=sink[1],
        smtp_tls="none",  # the test sink offers no TLS
        consumer_group=f"notifier-hang-{uuid.uuid4().hex[:6]}",
        delivery_poll_seconds=0.2,
        webhook_allow_loopback=True,
        webhook_timeout_seconds=HANG_SECONDS,  # the longest allowed: each hang holds a worker
        webhook_lease_seconds=HANG_SECONDS * 2,
        webhook_workers=2,
        delivery_workers=2,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(scope="module")
async def broker(kafka_bootstrap: str) -> AsyncIterator[KafkaBroker]:
    producer = make_broker(kafka_bootstrap, client_id="notifier-hang-tests")
    await producer.start()
    yield producer
    await producer.stop()


async def test_emails_keep_flowing_while_a_webhook_receiver_hangs(
    app: Any, broker: KafkaBroker, sink: tuple[SmtpInbox, int], dsn: str, unique: str
) -> None:
    inbox, _ = sink
    receiver = HangingWebhook()
    await receiver.start()
    db = await asyncpg.connect(dsn)
    try:
        await webhook_secrets_repo.create(db, structure=f"HANG-{unique}")
        hooked = await known_referent(
            broker,
            db,
            f"HANG-{unique}",
            email=False,
            webhook_url=f"http://127.0.0.1:{receiver.port}/alertes",
        )
        for _ in range(3):  # more than there are webhook workers: all of them are held
            await publish_event(broker, match_event(hooked, f"HANG-{unique}"))
        await eventually(lambda: _async(receiver.held >= 2))
        held_since = time.monotonic()

        mailed = [await known_referent(broker, db, f"CD31-{unique}-{i}") for i in range(3)]
        for referent_id in mailed:
            await publish_event(broker, match_event(referent_id, f"CD31-{unique}"))
        addresses = [f"{r.hex[:12]}@example.org" for r in mailed]
        await eventually(lambda: _async(all(inbox.to(a) for a in addresses)), within=25)
        waited = time.monotonic() - held_since
    finally:
        await receiver.stop()
        await db.close()
    # Every e-mail arrived while the receiver still held both webhook workers.
    assert receiver.answered == 0 and waited < HANG_SECONDS
    print(f"3 e-mails delivered {waited:.1f} s after the webhook workers were held")


async def _async(value: Any) -> Any:
    return value
