"""Events leave through the transactional outbox of schema `profiles`."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import asyncpg

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.settings import SCHEMA
from shared import topics
from shared.contracts import Event
from shared.outbox import enqueue_event, enqueue_tombstone


def _plain(conn: Conn) -> asyncpg.Connection:
    # shared.outbox is typed for a bare connection; a pool's proxy forwards every call to one.
    return cast(asyncpg.Connection, conn)


async def publish(conn: Conn, event: Event) -> None:
    await enqueue_event(_plain(conn), schema=SCHEMA, event=event)


async def tombstone(conn: Conn, key: bytes) -> None:
    """A null value under the key: compaction then forgets every earlier record of it."""
    await enqueue_tombstone(_plain(conn), schema=SCHEMA, topic=topics.CANDIDATES.name, key=key)


async def forget_key(conn: Conn, key: bytes) -> None:
    """Drop what is already published, or superseded by the erasure, for this key.

    Earlier ProfileUpserted rows carry the candidate's data; once ProfileErased is queued they
    serve nobody (the matcher drops the profile anyway).
    """
    await conn.execute(
        f"delete from {SCHEMA}.outbox where key = $1",  # noqa: S608
        key,
    )


async def purge_published(conn: Conn, *, before: datetime) -> int:
    status = await conn.execute(
        f"delete from {SCHEMA}.outbox where published_at < $1",  # noqa: S608
        before,
    )
    return int(status.split()[-1])
