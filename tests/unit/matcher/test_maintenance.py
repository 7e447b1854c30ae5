"""The embedded index is optimised again and again while the matcher runs: at most every so
often, at the first quiet moment after messages, or after so many messages when they never
pause; once a day, at a quiet moment of the night's merge hour, its segments are merged; a
failed round does not end it, and stopping the matcher does not wait for the next."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

import pytest

from services.matcher.domain.ports import VectorIndex
from services.matcher.entrypoints.maintenance import Activity, keep_optimised


class CountingIndex:
    def __init__(self, fail_first: bool) -> None:
        self.calls = 0
        self.merges = 0
        self.fail_first = fail_first
        self.third = asyncio.Event()

    async def optimize(self, *, merge: bool = False) -> None:
        self.calls += 1
        self.merges += merge
        if self.calls == 3:
            self.third.set()
        if self.fail_first and self.calls == 1:
            raise OSError("disk full")


async def test_the_index_is_optimised_each_round_even_after_a_failed_one() -> None:
    index, activity = CountingIndex(fail_first=True), Activity()
    stop, calm = asyncio.Event(), asyncio.Event()
    traffic = asyncio.create_task(_traffic(activity, calm))  # a round after every message
    task = asyncio.create_task(
        keep_optimised(
            cast(VectorIndex, index), 0.01, stop, activity=activity, max_backlog=1, merge_hour=None
        )
    )
    await asyncio.wait_for(index.third.wait(), timeout=5)
    stop.set()
    calm.set()
    await traffic
    assert await task >= 2 and index.calls >= 3


async def test_a_round_failing_on_a_bug_ends_the_upkeep_for_its_supervisor_to_restart() -> None:
    class BuggyIndex(CountingIndex):
        async def optimize(self, *, merge: bool = False) -> None:
            self.calls += 1
            raise AttributeError("a bug, not an outage")

    index, activity = BuggyIndex(fail_first=False), Activity()
    calm = asyncio.Event()
    traffic = asyncio.create_task(_traffic(activity, calm))
    upkeep = keep_optimised(
        cast(VectorIndex, index), 0.01, asyncio.Event(), activity=activity, max_backlog=1
    )
    try:
        with pytest.raises(AttributeError):
            await asyncio.wait_for(upkeep, timeout=5)
    finally:
        calm.set()
        await traffic
    assert index.calls == 1


async def test_stopping_does_not_wait_for_the_next_round() -> None:
    stop = asyncio.Event()
    index = cast(VectorIndex, CountingIndex(False))
    task = asyncio.create_task(keep_optimised(index, 3600, stop, activity=Activity()))
    started = time.monotonic()
    stop.set()
    assert await task == 0 and time.monotonic() - started < 1


async def test_zero_means_never() -> None:
    index = cast(VectorIndex, CountingIndex(False))
    assert await keep_optimised(index, 0, asyncio.Event(), activity=Activity()) == 0


class WatchingIndex(CountingIndex):
    """Notes how long the matcher had been quiet when each round ran."""

    def __init__(self, activity: Activity) -> None:
        super().__init__(fail_first=False)
        self.activity = activity
        self.quiet_at_rounds: list[float] = []

    async def optimize(self, *, merge: bool = False) -> None:
        self.quiet_at_rounds.append(self.activity.quiet_for())
        await super().optimize(merge=merge)


async def _traffic(activity: Activity, until: asyncio.Event) -> None:
    """A message handled every 20 ms until `until` is set."""
    while not until.is_set():
        activity.touch(1)
        await asyncio.sleep(0.02)


def _upkeep_under_traffic(
    every_s: float,
    quiet_s: float,
    max_backlog: int = 20_000,
    merge_hour: int | None = None,
    wall_clock: Callable[[], datetime] = datetime.now,
) -> tuple[WatchingIndex, asyncio.Event, asyncio.Event, asyncio.Task[None], asyncio.Task[int]]:
    """Messages flowing until `calm` is set, upkeep running until `stop` is."""
    activity, stop, calm = Activity(), asyncio.Event(), asyncio.Event()
    index = WatchingIndex(activity)
    traffic = asyncio.create_task(_traffic(activity, calm))
    upkeep = asyncio.create_task(
        keep_optimised(
            cast(VectorIndex, index),
            every_s,
            stop,
            activity=activity,
            quiet_s=quiet_s,
            max_backlog=max_backlog,
            merge_hour=merge_hour,
            wall_clock=wall_clock,
        )
    )
    return index, stop, calm, traffic, upkeep


async def _burst_then_quiet(every_s: float) -> WatchingIndex:
    """0.6 s of messages, then 1 s of none (a quiet moment of 0.2 s, then as long again)."""
    index, stop, calm, traffic, upkeep = _upkeep_under_traffic(every_s=every_s, quiet_s=0.2)
    await asyncio.sleep(0.6)
    busy_rounds = index.calls
    calm.set()
    await traffic
    await asyncio.sleep(1.0)
    stop.set()
    await upkeep
    assert busy_rounds == 0
    return index


async def test_a_due_round_waits_for_the_first_quiet_moment_and_runs_once_for_it() -> None:
    index = await _burst_then_quiet(every_s=0.01)
    assert index.calls == 1 and index.quiet_at_rounds[0] >= 0.2


async def test_a_quiet_moment_brings_no_round_before_every_s_has_passed() -> None:
    index = await _burst_then_quiet(every_s=60)
    assert index.calls == 0


async def test_while_messages_never_pause_a_round_runs_after_so_many_of_them() -> None:
    index, stop, calm, traffic, upkeep = _upkeep_under_traffic(
        every_s=3600, quiet_s=3600, max_backlog=10
    )
    await asyncio.wait_for(index.third.wait(), timeout=5)  # ~50 messages a second
    stop.set()
    calm.set()
    await asyncio.gather(traffic, upkeep)
    assert max(index.quiet_at_rounds) < 1


class Clock:
    """A wall clock the test moves."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


async def test_segments_are_merged_once_a_day_at_a_quiet_moment_of_the_merge_hour() -> None:
    clock = Clock(datetime(2026, 11, 28, 14, 0))
    index, stop, calm, traffic, upkeep = _upkeep_under_traffic(
        every_s=3600, quiet_s=0.2, merge_hour=3, wall_clock=clock
    )
    await asyncio.sleep(0.3)
    clock.at = datetime(2026, 11, 29, 3, 0)  # the merge hour, while messages flow: not yet
    await asyncio.sleep(0.3)
    busy = index.calls
    calm.set()
    await traffic
    await asyncio.sleep(0.5)  # quiet now: one merge, however long it stays quiet
    merged_once = index.merges
    clock.at += timedelta(days=1)  # the next night: again
    await asyncio.sleep(0.3)
    clock.at = datetime(2026, 11, 30, 14, 0)  # by day, quiet: never
    await asyncio.sleep(0.3)
    stop.set()
    await upkeep
    assert busy == 0 and merged_once == 1
    assert index.merges == index.calls == 2
