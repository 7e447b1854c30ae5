"""Domain errors to HTTP statuses, in FastAPI's error shape (`detail[].loc` names the field)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.candidate_profile.domain.errors import (
    ConsentConflict,
    IdempotencyKeyReused,
    InvalidField,
    ProfileNotFound,
    ReadOnlyAccess,
    ReferentError,
)
from shared.validation_errors import install_validation_error_handler


def _detail(loc: tuple[str | int, ...], msg: str, kind: str) -> dict[str, object]:
    return {"detail": [{"loc": list(loc), "msg": msg, "type": kind}]}


def install_error_handlers(app: FastAPI) -> None:
    install_validation_error_handler(app)

    @app.exception_handler(InvalidField)
    async def invalid(_: Request, exc: InvalidField) -> JSONResponse:
        return JSONResponse(_detail(exc.field, exc.message, exc.kind), status_code=422)

    @app.exception_handler(IdempotencyKeyReused)
    async def reused(_: Request, exc: IdempotencyKeyReused) -> JSONResponse:
        loc = ("header", "Idempotency-Key")
        return JSONResponse(_detail(loc, str(exc), "idempotency_key_reused"), status_code=422)

    @app.exception_handler(ProfileNotFound)
    async def not_found(_: Request, exc: ProfileNotFound) -> JSONResponse:
        return JSONResponse({"detail": "profile not found"}, status_code=404)

    @app.exception_handler(ReadOnlyAccess)
    async def read_only(_: Request, exc: ReadOnlyAccess) -> JSONResponse:
        msg = "this profile is shared with your structure: read only"
        return JSONResponse({"detail": msg}, status_code=403)

    @app.exception_handler(ConsentConflict)
    async def conflict(_: Request, exc: ConsentConflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(ReferentError)
    async def referent(_: Request, exc: ReferentError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)
