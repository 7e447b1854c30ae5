"""Keep the embedded index searchable fast as it grows: its HNSW graph is built from time to time.

Qdrant Edge adds new points to a plain segment searched exactly (at 100k profiles: p99 272 ms
against 66 ms once built, bench/results/matcher-2026-11-28-0125.json) and builds the graph only
when asked. Asked every few minutes, the call is a no-op until the plain segment has grown past
Edge's indexing threshold; then the build holds the GIL, and messages wait meanwhile: lag that
drains after. The shard's segment policy (`edge_index._optimizers`) keeps each build to what
was added since the last (seconds, at 100k profiles too). A Qdrant server optimises on its own.
"""

from __future__ import annotations

import asyncio
import logging
import time

from services.matcher.domain.ports import VectorIndex
from shared.aio import sleep_or_stop

log = logging.getLogger("spie.matcher")


async def keep_optimised(index: VectorIndex, every_s: float, stop: asyncio.Event) -> int:
    """Until `stop`: optimise every `every_s` seconds (0: never). Returns how many rounds ran."""
    rounds = 0
    if every_s <= 0:
        return rounds
    while not await sleep_or_stop(stop, every_s):
        started = time.monotonic()
        try:
            await index.optimize()
        except Exception as exc:  # the next round tries again; searches still work meanwhile
            log.warning("index optimisation failed: %s", type(exc).__name__)
            continue
        rounds += 1
        took = time.monotonic() - started
        if took >= 1:
            log.info("index optimised", extra={"fields": {"seconds": round(took, 1)}})
    return rounds
