"""Writing to the outbox, always inside the caller's transaction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import asyncpg

from shared.contracts import TOPIC_OF_EVENT, Event, encode_event
from shared.db.migrate import migrate
from shared.db.rows import insert_rows
from shared.kafka.broker import event_headers

MIGRATIONS = Path(__file__).parent / "migrations"


def _schema(schema: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise ValueError(f"invalid schema name {schema!r}")
    return schema


def channel(schema: str) -> str:
    return f"outbox_{_schema(schema)}"


async def install(conn: asyncpg.Connection, *, schema: str) -> None:
    """Create the outbox table in the service's schema (its own version table)."""
    await migrate(conn, schema=schema, directory=MIGRATIONS, version_table="outbox_migrations")


async def enqueue(
    conn: asyncpg.Connection,
    *,
    schema: str,
    topic: str,
    key: bytes | None,
    value: bytes | None,
    headers: dict[str, str] | None = None,
) -> int:
    # The NOTIFY rides on the insert (one round trip); it is delivered at commit only, so the
    # relay never wakes before the row is visible.
    row_id: int = await conn.fetchval(
        f"insert into {_schema(schema)}.outbox (topic, key, value, headers)"  # noqa: S608
        " values ($1, $2, $3, $4) returning id, pg_notify($5, '')",
        topic,
        key,
        value,
        headers or {},
        channel(schema),
    )
    return row_id


async def enqueue_event(conn: asyncpg.Connection, *, schema: str, event: Event) -> int:
    return await enqueue(
        conn,
        schema=schema,
        topic=TOPIC_OF_EVENT[type(event)].name,
        key=event.key(),
        value=encode_event(event),
        headers=event_headers(event),
    )


_COLUMNS = [("topic", "text"), ("key", "bytea"), ("value", "bytea"), ("headers", "jsonb")]


async def enqueue_events(conn: asyncpg.Connection, *, schema: str, events: Sequence[Event]) -> int:
    """Several events in one insert and one NOTIFY, their ids in the order given."""
    if not events:
        return 0
    await insert_rows(
        conn,
        f"{_schema(schema)}.outbox",
        _COLUMNS,
        [
            (TOPIC_OF_EVENT[type(e)].name, e.key(), encode_event(e), event_headers(e))
            for e in events
        ],
    )
    await conn.execute("select pg_notify($1, '')", channel(schema))
    return len(events)


async def enqueue_tombstone(
    conn: asyncpg.Connection, *, schema: str, topic: str, key: bytes
) -> int:
    return await enqueue(conn, schema=schema, topic=topic, key=key, value=None)


async def pending_count(conn: asyncpg.Connection, *, schema: str) -> int:
    count: int = await conn.fetchval(
        f"select count(*) from {_schema(schema)}.outbox where published_at is null"  # noqa: S608
    )
    return count


async def purge_published(conn: asyncpg.Connection, *, schema: str, keep_seconds: float) -> int:
    """Delete the rows published more than `keep_seconds` ago; how many."""
    status: str = await conn.execute(
        f"delete from {_schema(schema)}.outbox"  # noqa: S608
        " where published_at < now() - make_interval(secs => $1)",
        keep_seconds,
    )
    return int(status.split()[-1])


async def published_ages(conn: asyncpg.Connection, *, schema: str) -> list[tuple[float, int]]:
    """What a relay that takes the lead has to delete in time: (seconds since the last of them
    was published, their highest id) of the published rows per second of publication, oldest
    first. One read of the table, once."""
    second = "date_trunc('second', published_at)"
    rows = await conn.fetch(
        "select extract(epoch from now() - max(published_at))::float8 as age,"  # noqa: S608
        f" max(id) as upto from {_schema(schema)}.outbox where published_at is not null"
        f" group by {second} order by {second}"
    )
    return [(r["age"], r["upto"]) for r in rows]


async def purge_published_upto(
    conn: asyncpg.Connection, *, schema: str, last_id: int, keep_seconds: float
) -> int:
    """`purge_published` over the rows up to `last_id` only (a range of the primary key: no
    scan of the table). A row of a lower id published later (its transaction committed after
    a higher id's) stays until it is due too."""
    status: str = await conn.execute(
        f"delete from {_schema(schema)}.outbox"  # noqa: S608
        " where id <= $1 and published_at < now() - make_interval(secs => $2)",
        last_id,
        keep_seconds,
    )
    return int(status.split()[-1])


async def forget_keys(conn: asyncpg.Connection, *, schema: str, keys: Sequence[bytes]) -> int:
    """Delete every row under one of `keys`, published or not (an erased candidate's events)."""
    status: str = await conn.execute(
        f"delete from {_schema(schema)}.outbox where key = any($1::bytea[])",  # noqa: S608
        list(keys),
    )
    return int(status.split()[-1])
