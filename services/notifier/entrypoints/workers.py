"""Background loops of the lifespan: the delivery workers (immediate alerts and digests both:
a digest is a delivery whose due time is the référent's digest hour)."""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from ..delivery import Channels, deliver_next
from .subscribers import TRANSIENT

log = logging.getLogger("spie.notifier.delivery")


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def delivery_worker(
    pool: asyncpg.Pool, channels: Channels, stop: asyncio.Event, *, poll_seconds: float
) -> None:
    """Drain the due deliveries, then wait; PostgreSQL outages are waited out with backoff."""
    backoff = poll_seconds
    while not stop.is_set():
        try:
            while not stop.is_set() and await deliver_next(pool, channels):
                pass
            backoff = poll_seconds
        except TRANSIENT as exc:
            log.warning("delivery paused: %s", type(exc).__name__)
            backoff = min(backoff * 2, 30.0)
        await _pause(stop, backoff)
