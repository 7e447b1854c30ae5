"""Keep the embedded index searchable fast as it grows: its HNSW graph is built from time to time.

Qdrant Edge adds new points to a plain segment searched exactly (at 100k profiles: p99 272 ms
against 66 ms once built, bench/results/matcher-2026-11-28-0125.json) and builds the graph only
when asked. The build holds the GIL: messages wait meanwhile (lag that drains after). The
shard's segment policy (`edge_index._optimizers`) keeps each build to what was added since the
last, yet even a round after a few dozen new points takes 1-3 s at 100k profiles. So a round
runs at most every `every_s`, at the first quiet moment after messages (none for `quiet_s`),
never in the middle of a busy one; and, quiet or not, once `max_backlog` messages came since the
last round, which bounds the points searched exactly and a round's length (a bulk import of
100k profiles, never pausing, was otherwise indexed in one 44 s stop at its end). A Qdrant
server optimises on its own.

Rounds keep to new points, so the shard gathers segments, and each need searches all of them
(6 segments of 10-20k points: 71 ms of CPU a need at 100k profiles, 41-45 ms in one). Once a
day, at the first quiet moment of `merge_hour` (Paris time, at night), a round merges them
into one: every point is rebuilt (~40 s at 100k profiles; 1.3 s for 10k) while nobody waits.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.matcher.domain.ports import VectorIndex
from shared.aio import sleep_or_stop
from shared.metrics import INDEX_UPKEEP
from shared.transient import is_transient

log = logging.getLogger("spie.matcher")
PARIS = ZoneInfo("Europe/Paris")


def paris_now() -> datetime:
    return datetime.now(PARIS)


class Activity:
    """When the matcher last handled a message, and how many (the subscribers touch it)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.last = -math.inf
        self.handled = 0

    def touch(self, handled: int = 0) -> None:
        self.last = self._clock()
        self.handled += handled

    def quiet_for(self) -> float:
        return self._clock() - self.last

    def lull_after(self, since: float, quiet_s: float) -> bool:
        """Messages were handled after `since`, and none for `quiet_s` now."""
        return self.last > since and self.quiet_for() >= quiet_s


async def keep_optimised(
    index: VectorIndex,
    every_s: float,
    stop: asyncio.Event,
    *,
    activity: Activity,
    quiet_s: float = 2.0,
    max_backlog: int = 20_000,
    merge_hour: int | None = 3,
    wall_clock: Callable[[], datetime] = paris_now,
) -> int:
    """Until `stop`: a round at the first quiet moment (`quiet_s`) after messages once `every_s`
    has passed since the last (0: never), or as soon as `activity` has handled `max_backlog`
    messages since the last; and a merging round at the first quiet moment of `merge_hour`
    (`wall_clock`'s hour; None: never), once a day. Returns how many ran."""
    rounds = 0
    if every_s <= 0:
        return rounds
    last_round, handled = time.monotonic(), 0
    merged_on: date | None = None
    while not await sleep_or_stop(stop, min(quiet_s / 2, every_s, 1.0)):
        now = time.monotonic()
        due = now - last_round >= every_s
        backlog = activity.handled - handled
        lull = due and activity.lull_after(last_round, quiet_s)
        today = wall_clock()
        merge = (
            merge_hour == today.hour
            and merged_on != today.date()
            and activity.quiet_for() >= quiet_s
        )
        if not (lull or merge or backlog >= max_backlog):
            continue
        last_round, handled = now, handled + backlog
        if merge:
            merged_on = today.date()
        INDEX_UPKEEP.set(1)
        try:
            await index.optimize(merge=merge)
        except Exception as exc:
            if not is_transient(exc):
                raise  # the supervisor restarts the upkeep and says so on /readyz
            # The next round tries again; searches still work meanwhile.
            log.warning("index optimisation failed: %s", type(exc).__name__)
            continue
        finally:
            INDEX_UPKEEP.set(0)
        rounds += 1
        took = time.monotonic() - now
        if took >= 1 or merge:
            fields = {
                "seconds": round(took, 1),
                "at_a_lull": lull,
                "messages_before": backlog,
                "merged": merge,
            }
            log.info("index optimised", extra={"fields": fields})
    return rounds
