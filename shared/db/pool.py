"""One asyncpg pool per process, created in a lifespan, with a JSON codec registered.

A connection goes back to the pool without asyncpg's reset statements (advisory unlock, CLOSE
ALL, UNLISTEN, RESET ALL: one more round trip and four statements each time, ~3 ms of CPU a
need + profile update pair between the services and PostgreSQL). The rule that makes this safe:
a pooled connection keeps no session state. Locks and settings are transaction-scoped
(`pg_advisory_xact_lock`, `set local`); LISTEN and session locks (the outbox relay's leadership,
the delivery listener) live on a connection of their own (`connect`). A transaction left open
is still rolled back on release, by asyncpg itself.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


class _Pooled(asyncpg.Connection):
    def get_reset_query(self) -> str:
        return ""


async def create_pool(
    dsn: str, *, min_size: int = 1, max_size: int = 10, **kw: Any
) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        connection_class=_Pooled,
        **kw,
    )
    assert pool is not None
    return pool


async def connect(dsn: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn)
    await _init_connection(conn)
    return conn
