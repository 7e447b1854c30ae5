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
from shared.db.migrate import migrate
from shared.db.pool import connect, create_pool
from shared.keys import Keyring
from shared.outbox import install
from shared.referential.lookup import load_snapshot
from shared.referential.snapshot import Snapshot

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


async def prepare_database(dsn: str) -> Snapshot:
    """Apply the migrations, install the outbox, read the referential in force."""
    conn = await connect(dsn)
    try:
        await migrate(conn, schema=SCHEMA, directory=MIGRATIONS)
        await install(conn, schema=SCHEMA)
        return await load_snapshot(conn)
    finally:
        await conn.close()


async def bootstrap(
    settings: ActionsSettings,
    *,
    pool: asyncpg.Pool | None = None,
    referential: Snapshot | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Services:
    snapshot = await prepare_database(settings.dsn)
    referential = referential or snapshot
    if not referential.communes:
        raise RuntimeError(
            "the referential has no communes: run `python -m shared.referential import-communes`"
        )
    pool = pool or await create_pool(settings.dsn, max_size=settings.pool_size)
    return Services(
        settings=settings,
        pool=pool,
        keyring=settings.keyring(),
        referential=referential,
        clock=clock or utcnow,
    )
