"""The periodic job that publishes the reach of the needs due (services/matcher/reach.py)."""

from __future__ import annotations

import asyncio
import logging

from services.matcher import reach
from services.matcher.handlers import Deps
from shared.aio import sleep_or_stop
from shared.transient import is_transient

log = logging.getLogger("spie.matcher")
TICK_S = 5.0  # how soon a need matched has its counts published; each need once a minute at most


async def keep_reach_published(deps: Deps, stop: asyncio.Event, *, tick_s: float = TICK_S) -> None:
    """Until `stop`: every `tick_s`, the needs due (a failure leaves them due for the next).
    First, the open needs matched before their reach was published are marked due."""
    adopted = await reach.adopt_open_needs(deps)
    if adopted:
        log.info("need reach: open needs adopted", extra={"fields": {"needs": adopted}})
    while not await sleep_or_stop(stop, tick_s):
        try:
            while await reach.publish_due(deps) >= reach.NEEDS_PER_ROUND:
                pass  # more were due than one round takes
        except Exception as exc:
            if not is_transient(exc):
                raise  # the supervisor restarts the job and says so on /readyz
            log.warning("need reach not published: %s", type(exc).__name__)
