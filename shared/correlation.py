"""The correlation id of a request: taken from `X-Correlation-Id` or made up, kept in the
`shared.logs.correlation_id` contextvar for the request (log lines carry it, events take it)
and returned in the response header. Pure ASGI, so that it wraps streaming bodies too."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.logs import correlation_id

HEADER = b"x-correlation-id"


def current_correlation_id() -> uuid.UUID | None:
    """The correlation id of the request or message being handled, if it is a UUID."""
    try:
        return uuid.UUID(correlation_id.get() or "")
    except ValueError:
        return None


class CorrelationIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER, b"").decode("latin-1")
        try:
            cid = uuid.UUID(given[:36])
        except ValueError:
            cid = uuid.uuid4()
        token = correlation_id.set(str(cid))

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, str(cid).encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)
