"""A ceiling on request bodies (413), for every service that takes JSON or forms.

The declared Content-Length is checked first; a body sent without one (chunked) is counted as it
is read, so that no request can make a service buffer more than `max_bytes`. `limit_for`, if
given, sets the ceiling per path (a file upload route may take more than JSON routes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        limit_for: Callable[[str], int] | None = None,
    ) -> None:
        self.app, self.max_bytes, self.limit_for = app, max_bytes, limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"]) if self.limit_for else self.max_bytes
        refuse = JSONResponse({"detail": f"the body exceeds {limit} bytes"}, 413)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await refuse(scope, receive, send)
            return
        seen, started, refused = 0, False, False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit and not refused:
                refused = True
                if not started:
                    await refuse(scope, receive, send)
                # The app sees the client gone and stops reading; its own reply is dropped.
                return {"type": "http.disconnect"}
            return message

        async def tracked(message: Any) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, tracked)
