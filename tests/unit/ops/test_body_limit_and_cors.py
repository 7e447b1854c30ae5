"""Request bodies have a ceiling on every service, and no service answers cross-origin reads."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.body_limit import BodySizeLimit
from shared.correlation import CorrelationIdMiddleware


def small_app() -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(body: dict[str, str]) -> dict[str, int]:
        return {"keys": len(body)}

    app.add_middleware(CorrelationIdMiddleware)
    app.add_middleware(BodySizeLimit, max_bytes=1024)
    return app


def test_a_body_over_the_limit_is_refused_with_413_whether_declared_or_chunked() -> None:
    client = TestClient(small_app())
    big = '{"a": "' + "x" * 2000 + '"}'
    assert client.post("/echo", content=big).status_code == 413
    chunks = (part.encode() for part in (big[:700], big[700:]))
    assert client.post("/echo", content=chunks).status_code == 413
    assert client.post("/echo", json={"a": "b"}).status_code == 200


def test_the_correlation_id_given_is_echoed_and_one_is_made_up_otherwise() -> None:
    client = TestClient(small_app())
    given = str(uuid.uuid4())
    r = client.post("/echo", json={}, headers={"X-Correlation-Id": given})
    assert r.headers["x-correlation-id"] == given
    made = client.post("/echo", json={}).headers["x-correlation-id"]
    assert uuid.UUID(made) and made != given


def test_no_service_module_opens_cors() -> None:
    from pathlib import Path

    services = Path(__file__).resolve().parents[3] / "services"
    opened = [
        p for p in services.rglob("*.py") if "CORSMiddleware" in p.read_text(encoding="utf-8")
    ]
    assert opened == []
