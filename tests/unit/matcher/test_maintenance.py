"""The embedded index is optimised again and again while the matcher runs, a failed round does
not end it, and stopping the matcher does not wait for the next round."""

from __future__ import annotations

import asyncio
import time

from services.matcher.domain.ports import VectorIndex
from services.matcher.entrypoints.maintenance import keep_optimised


class CountingIndex:
    def __init__(self, fail_first: bool) -> None:
        self.calls = 0
        self.fail_first = fail_first
        self.third = asyncio.Event()

    async def optimize(self) -> None:
        self.calls += 1
        if self.calls == 3:
            self.third.set()
        if self.fail_first and self.calls == 1:
            raise OSError("disk full")


async def test_the_index_is_optimised_each_round_even_after_a_failed_one() -> None:
    index = CountingIndex(fail_first=True)
    stop = asyncio.Event()
    task = asyncio.create_task(keep_optimised(index, 0.01, stop))  # type: ignore[arg-type]
    await asyncio.wait_for(index.third.wait(), timeout=5)
    stop.set()
    assert await task >= 2 and index.calls >= 3


async def test_stopping_does_not_wait_for_the_next_round() -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(keep_optimised(CountingIndex(False), 3600, stop))  # type: ignore[arg-type]
    started = time.monotonic()
    stop.set()
    assert await task == 0 and time.monotonic() - started < 1


async def test_zero_means_never() -> None:
    index: VectorIndex = CountingIndex(False)  # type: ignore[assignment]
    assert await keep_optimised(index, 0, asyncio.Event()) == 0
