"""Many rows in one INSERT: stored as given, in order, the first of two conflicting rows kept."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg

from shared.db.rows import insert_rows

COLUMNS = [
    ("ref", "uuid"),
    ("label", "text"),
    ("tags", "text[]"),
    ("doc", "jsonb"),
    ("blob", "bytea"),
    ("at", "timestamptz"),
]
AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


async def _table(conn: asyncpg.Connection) -> str:
    await conn.execute(
        """create temporary table rows_test (id bigserial primary key, ref uuid unique,
               label text, tags text[] not null default '{}', doc jsonb, blob bytea,
               at timestamptz) on commit drop"""
    )
    return "rows_test"


async def test_rows_are_stored_as_given_with_ids_in_their_order(
    db_conn: asyncpg.Connection,
) -> None:
    table = await _table(db_conn)
    refs = [uuid.uuid4() for _ in range(5)]
    rows = [
        (refs[0], "maçon", ["CD31", "MLTO"], {"a": [1, 2]}, b"\x00k", AT),
        (refs[1], None, [], [{"x": 1}], None, None),  # a JSON list stays a list
        (refs[2], 'l\'ouvrier "qualifié"', ["one"], None, b"", AT),
        (refs[3], "é" * 300, ["a", "b", "c"], {"deep": {"b": True}}, b"v", AT),
        (refs[4], "", [], {}, b"\xff", AT),
    ]
    stored = await insert_rows(db_conn, table, COLUMNS, rows, returning="ref")
    assert [r["ref"] for r in stored] == refs
    read = await db_conn.fetch(f"select * from {table} order by id")
    assert [r["ref"] for r in read] == refs  # serial ids follow the order given
    assert [tuple(r[c] for c, _ in COLUMNS) for r in read] == rows


async def test_the_first_of_two_conflicting_rows_wins_and_the_stored_row_is_kept(
    db_conn: asyncpg.Connection,
) -> None:
    table = await _table(db_conn)
    old, new = uuid.uuid4(), uuid.uuid4()
    await insert_rows(db_conn, table, COLUMNS[:2], [(old, "stored before")])
    rows = [(new, "first"), (old, "again"), (new, "second")]
    stored = await insert_rows(
        db_conn, table, COLUMNS[:2], rows, tail="on conflict do nothing", returning="label"
    )
    assert [r["label"] for r in stored] == ["first"]
    read = await db_conn.fetch(f"select ref, label from {table} order by id")
    assert [tuple(r) for r in read] == [(old, "stored before"), (new, "first")]


async def test_an_empty_batch_inserts_nothing(db_conn: asyncpg.Connection) -> None:
    table = await _table(db_conn)
    assert await insert_rows(db_conn, table, COLUMNS, [], returning="ref") == []
    assert await db_conn.fetchval(f"select count(*) from {table}") == 0
    await insert_rows(db_conn, table, COLUMNS[:1], [(uuid.uuid4(),)])  # control
    assert await db_conn.fetchval(f"select count(*) from {table}") == 1
