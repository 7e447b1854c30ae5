"""Keep the embedded index searchable fast as it grows: its HNSW graph is built from time to time.

Qdrant Edge adds new points to a plain segment searched exactly (at 100k profiles: p99 272 ms
against 66 ms once built, bench/results/matcher-2026-11-28-0125.json) and builds the graph only
when asked. Asked every few minutes, the call is a no-op until the plain segment has grown past
Edge's indexing threshold; then the build holds the GIL, and messages wait meanwhile: lag that
drains after. The shard's segment policy (`edge_index._optimizers`) keeps each build to what
was added since the last (seconds, at 100k profiles too). A due round therefore waits for a
quiet moment (no message handled for a while) so that a busy hour's alerts are not the ones
held up, but never longer than a bound: a few thousand points more in the plain segment cost a
search little, a day of them would not. A Qdrant server optimises on its own.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable

from services.matcher.domain.ports import VectorIndex
from shared.aio import sleep_or_stop

log = logging.getLogger("spie.matcher")


class Activity:
    """When the matcher last handled a message (the subscribers touch it)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = -math.inf

    def touch(self) -> None:
        self._last = self._clock()

    def quiet_for(self) -> float:
        return self._clock() - self._last


async def keep_optimised(
    index: VectorIndex,
    every_s: float,
    stop: asyncio.Event,
    *,
    activity: Activity | None = None,
    quiet_s: float = 2.0,
    max_wait_s: float = 1800.0,
) -> int:
    """Until `stop`: a round every `every_s` seconds (0: never), each run once the matcher has
    been quiet for `quiet_s` or has waited `max_wait_s` for that. Returns how many rounds ran."""
    rounds = 0
    if every_s <= 0:
        return rounds
    while not await sleep_or_stop(stop, every_s):
        waited = await _quiet_moment(activity, stop, quiet_s, max_wait_s)
        if waited is None:
            break
        started = time.monotonic()
        try:
            await index.optimize()
        except Exception as exc:  # the next round tries again; searches still work meanwhile
            log.warning("index optimisation failed: %s", type(exc).__name__)
            continue
        rounds += 1
        took = time.monotonic() - started
        if took >= 1:
            fields = {"seconds": round(took, 1), "waited_for_quiet_s": round(waited)}
            log.info("index optimised", extra={"fields": fields})
    return rounds


async def _quiet_moment(
    activity: Activity | None, stop: asyncio.Event, quiet_s: float, max_wait_s: float
) -> float | None:
    """Seconds waited until the matcher was quiet (or the wait ran out); None when stopped."""
    started = time.monotonic()
    while activity is not None and activity.quiet_for() < quiet_s:
        waited = time.monotonic() - started
        if waited >= max_wait_s:
            break
        if await sleep_or_stop(stop, min(quiet_s / 2, max_wait_s - waited)):
            return None
    return time.monotonic() - started
