"""Pieces every service's HTTP side shares: health and readiness, errors in one shape."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from shared.transient import is_transient

ReadyCheck = Callable[[], Awaitable[object]]
log = logging.getLogger("spie.http")

# The families of errors a request meets while PostgreSQL (or Kafka) restarts or is down: the
# connection refused, reset or cut in the middle of a query, "the database system is shutting
# down / starting up", too many connections, a pool acquire that timed out. Which of them say
# "not the request's fault" is decided by shared/transient.py, the same as for the consumers.
_OUTAGE_FAMILIES: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,  # a ROLLBACK on a connection that just failed
    KafkaError,
)


class NotReady(Exception):
    """A readiness check that knows why: /readyz shows "not ready: <its message>"."""


def health_router(checks: dict[str, ReadyCheck], *, timeout: float = 2.0) -> APIRouter:
    """`/healthz`: the process answers. `/readyz`: each dependency answered within `timeout`."""
    router = APIRouter(tags=["ops"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Kafka, PostgreSQL and the index are reachable; every background worker runs",
    )
    async def readyz() -> JSONResponse:
        failed: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout)
            except NotReady as exc:
                failed[name] = f"not ready: {exc}"
            except Exception as exc:  # any failure means "not ready"
                failed[name] = f"unavailable: {type(exc).__name__}"
        if failed:
            # Which dependency or worker failed, and how, goes to the log: the probe is open to
            # anyone, so its answer says nothing about the inside (shared/ops_access.py).
            log.warning("not ready", extra={"fields": {"unavailable": failed}})
        return JSONResponse(
            {"status": "not ready" if failed else "ready"},
            status_code=503 if failed else 200,
        )

    return router


def install_unavailable_handler(app: FastAPI, *, retry_after: int = 5) -> None:
    """Answers 503 with Retry-After, not 500, when the database cannot be reached. The request's
    transaction did not commit (or its outcome is unknown and an idempotent retry settles it):
    the client is told to send it again, and nothing it was told was accepted is lost."""

    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        if not is_transient(exc):
            raise exc  # a bug or a refused statement: the ordinary 500
        # The exception's type only: its message may quote SQL parameters (personal data).
        log.warning(
            "database unavailable",
            extra={"fields": {"path": request.url.path, "error": type(exc).__name__}},
        )
        return JSONResponse(
            {
                "detail": "The database is unavailable for a moment: the request was not "
                f"accepted. Send it again in {retry_after} s (with the same Idempotency-Key, "
                "if it had one).",
                "retry_after": retry_after,
            },
            status_code=503,
            headers={"Retry-After": str(retry_after)},
        )

    for kind in _OUTAGE_FAMILIES:
        app.add_exception_handler(kind, unavailable)


async def kafka_reachable(bootstrap: str) -> None:
    """Opens a TCP connection to the first reachable bootstrap server."""
    last: OSError | None = None
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.open_connection(host or "127.0.0.1", int(port))
            writer.close()
            await writer.wait_closed()
            return
        except OSError as exc:
            last = exc
    raise last or OSError("no bootstrap server")
