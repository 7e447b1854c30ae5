"""Long-running background work that never dies unseen.

A worker (a delivery loop, an outbox relay, the retention job...) waits out outages itself
(`shared/transient.py`); what escapes it is unexpected. Unsupervised, the task would end with the
exception kept in it, unread, while /healthz stayed green and the work silently stopped. Here it is
restarted with a growing delay, logged by exception type and code location only (an exception's
message may quote personal data), counted, and /readyz says "not ready: <worker> restarting" until
it runs again.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from prometheus_client import Counter, Gauge

from shared.aio import sleep_or_stop
from shared.http import NotReady

log = logging.getLogger("spie.supervisor")
Work = Callable[[], Awaitable[object]]

WORKER_RESTARTS = Counter(
    "spie_worker_restarts_total",
    "Background workers restarted after an unexpected failure",
    ["service", "worker", "error"],
)
WORKER_RUNNING = Gauge(
    "spie_worker_running",
    "1 while a background worker runs, 0 while it waits to restart",
    ["service", "worker"],
)


@dataclass
class _Worker:
    name: str
    state: str = "running"  # running | restarting | finished
    restarts: int = 0
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class Supervisor:
    """Runs named workers; restarts one that raises, with backoff (first..most seconds)."""

    def __init__(self, service: str, *, first_delay: float = 1.0, most_delay: float = 30.0) -> None:
        self.service = service
        self.first_delay = first_delay
        self.most_delay = most_delay
        self._workers: dict[str, _Worker] = {}
        self._stopping = asyncio.Event()

    def start(self, name: str, work: Work) -> None:
        """`work()` makes a fresh run of the worker each time it is called."""
        worker = self._workers[name] = _Worker(name)
        worker.task = asyncio.create_task(self._supervise(worker, work), name=name)

    async def _supervise(self, worker: _Worker, work: Work) -> None:
        loop = asyncio.get_running_loop()
        delay = self.first_delay
        while True:
            self._set(worker, "running")
            started = loop.time()
            try:
                await work()
            except Exception as exc:
                if self._stopping.is_set():
                    return  # failing on the way out (its resources closed): nothing to restart
                if loop.time() - started > 2 * self.most_delay:
                    delay = self.first_delay  # it had run well since the last failure
                self._crashed(worker, exc, delay)
            else:
                self._set(worker, "finished")  # a worker ends when told to (or has nothing to do)
                return
            if await sleep_or_stop(self._stopping, delay):
                return
            delay = min(delay * 2, self.most_delay)

    def _crashed(self, worker: _Worker, exc: Exception, delay: float) -> None:
        worker.restarts += 1
        self._set(worker, "restarting")
        error = type(exc).__name__
        WORKER_RESTARTS.labels(self.service, worker.name, error).inc()
        frames = traceback.extract_tb(exc.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"
        log.error(
            "worker %s failed with %s; restart in %.0f s",
            worker.name,
            error,
            delay,
            extra={"fields": {"worker": worker.name, "error": error, "where": where}},
        )

    def _set(self, worker: _Worker, state: str) -> None:
        worker.state = state
        WORKER_RUNNING.labels(self.service, worker.name).set(1 if state == "running" else 0)

    def states(self) -> dict[str, str]:
        return {name: w.state for name, w in self._workers.items()}

    def restarts(self) -> dict[str, int]:
        return {name: w.restarts for name, w in self._workers.items()}

    async def check(self) -> None:
        """A readiness check: raises NotReady naming the workers that are not running."""
        down = [f"{w.name} {state}" for w in self._workers.values() if (state := _trouble(w))]
        if down:
            raise NotReady(", ".join(down))

    async def stop(self, *, grace: float = 10.0) -> None:
        """After the workers were told to stop: ends the waits between restarts, then waits for
        the workers (cancelling those still running after `grace` seconds)."""
        self._stopping.set()
        tasks = [w.task for w in self._workers.values() if w.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._workers.clear()
        self._stopping = asyncio.Event()  # the same app may be started again (tests)


def _trouble(worker: _Worker) -> str | None:
    if worker.state == "restarting":
        return "restarting"
    if worker.state == "running" and worker.task is not None and worker.task.done():
        return "stopped"  # cancelled from outside: nobody restarts it
    return None
