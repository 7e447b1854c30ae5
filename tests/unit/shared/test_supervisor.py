"""A background worker that fails is restarted, and readiness says so until it runs again."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest

from shared.http import NotReady
from shared.supervisor import WORKER_RESTARTS, Supervisor


class Queue:
    """Due items; an item named "boom" makes the worker fail the way a bug would."""

    def __init__(self, *items: str) -> None:
        self.due = list(items)
        self.handled: list[str] = []
        self.runs = 0

    async def work(self) -> None:
        self.runs += 1
        while self.due:
            item = self.due.pop(0)
            if item.startswith("boom"):
                raise ValueError(f"subject with a line break for {item}: Lina Martin")
            self.handled.append(item)
            await asyncio.sleep(0)
        await asyncio.Event().wait()  # a long-running worker waits for more


async def until(check: object, within: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not in time")
        await asyncio.sleep(0.01)


async def test_a_worker_that_raises_is_restarted_and_handles_the_next_due_item() -> None:
    queue = Queue("first", "boom", "second")
    supervisor = Supervisor("test", first_delay=0.05)
    supervisor.start("delivery-0", queue.work)
    try:
        await until(lambda: queue.handled == ["first", "second"])
        assert queue.runs == 2
    finally:
        await supervisor.stop(grace=0.1)


async def test_readiness_says_which_worker_restarts_until_it_runs_again() -> None:
    queue = Queue("boom")
    supervisor = Supervisor("test", first_delay=0.3)
    supervisor.start("delivery-1", queue.work)
    supervisor.start("outbox-relay", Queue().work)
    try:
        await until(lambda: supervisor.states()["delivery-1"] == "restarting")
        with pytest.raises(NotReady, match=r"^delivery-1 restarting$"):
            await supervisor.check()
        await until(lambda: queue.runs == 2)
        await supervisor.check()  # running again: ready
        assert supervisor.states() == {"delivery-1": "running", "outbox-relay": "running"}
    finally:
        await supervisor.stop(grace=0.1)


async def test_a_failure_is_logged_by_type_and_place_without_its_message_and_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = WORKER_RESTARTS.labels("test", "retention", "ValueError")._value.get()
    supervisor = Supervisor("test", first_delay=0.05)
    with caplog.at_level(logging.ERROR, logger="spie.supervisor"):
        supervisor.start("retention", Queue("boom").work)
        await until(lambda: supervisor.states()["retention"] == "running" and caplog.records)
    await supervisor.stop(grace=0.1)
    [record] = caplog.records
    assert record.getMessage() == "worker retention failed with ValueError; restart in 0 s"
    assert record.fields["where"].endswith("in work")  # type: ignore[attr-defined]
    assert "Lina" not in record.getMessage() and "Lina" not in str(record.fields)  # type: ignore[attr-defined]
    assert WORKER_RESTARTS.labels("test", "retention", "ValueError")._value.get() == before + 1


async def test_a_worker_that_returns_is_not_restarted_and_counts_as_ready() -> None:
    calls = 0

    async def nothing_to_do() -> None:
        nonlocal calls
        calls += 1

    supervisor = Supervisor("test", first_delay=0.01)
    supervisor.start("index-optimiser", nothing_to_do)
    await until(lambda: supervisor.states()["index-optimiser"] == "finished")
    await asyncio.sleep(0.05)
    await supervisor.check()
    assert calls == 1
    await supervisor.stop(grace=0.1)


async def test_stopping_ends_the_wait_before_a_restart_at_once() -> None:
    queue = Queue("boom")
    supervisor = Supervisor("test", first_delay=60)
    supervisor.start("listen", queue.work)
    await until(lambda: supervisor.states()["listen"] == "restarting")
    started = asyncio.get_running_loop().time()
    await supervisor.stop(grace=5)
    assert asyncio.get_running_loop().time() - started < 1
    assert queue.runs == 1


async def test_a_worker_cancelled_from_outside_is_reported_stopped() -> None:
    supervisor = Supervisor("test")
    supervisor.start("listen", Queue().work)
    await asyncio.sleep(0.01)
    await supervisor.check()  # running: ready
    supervisor._workers["listen"].task.cancel()  # type: ignore[union-attr]
    await asyncio.sleep(0.01)
    with pytest.raises(NotReady, match=r"^listen stopped$"):
        await supervisor.check()
    await supervisor.stop(grace=0.1)


async def test_the_delay_before_a_restart_grows_and_starts_again_after_a_good_run() -> None:
    failures: list[float] = []
    runs = iter([0.0, 0.0, 0.0, 1.0, 0.0])  # how long each run works before it fails

    async def flaky() -> None:
        await asyncio.sleep(next(runs, 3600))
        failures.append(asyncio.get_running_loop().time())
        raise RuntimeError("unexpected")

    supervisor = Supervisor("test", first_delay=0.1, most_delay=0.4)
    supervisor.start("relay", flaky)
    await until(lambda: len(failures) == 5, within=10)
    await supervisor.stop(grace=0.1)
    gaps = [b - a for a, b in itertools.pairwise(failures)]
    # 0.1 s, then 0.2 s; then 0.4 s and a run of 1 s (longer than twice the longest delay),
    # after which the delay is 0.1 s again.
    assert gaps[0] < gaps[1] and gaps[2] > 1.3 and gaps[3] < gaps[1]
