"""Rankings of a batch take turns with the service's other tasks (the outbox relay)."""

from __future__ import annotations

import asyncio
import itertools

from services.matcher.handlers import in_turn


async def _steps_seen_by_each(start_together: bool) -> list[int]:
    """Five 'rankings' that never wait (as Edge's reads on the loop), each noting how many
    steps another task (a relay publishing) has made by the time it starts."""
    steps = 0

    async def other_task() -> None:
        nonlocal steps
        while True:
            steps += 1
            await asyncio.sleep(0)

    async def ranking() -> int:
        return steps

    ticking = asyncio.create_task(other_task())
    await asyncio.sleep(0)
    try:
        calls = (ranking() for _ in range(5))
        if start_together:
            return list(await asyncio.gather(*calls))
        return await in_turn(calls)
    finally:
        ticking.cancel()


async def test_another_task_moves_on_between_two_rankings() -> None:
    seen = await _steps_seen_by_each(start_together=False)
    assert all(b > a for a, b in itertools.pairwise(seen)), seen


async def test_rankings_started_together_leave_it_standing() -> None:
    # The control: as the handlers ran them before, every ranking ran before it moved again.
    seen = await _steps_seen_by_each(start_together=True)
    assert len(set(seen)) == 1, seen


async def test_the_results_come_back_in_the_order_asked() -> None:
    async def value(i: int) -> int:
        await asyncio.sleep(0.001 * (5 - i))
        return i

    assert await in_turn(value(i) for i in range(5)) == [0, 1, 2, 3, 4]
