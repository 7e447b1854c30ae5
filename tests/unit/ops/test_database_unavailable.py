"""While PostgreSQL is down or restarting, a request is told 503 and when to try again, not 500."""

from __future__ import annotations

import asyncpg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.http import install_unavailable_handler


def _rollback_after_cut() -> Exception:
    """What a transaction's ROLLBACK raises on a connection PostgreSQL just ended."""
    try:
        try:
            raise asyncpg.exceptions.AdminShutdownError("terminating connection")
        except asyncpg.PostgresError:
            raise asyncpg.exceptions.InternalClientError(  # noqa: B904 (the context is the point)
                "cannot switch to state 15; another operation (2) is in progress"
            )
    except asyncpg.exceptions.InternalClientError as exc:
        return exc


OUTAGES: dict[str, Exception] = {
    "refused": ConnectionRefusedError(111, "Connect call failed"),
    "cut": asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    "shutting-down": asyncpg.exceptions.AdminShutdownError("terminating connection"),
    "starting-up": asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    "pool-timeout": TimeoutError(),
    "rollback-after-cut": _rollback_after_cut(),
    "statement-after-the-server-ended-it": asyncpg.exceptions.InternalClientError(
        "cannot switch to state 12; another operation (2) is in progress"
    ),
}


def app_failing_with(exc: Exception) -> FastAPI:
    app = FastAPI()

    @app.post("/needs")
    async def post_need() -> None:
        raise exc

    install_unavailable_handler(app, retry_after=7)
    return app


@pytest.mark.parametrize("outage", sorted(OUTAGES))
def test_a_request_during_a_database_outage_gets_503_with_retry_after(outage: str) -> None:
    r = TestClient(app_failing_with(OUTAGES[outage])).post("/needs", json={})
    assert r.status_code == 503
    assert r.headers["retry-after"] == "7"
    assert r.json()["retry_after"] == 7
    assert "not accepted" in r.json()["detail"]


def test_a_programming_error_is_still_a_500_not_a_503() -> None:
    client = TestClient(app_failing_with(ValueError("bug")), raise_server_exceptions=False)
    assert client.post("/needs", json={}).status_code == 500


def test_a_statement_the_database_refuses_is_a_500_not_a_503() -> None:
    refused = asyncpg.exceptions.UniqueViolationError("duplicate key")
    client = TestClient(app_failing_with(refused), raise_server_exceptions=False)
    assert client.post("/needs", json={}).status_code == 500
    # Beside it, the same family of error saying the server is away: 503.
    away = asyncpg.exceptions.AdminShutdownError("terminating connection")
    assert TestClient(app_failing_with(away)).post("/needs", json={}).status_code == 503
