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
from shared.db.pool import create_pool
from shared.referential.snapshot import Snapshot
from shared.service_db import prepare_with_referential

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


async def prepare_database(dsn: str, given: Snapshot | None = None) -> Snapshot:
    """Apply the migrations, install the outbox, read the referential in force."""
    return await prepare_with_referential(dsn, schema=SCHEMA, migrations=MIGRATIONS, given=given)


async def bootstrap(
    settings: ProfileSettings,
    *,
    pool: asyncpg.Pool | None = None,
    referential: Snapshot | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Services:
    referential = await prepare_database(settings.dsn, referential)
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
