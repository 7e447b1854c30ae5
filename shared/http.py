"""Pieces every service's HTTP side shares: health and readiness, errors in one shape."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

ReadyCheck = Callable[[], Awaitable[object]]


def health_router(checks: dict[str, ReadyCheck], *, timeout: float = 2.0) -> APIRouter:
    """`/healthz`: the process answers. `/readyz`: each dependency answered within `timeout`."""
    router = APIRouter(tags=["ops"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Kafka, PostgreSQL and the index are reachable")
    async def readyz() -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout)
                results[name] = "ok"
            except Exception as exc:  # any failure means "not ready", and says which
                results[name] = f"unavailable: {type(exc).__name__}"
        ready = all(v == "ok" for v in results.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": results},
            status_code=200 if ready else 503,
        )

    return router


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
