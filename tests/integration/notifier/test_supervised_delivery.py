"""A delivery worker that fails on an alert is restarted: /readyz says so while it restarts, and
the alerts still due are sent after (it used to die unseen, /healthz green, e-mail stopped)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from faststream.kafka import KafkaBroker

from services.notifier.entrypoints.app import create_app
from services.notifier.settings import NotifierSettings
from shared.kafka.broker import make_broker, publish_event

from .helpers import match_event, referent_event

pytestmark = pytest.mark.integration


class FailingOnceMailer:
    """Raises on the first message to `victim` (a bug in building it, say), then sends."""

    def __init__(self) -> None:
        self.victim = ""
        self.failed = 0
        self.sent: list[tuple[str, str]] = []

    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        if to == self.victim and not self.failed:
            self.failed += 1
            raise RuntimeError("header value contains a line break")
        self.sent.append((to, body))

    async def close(self) -> None:
        return None


@pytest_asyncio.fixture(scope="module")
async def mailer() -> FailingOnceMailer:
    return FailingOnceMailer()


@pytest_asyncio.fixture(scope="module")
async def app(kafka_bootstrap: str, dsn: str, mailer: FailingOnceMailer) -> AsyncIterator[Any]:
    settings = NotifierSettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=dsn,
        public_url="http://test",
        consumer_group=f"notifier-sup-{uuid.uuid4().hex[:8]}",
        delivery_workers=1,
        delivery_poll_seconds=0.2,
    )
    application = create_app(settings, email=mailer)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(scope="module")
async def broker(kafka_bootstrap: str) -> AsyncIterator[KafkaBroker]:
    producer = make_broker(kafka_bootstrap, client_id="notifier-supervision-tests")
    await producer.start()
    yield producer
    await producer.stop()


async def test_a_failed_delivery_worker_is_restarted_and_readyz_says_so_meanwhile(
    app: Any, broker: KafkaBroker, mailer: FailingOnceMailer, unique: str
) -> None:
    referent_id = uuid.uuid4()
    address = f"{referent_id.hex[:12]}@example.org"
    mailer.victim = address
    await publish_event(broker, referent_event(referent_id, f"CD31-{unique}", "Claire Dupuy"))
    await asyncio.sleep(3)  # the référent is known before its alerts come
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://n") as c:

        async def workers() -> tuple[int, str]:
            r = await c.get("/readyz")
            return r.status_code, r.json()["checks"]["workers"]

        assert await workers() == (200, "ok")
        await publish_event(
            broker, match_event(referent_id, f"CD31-{unique}", explanation=f"Première {unique}")
        )
        await until(lambda: mailer.failed == 1)
        restarting = (503, "not ready: delivery-0 restarting")
        seen: list[tuple[int, str]] = []
        while restarting not in seen and len(seen) < 300:
            seen.append(await workers())
            await asyncio.sleep(0.005)
        assert restarting in seen, seen
        # While it restarts, the next alert falls due.
        await publish_event(
            broker, match_event(referent_id, f"CD31-{unique}", explanation=f"Seconde {unique}")
        )
        await until(lambda: both_sent(mailer, address, unique), within=30)
        assert await workers() == (200, "ok")

    assert app.state.workers.restarts()["delivery-0"] == 1


def both_sent(mailer: FailingOnceMailer, address: str, unique: str) -> bool:
    bodies = "\n".join(body for to, body in mailer.sent if to == address)
    return f"Première {unique}" in bodies and f"Seconde {unique}" in bodies


async def until(check: Any, *, within: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not in time")
        await asyncio.sleep(0.02)
