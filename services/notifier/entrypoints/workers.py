"""Background loops of the lifespan: the e-mail workers (immediate alerts and digests both:
a digest is a delivery whose due time is the référent's digest hour) and, apart so that a slow
receiver never holds e-mail, the webhook workers.

An outage (`shared/transient.py`) is waited out here with backoff; any other failure escapes to
the supervisor (`shared/supervisor.py`), which restarts the worker and says so on /readyz."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import asyncpg

from shared.db.pool import connect
from shared.transient import is_transient

from ..adapters.deliveries_repo import DELIVERIES_CHANNEL

log = logging.getLogger("spie.notifier.delivery")


async def _pause(stop: asyncio.Event, seconds: float, wake: asyncio.Event | None = None) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in (stop, wake) if e is not None]
    _, pending = await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()


async def listen_for_deliveries(dsn: str, wake: asyncio.Event, stop: asyncio.Event) -> None:
    """Sets `wake` on each NOTIFY of new deliveries; the workers' poll stays the fallback."""
    while not stop.is_set():
        try:
            conn = await connect(dsn)
            try:
                await conn.add_listener(DELIVERIES_CHANNEL, lambda *_: wake.set())
                while not stop.is_set() and not conn.is_closed():
                    await _pause(stop, 2)
            finally:
                conn.terminate()
        except Exception as exc:
            # Only a wake-up call (the workers poll anyway): any database error pauses it.
            if not (is_transient(exc) or isinstance(exc, asyncpg.PostgresError)):
                raise
            log.warning("delivery listener paused: %s", type(exc).__name__)
            await _pause(stop, 2)


async def delivery_worker(
    step: Callable[[], Awaitable[bool]],
    stop: asyncio.Event,
    *,
    poll_seconds: float,
    wake: asyncio.Event | None = None,
) -> None:
    """Drain the due deliveries (`step` handles one, False when none is due), then wait;
    PostgreSQL outages are waited out with backoff."""
    backoff = poll_seconds
    while not stop.is_set():
        if wake is not None:
            wake.clear()  # before draining: a NOTIFY meanwhile wakes the next round
        try:
            while not stop.is_set() and await step():
                pass
            backoff = poll_seconds
        except Exception as exc:
            if not is_transient(exc):
                raise  # the supervisor restarts this worker
            log.warning("delivery paused: %s", type(exc).__name__)
            backoff = min(backoff * 2, 30.0)
        await _pause(stop, backoff, wake)
