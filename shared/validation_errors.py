"""A 422 for a request body that does not validate, safe to send whatever the body held.

FastAPI's default reply echoes each bad value ("input"): a body with NaN or Infinity then cannot
be written as JSON and the reply becomes a 500, and a bad value may be personal data (a phone
number, a sentence about someone's health). This reply names the field, the rule and the
message, never the value.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def install_validation_error_handler(app: FastAPI) -> None:
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e["loc"]), "msg": str(e["msg"]), "type": str(e["type"])}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    app.add_exception_handler(RequestValidationError, invalid)  # type: ignore[arg-type]
