"""The one place that builds the real adapters (or takes those handed in by tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from services.actions.adapters.db import Conn
from services.actions.settings import SCHEMA, ActionsSettings
from shared.db.pool import create_pool
from shared.keys import Keyring
from shared.referential.snapshot import Snapshot
from shared.service_db import prepare_with_referential

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    settings: ActionsSettings
    pool: asyncpg.Pool
    keyring: Keyring
    # Communes (places, distances, names) and ROME fiches (trades' labels), read at start.
    referential: Snapshot
    clock: Callable[[], datetime]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Conn]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield conn


async def prepare_database(dsn: str, given: Snapshot | None = None) -> Snapshot:
    """Apply the migrations, install the outbox, read the referential in force."""
    return await prepare_with_referential(dsn, schema=SCHEMA, migrations=MIGRATIONS, given=given)


async def bootstrap(
    settings: ActionsSettings,
    *,
    pool: asyncpg.Pool | None = None,
    referential: Snapshot | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Services:
    referential = await prepare_database(settings.dsn, referential)
    pool = pool or await create_pool(settings.dsn, max_size=settings.pool_size)
    return Services(
        settings=settings,
        pool=pool,
        keyring=settings.keyring(),
        referential=referential,
        clock=clock or utcnow,
    )
