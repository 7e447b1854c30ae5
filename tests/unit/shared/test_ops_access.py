"""What no user needs is for ops only: the API document and the metrics answer an ops assertion,
the documentation pages are off, and the open probes say nothing but ok / not ready."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI

from shared.http import health_router
from shared.identity import issue
from shared.keys import Keyring
from shared.ops_access import install_ops_routes

RING = Keyring(b"o" * 32)


def app_with_ops_routes() -> FastAPI:
    async def fails() -> None:
        raise ConnectionRefusedError("10.0.0.7:5432 refused")

    app = FastAPI(title="demo")
    app.include_router(health_router({"postgres": fails}))
    install_ops_routes(app, RING)
    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def get(path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app_with_ops_routes())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get(path, headers=headers)


async def test_the_api_document_and_the_metrics_answer_ops_only() -> None:
    ops = issue(RING, role="ops", subject="prometheus", scope="*", lifetime=timedelta(days=1))
    referent = issue(RING, role="referent", subject="r", scope="CD31")
    forged = issue(Keyring(b"x" * 32), role="ops", subject="p", scope="*")
    for path in ("/openapi.json", "/metrics"):
        assert (await get(path, bearer(ops))).status_code == 200
        assert (await get(path)).status_code == 401
        assert (await get(path, bearer(forged))).status_code == 401
        refused = await get(path, bearer(referent))
        assert refused.status_code == 403 and "Accès refusé" in refused.json()["detail"]
    assert (await get("/openapi.json", bearer(ops))).json()["info"]["title"] == "demo"
    assert "python_info" in (await get("/metrics", bearer(ops))).text


async def test_the_documentation_pages_are_switched_off() -> None:
    ops = issue(RING, role="ops", subject="p", scope="*")
    assert (await get("/openapi.json", bearer(ops))).status_code == 200
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert (await get(path)).status_code == 404


async def test_the_open_probes_say_nothing_but_their_state() -> None:
    assert (await get("/healthz")).json() == {"status": "ok"}
    ready = await get("/readyz")
    assert ready.status_code == 503 and ready.json() == {"status": "not ready"}
    assert "postgres" not in ready.text and "Connection" not in ready.text
