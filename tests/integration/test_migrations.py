"""Versioned SQL migrations apply once, in order, under a lock, on the real PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from shared.db.migrate import MigrationError, migrate
from shared.db.pool import connect


def _write(directory: Path, name: str, sql: str) -> None:
    (directory / name).write_text(sql, encoding="utf-8")


async def test_pending_migrations_apply_once_and_in_order(
    dsn: str, tmp_path: Path, unique: str
) -> None:
    schema = f"t_{unique}"
    _write(tmp_path, "001_create_things.sql", "create table things (id int primary key);")
    _write(tmp_path, "002_add_label.sql", "alter table things add column label text;")
    conn = await connect(dsn)
    try:
        assert await migrate(conn, schema=schema, directory=tmp_path) == [
            "001_create_things.sql",
            "002_add_label.sql",
        ]
        assert await migrate(conn, schema=schema, directory=tmp_path) == []
        await conn.execute(f"insert into {schema}.things values (1, 'ok')")
        versions = await conn.fetch(f"select version from {schema}.schema_migrations order by 1")
        assert [r["version"] for r in versions] == [1, 2]
    finally:
        await conn.execute(f"drop schema {schema} cascade")
        await conn.close()


async def test_a_failing_migration_leaves_the_schema_as_it_was(
    dsn: str, tmp_path: Path, unique: str
) -> None:
    schema = f"t_{unique}"
    _write(tmp_path, "001_create_things.sql", "create table things (id int primary key);")
    conn = await connect(dsn)
    try:
        await migrate(conn, schema=schema, directory=tmp_path)
        _write(tmp_path, "002_broken.sql", "alter table things add column x int; select nope;")
        with pytest.raises(asyncpg.PostgresError):
            await migrate(conn, schema=schema, directory=tmp_path)
        columns = await conn.fetch(
            "select column_name from information_schema.columns"
            " where table_schema = $1 and table_name = 'things'",
            schema,
        )
        assert [c["column_name"] for c in columns] == ["id"]
        assert await conn.fetchval(f"select max(version) from {schema}.schema_migrations") == 1
    finally:
        await conn.execute(f"drop schema {schema} cascade")
        await conn.close()


async def test_an_applied_migration_edited_afterwards_is_refused(
    dsn: str, tmp_path: Path, unique: str
) -> None:
    schema = f"t_{unique}"
    _write(tmp_path, "001_create_things.sql", "create table things (id int primary key);")
    conn = await connect(dsn)
    try:
        await migrate(conn, schema=schema, directory=tmp_path)
        _write(tmp_path, "001_create_things.sql", "create table things (id bigint primary key);")
        with pytest.raises(MigrationError, match="changed after being applied"):
            await migrate(conn, schema=schema, directory=tmp_path)
    finally:
        await conn.execute(f"drop schema {schema} cascade")
        await conn.close()


async def test_replicas_starting_together_apply_each_migration_once(
    dsn: str, tmp_path: Path, unique: str
) -> None:
    schema = f"t_{unique}"
    _write(
        tmp_path,
        "001_create_things.sql",
        "create table things (id int primary key); select pg_sleep(0.3);",
    )
    conns = [await connect(dsn) for _ in range(3)]
    try:
        results = await asyncio.gather(
            *(migrate(c, schema=schema, directory=tmp_path) for c in conns)
        )
        assert sorted(len(r) for r in results) == [0, 0, 1]
    finally:
        await conns[0].execute(f"drop schema {schema} cascade")
        for c in conns:
            await c.close()
