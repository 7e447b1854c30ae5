"""The periodic job that publishes the reach of the needs due (services/matcher/reach.py).

A round counts its needs in one pass over every profile indexed: its cost grows with the
index, not with the needs due. So the job paces itself: after a round that took `t` seconds it
waits `t × (1 / SHARE − 1)` (at least `tick_s`) before the next, and the reach count takes at
most SHARE of the matcher's time, whatever the index's size or how many profiles change. Under
load a round takes longer (it waits its turn on the event loop), and the job backs off further.
A need's counts then come out a little later (a round of ~1 s at 100k profiles: every ~20 s),
never more often than once a minute for one need (reach.EVERY).
"""

from __future__ import annotations

import asyncio
import logging
import time

from services.matcher import reach
from services.matcher.handlers import Deps
from shared.aio import sleep_or_stop
from shared.transient import is_transient

log = logging.getLogger("spie.matcher")
TICK_S = 5.0  # how soon a need matched has its counts published; each need once a minute at most
SHARE = 0.05  # of the matcher's time the reach count may take


def pause_after(took_s: float, *, tick_s: float, share: float = SHARE) -> float:
    """Seconds to wait after a round that took `took_s`: the round is `share` of the time."""
    return max(tick_s, took_s * (1 / share - 1))


async def keep_reach_published(
    deps: Deps, stop: asyncio.Event, *, tick_s: float = TICK_S, share: float = SHARE
) -> None:
    """Until `stop`: the needs due, one round at a time, paced (a failure leaves them due for
    the next). First, the open needs matched before their reach was published are marked due."""
    adopted = await reach.adopt_open_needs(deps)
    if adopted:
        log.info("need reach: open needs adopted", extra={"fields": {"needs": adopted}})
    wait = tick_s
    while not await sleep_or_stop(stop, wait):
        started = time.monotonic()
        try:
            published = await reach.publish_due(deps)
        except Exception as exc:
            if not is_transient(exc):
                raise  # the supervisor restarts the job and says so on /readyz
            log.warning("need reach not published: %s", type(exc).__name__)
            published = 0
        # A round that published nothing only asked which needs were due: no pass was made.
        took = time.monotonic() - started if published else 0.0
        wait = pause_after(took, tick_s=tick_s, share=share)
