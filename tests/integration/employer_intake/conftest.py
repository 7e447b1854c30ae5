"""The intake API on the real stack: the app with its lifespan (pool, referential, outbox relay),
called in process through httpx's ASGI transport; keys made per test for unique federations."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI

from services.employer_intake.adapters.pg_api_keys import create_key
from services.employer_intake.adapters.pg_pool import connection
from services.employer_intake.domain import apikeys
from services.employer_intake.entrypoints.app import create_app
from services.employer_intake.settings import IntakeSettings
from shared.topics import NEEDS

MakeKey = Callable[..., Awaitable[str]]


@pytest.fixture(scope="session")
async def intake_app() -> AsyncIterator[FastAPI]:
    app = create_app(IntakeSettings(rate_limit_per_second=0))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(intake_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=intake_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as c:
        yield c


@pytest.fixture
def make_key(intake_app: FastAPI) -> MakeKey:
    async def make(federation: str, *, expires_at: Any = None) -> str:
        container = intake_app.state.container
        new = apikeys.generate()
        kid, pepper = container.keyring.current("api-key")
        async with connection(container.pool) as conn:
            await create_key(
                conn,
                federation=federation,
                prefix=new.prefix,
                key_hash=apikeys.digest(new.key, pepper=pepper),
                key_kid=kid,
                label="test",
                expires_at=expires_at,
            )
        return new.key

    return make


@pytest.fixture
def federation(unique: str) -> str:
    return f"T{unique}"


@pytest.fixture
async def headers(make_key: MakeKey, federation: str) -> dict[str, str]:
    return {"X-API-Key": await make_key(federation)}


def need_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "employer_name": "Bâtir Garonne SARL",
        "siret": f"{uuid.uuid4().int % 10**14:014d}",
        "title": "Maçon / Maçonne H/F",
        "description": "Chantiers de rénovation à Muret.",
        "skills": ["coffrage", "lecture de plans"],
        "commune_insee": "31395",
        "contract_type": "CDD",
        "hours_per_week": 35,
        "positions": 2,
        "driving_licence_required": True,
        "schedules": ["day", "early_morning"],
        "start_date": "2027-01-04",
        "open_to_beginners": True,
    }
    return {**body, **changes}


async def read_needs_topic(
    bootstrap: str, federation: str, *, expected: int, wait_seconds: float = 60
) -> list[dict[str, Any]]:
    """Every event of this federation on spie.needs.v1 from the beginning; waits for
    `expected`, then reads a little longer so that a duplicate would show."""
    consumer = AIOKafkaConsumer(
        NEEDS.name,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,  # no group: every partition, nothing committed
    )
    await consumer.start()
    found: list[dict[str, Any]] = []

    async def poll(ms: int) -> None:
        batch = await consumer.getmany(timeout_ms=ms)
        for records in batch.values():
            for r in records:
                # The fault suite and the matcher's tests put poison messages on this topic.
                try:
                    event = json.loads(r.value or b"")
                except ValueError:
                    continue
                payload = event.get("payload") if isinstance(event, dict) else None
                if isinstance(payload, dict) and payload.get("federation") == federation:
                    found.append(event)

    try:
        async with asyncio.timeout(wait_seconds):
            while len(found) < expected:
                await poll(1000)
        await poll(2000)
    finally:
        await consumer.stop()
    return found
