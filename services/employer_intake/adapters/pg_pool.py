"""Connections borrowed from the pool, typed as the connections the repositories take."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import cast

import asyncpg


@contextlib.asynccontextmanager
async def connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with pool.acquire() as proxy:
        # A pool's proxy forwards every call to its connection; the stubs type them apart.
        yield cast(asyncpg.Connection, proxy)


@contextlib.asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    async with connection(pool) as conn, conn.transaction():
        yield conn
