"""Fixtures on the real stack started by `make stack-up` (Kafka 127.0.0.1:9092, PG :55432)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from shared.db.pool import connect
from shared.settings import load_base_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def settings():  # type: ignore[no-untyped-def]
    return load_base_settings()


@pytest.fixture(scope="session")
def dsn(settings) -> str:  # type: ignore[no-untyped-def]
    return settings.dsn


@pytest.fixture(scope="session")
def kafka_bootstrap(settings) -> str:  # type: ignore[no-untyped-def]
    return settings.kafka_bootstrap


@pytest.fixture
async def db_conn(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection inside a transaction rolled back after the test: nothing is left behind."""
    conn = await connect(dsn)
    tx = conn.transaction()
    await tx.start()
    try:
        yield conn
    finally:
        await tx.rollback()
        await conn.close()


@pytest.fixture
def unique() -> str:
    """A short unique suffix: tests use unique ids instead of teardown code."""
    return uuid.uuid4().hex[:10]
