"""The one place that builds the real adapters (or takes those handed in by tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.adapters.trame_files import TrameCatalog, load_catalog
from services.candidate_profile.handlers.context import Context, utcnow
from services.candidate_profile.settings import SCHEMA, ProfileSettings
from shared.db.migrate import migrate
from shared.db.pool import connect, create_pool
from shared.outbox import install
from shared.referential.lookup import load_snapshot
from shared.referential.snapshot import Snapshot

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class Services:
    settings: ProfileSettings
    pool: asyncpg.Pool
    ctx: Context
    # The diagnostic's trame, every version: read at start, so a broken file stops the service.
    trames: TrameCatalog

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
    settings: ProfileSettings,
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
    ctx = Context(
        referential=referential,
        keyring=settings.keyring(),
        clock=clock or utcnow,
        inactivity_days=settings.inactivity_days,
        webhook_https_only=settings.environment == "production",
        webhook_allow_loopback=settings.webhook_allow_loopback,
    )
    trames = load_catalog()
    pool = pool or await create_pool(settings.dsn)
    return Services(settings=settings, pool=pool, ctx=ctx, trames=trames)
