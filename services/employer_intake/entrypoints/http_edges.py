"""What surrounds every request: body size limit, correlation id, domain errors as statuses."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.logs import correlation_id
from shared.validation_errors import install_validation_error_handler

from ..domain.bulk import FileRejected
from ..domain.errors import IdempotencyConflict, InvalidFields, NeedAlreadyClosed, NeedNotFound

log = logging.getLogger("spie.intake.http")


class ErrorOut(BaseModel):
    detail: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No X-API-Key, or an unknown, revoked or expired one."},
    413: {"model": ErrorOut, "description": "The body is larger than allowed."},
    429: {"model": ErrorOut, "description": "Too many requests for this key; see Retry-After."},
}


def body_limit_of(*, json_limit: int, bulk_limit: int) -> Callable[[str], int]:
    """The body ceiling of a route, for shared.body_limit.BodySizeLimit: files go to /bulk, or
    to the portal's import (the file, then its refused lines posted back)."""

    def limit_for(path: str) -> int:
        is_file = path.endswith("/bulk") or path.startswith("/federation/import")
        return bulk_limit if is_file else json_limit

    return limit_for


class CorrelationAndAccessLog:
    """Takes X-Correlation-ID (or makes one), echoes it, logs method, route, status, time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-correlation-id", b"").decode("latin-1")
        cid = _uuid(given) or uuid.uuid4()
        scope.setdefault("state", {})["correlation_id"] = cid
        token = correlation_id.set(str(cid))
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-correlation-id", str(cid).encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            fields = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
            log.info("request", extra={"fields": fields})
            correlation_id.reset(token)


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _detail(status: int, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    install_validation_error_handler(app)

    @app.exception_handler(InvalidFields)
    async def invalid(_: Request, exc: InvalidFields) -> JSONResponse:
        # The same shape as FastAPI's own 422, so that clients read one format.
        detail = [
            {"loc": ["body", *e.field.split(".")], "msg": e.reason, "type": "value_error"}
            for e in exc.errors
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(NeedNotFound)
    async def not_found(_: Request, exc: NeedNotFound) -> JSONResponse:
        return _detail(404, exc)

    @app.exception_handler(NeedAlreadyClosed)
    async def closed(_: Request, exc: NeedAlreadyClosed) -> JSONResponse:
        return _detail(409, exc)

    @app.exception_handler(IdempotencyConflict)
    async def conflict(_: Request, exc: IdempotencyConflict) -> JSONResponse:
        return _detail(409, exc)

    @app.exception_handler(FileRejected)
    async def rejected(_: Request, exc: FileRejected) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)


__all__ = ["ERROR_RESPONSES", "CorrelationAndAccessLog", "ErrorOut", "body_limit_of", "json"]
