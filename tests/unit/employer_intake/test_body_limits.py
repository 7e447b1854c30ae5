"""The intake API caps bodies per route: JSON needs at one size, files sent to /needs/bulk at a
larger one; a streamed (chunked) JSON body is counted as it is read."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from services.employer_intake.entrypoints.app import create_app
from services.employer_intake.settings import IntakeSettings

JSON_LIMIT, BULK_LIMIT = 2048, 8192


def client() -> TestClient:
    # No lifespan (no database): a refused body never reaches a route.
    settings = IntakeSettings(max_json_bytes=JSON_LIMIT, max_bulk_bytes=BULK_LIMIT)
    return TestClient(create_app(settings, relay=False), raise_server_exceptions=False)


def chunks(size: int) -> Iterator[bytes]:
    for _ in range(size // 1024):
        yield b"x" * 1024


def test_a_json_need_over_its_limit_is_refused_with_413_naming_the_limit() -> None:
    r = client().post("/needs", content=b"{" + b" " * JSON_LIMIT + b"}")
    assert r.status_code == 413
    assert r.json() == {"detail": f"the body exceeds {JSON_LIMIT} bytes"}


def test_a_streamed_json_body_over_the_limit_is_refused_too() -> None:
    assert client().post("/needs", content=chunks(JSON_LIMIT * 2)).status_code == 413


def test_a_file_larger_than_a_json_body_is_let_through_to_bulk_but_not_past_its_own_limit() -> None:
    c = client()
    headers = {"Content-Type": "text/csv"}
    # Past the middleware: without a database the route fails, but not with a 413.
    let_through = c.post("/needs/bulk", content=b"a" * (JSON_LIMIT * 2), headers=headers)
    assert let_through.status_code != 413
    over = c.post("/needs/bulk", content=b"a" * (BULK_LIMIT + 1), headers=headers)
    assert over.status_code == 413 and str(BULK_LIMIT) in over.json()["detail"]
