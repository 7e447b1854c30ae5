"""The one place that builds the real adapters (or takes the ones a test hands in)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg

from shared.db.migrate import migrate
from shared.db.pool import create_pool
from shared.keys import Keyring
from shared.outbox import install
from shared.referential.lookup import load_snapshot
from shared.referential.snapshot import Snapshot

from .adapters.pg_pool import connection
from .domain.ratelimit import TokenBuckets
from .domain.rome_coding import RomeSuggester
from .handlers import Intake
from .settings import SCHEMA, IntakeSettings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class Container:
    settings: IntakeSettings
    intake: Intake
    limiter: TokenBuckets

    @property
    def pool(self) -> asyncpg.Pool:
        return self.intake.pool

    @property
    def keyring(self) -> Keyring:
        return self.settings.keyring()


async def prepare_schema(conn: asyncpg.Connection) -> None:
    await migrate(conn, schema=SCHEMA, directory=MIGRATIONS)
    await install(conn, schema=SCHEMA)


async def bootstrap(
    settings: IntakeSettings,
    *,
    pool: asyncpg.Pool | None = None,
    snapshot: Snapshot | None = None,
    suggester: RomeSuggester | None = None,
) -> Container:
    """Pool, schema, referential snapshot and ROME scorer; nothing here runs at import."""
    pool = pool or await create_pool(settings.dsn, max_size=settings.pool_size)
    async with connection(pool) as conn:
        await prepare_schema(conn)
        if snapshot is None:
            snapshot = await load_snapshot(conn)
    if suggester is None:
        suggester = await asyncio.to_thread(RomeSuggester, snapshot)
    intake = Intake(
        pool=pool,
        snapshot=snapshot,
        suggester=suggester,
        duplicate_window=timedelta(days=settings.duplicate_window_days),
    )
    limiter = TokenBuckets(rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst)
    return Container(settings=settings, intake=intake, limiter=limiter)
