"""The reach job paces itself: a round over every profile takes at most a share of the
matcher's time, however long the index makes a round."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from services.matcher.entrypoints import reach_job
from services.matcher.entrypoints.reach_job import keep_reach_published, pause_after


def test_the_pause_after_a_round_makes_the_round_its_share_of_the_time() -> None:
    assert pause_after(2.0, tick_s=5.0, share=0.1) == pytest.approx(18.0)  # 2 s of every 20
    assert pause_after(0.1, tick_s=5.0, share=0.1) == 5.0  # a short round: the tick
    assert pause_after(0.0, tick_s=5.0, share=0.1) == 5.0  # nothing was due: the tick


async def _rounds(monkeypatch: pytest.MonkeyPatch, *, round_s: float, published: int) -> int:
    """Rounds the job starts in 1 s, each taking `round_s` and publishing `published`."""
    calls: list[float] = []

    async def publish_due(_deps: Any) -> int:
        calls.append(time.monotonic())
        await asyncio.sleep(round_s)
        return published

    async def adopt_open_needs(_deps: Any) -> int:
        return 0

    monkeypatch.setattr(reach_job.reach, "publish_due", publish_due)
    monkeypatch.setattr(reach_job.reach, "adopt_open_needs", adopt_open_needs)
    stop = asyncio.Event()
    job = asyncio.create_task(keep_reach_published(object(), stop, tick_s=0.01, share=0.1))  # type: ignore[arg-type]
    await asyncio.sleep(1.0)
    stop.set()
    await job
    return len(calls)


async def test_rounds_that_count_take_a_tenth_of_the_time_at_most(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each round takes 0.1 s: then 0.9 s of rest, so at most 2 rounds start within 1 s.
    assert await _rounds(monkeypatch, round_s=0.1, published=3) <= 2


async def test_rounds_with_nothing_due_follow_the_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    # The positive control: the same slow rounds publishing nothing are not paced.
    assert await _rounds(monkeypatch, round_s=0.1, published=0) >= 8
