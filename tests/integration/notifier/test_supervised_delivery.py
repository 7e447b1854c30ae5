"""A delivery worker that fails is restarted: /readyz says so while it restarts (the log says
which worker), and the alerts due are sent after (it used to die unseen, /healthz green, e-mail
stopped). A failure of one row is not a worker failure: that row is set aside and the others go
out (test_webhook_queue.py)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
from faststream.kafka import KafkaBroker

from services.notifier.entrypoints.app import create_app
from services.notifier.settings import NotifierSettings
from shared.contracts.envelope import utcnow
from shared.kafka.broker import make_broker, publish_event

from .helpers import match_event, referent_event

pytestmark = pytest.mark.integration


class Mailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        self.sent.append((to, body))

    async def close(self) -> None:
        return None


class BreakableClock:
    """The notifier's clock, with a bug that shows once when armed, in the e-mail worker
    `delivery-0` only: its next round fails before it claims anything (a worker failure, not a
    row's)."""

    def __init__(self) -> None:
        self.armed = False
        self.failed = 0

    def __call__(self) -> datetime:
        task = asyncio.current_task()
        if self.armed and task is not None and task.get_name() == "delivery-0":
            self.armed = False
            self.failed += 1
            raise RuntimeError("a bug in the worker")
        return utcnow()


@pytest_asyncio.fixture(scope="module")
async def mailer() -> Mailer:
    return Mailer()


@pytest_asyncio.fixture(scope="module")
async def clock() -> BreakableClock:
    return BreakableClock()


@pytest_asyncio.fixture(scope="module")
async def app(
    kafka_bootstrap: str, dsn: str, mailer: Mailer, clock: BreakableClock
) -> AsyncIterator[Any]:
    settings = NotifierSettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=dsn,
        public_url="http://test",
        consumer_group=f"notifier-sup-{uuid.uuid4().hex[:8]}",
        delivery_workers=1,
        delivery_poll_seconds=0.2,
        # Two alerts to one référent, each awaited here: not the spacing's test (test_digest.py).
        email_spacing_seconds=0,
    )
    application = create_app(settings, email=mailer, clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(scope="module")
async def broker(kafka_bootstrap: str) -> AsyncIterator[KafkaBroker]:
    producer = make_broker(kafka_bootstrap, client_id="notifier-supervision-tests")
    await producer.start()
    yield producer
    await producer.stop()


async def test_a_failed_delivery_worker_is_restarted_and_readyz_says_so_meanwhile(
    app: Any,
    broker: KafkaBroker,
    mailer: Mailer,
    clock: BreakableClock,
    unique: str,
) -> None:
    referent_id = uuid.uuid4()
    address = f"{referent_id.hex[:12]}@example.org"
    await publish_event(broker, referent_event(referent_id, f"CD31-{unique}", "Claire Dupuy"))
    await asyncio.sleep(3)  # the référent is known before its alerts come
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://n") as c:

        async def ready() -> int:
            return (await c.get("/readyz")).status_code

        assert await ready() == 200  # positive control
        said: list[dict[str, str]] = []  # what /readyz logs (the answer itself says no more)
        handler = logging.Handler(logging.WARNING)
        handler.emit = lambda r: said.append(getattr(r, "fields", {}).get("unavailable", {}))  # type: ignore[method-assign]
        logging.getLogger("spie.http").addHandler(handler)
        clock.armed = True  # nothing else reads the clock now: the worker's next round does
        await until(lambda: clock.failed == 1)
        seen: list[int] = []
        while 503 not in seen and len(seen) < 300:
            seen.append(await ready())
            await asyncio.sleep(0.005)
        assert 503 in seen, seen
        logging.getLogger("spie.http").removeHandler(handler)
        assert {"workers": "not ready: delivery-0 restarting"} in said, said
        # While it restarts, alerts fall due; they go out once it runs again.
        for word in ("Première", "Seconde"):
            await publish_event(
                broker, match_event(referent_id, f"CD31-{unique}", explanation=f"{word} {unique}")
            )
        await until(lambda: both_sent(mailer, address, unique), within=30)
        assert await ready() == 200

    assert app.state.workers.restarts()["delivery-0"] == 1


def both_sent(mailer: Mailer, address: str, unique: str) -> bool:
    bodies = "\n".join(body for to, body in mailer.sent if to == address)
    return f"Première {unique}" in bodies and f"Seconde {unique}" in bodies


async def until(check: Any, *, within: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not in time")
        await asyncio.sleep(0.02)
