"""A minimal, versioned SQL migration runner for asyncpg.

Each component (a service, or the shared referential) owns one PostgreSQL schema and a folder of
`NNN_description.sql` files. Applied versions are recorded in `<schema>.schema_migrations` with a
checksum; an advisory lock keyed on the schema name lets several replicas start at once safely.
No maintained tool fits asyncpg without pulling in another driver, and this is ~80 lines.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

_NAME = re.compile(r"^(\d{3,})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """A migration file is malformed, or an applied one was edited afterwards."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: name must look like 001_create_needs.sql")
        found.append(Migration(int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{directory}: two migrations share a version number")
    return found


async def migrate(
    conn: asyncpg.Connection,
    *,
    schema: str,
    directory: Path,
    version_table: str = "schema_migrations",
) -> list[str]:
    """Apply the pending migrations of `directory` into `schema`; return the names applied."""
    for name in (schema, version_table):
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise MigrationError(f"invalid identifier {name!r}")
    migrations = discover(directory)
    applied_now: list[str] = []
    await conn.execute("select pg_advisory_lock(hashtext($1))", f"migrate:{schema}.{version_table}")
    try:
        if await _nothing_pending(conn, schema, version_table, migrations):
            # A service connected as its own role may not create anything: once the owner has
            # migrated (`python -m shared.db setup`), its start-up check runs no DDL at all.
            return applied_now
        try:
            await conn.execute(f"create schema if not exists {schema}")
        except asyncpg.InsufficientPrivilegeError as e:
            raise MigrationError(
                f"{schema}: migrations are pending and this role may not apply them: run"
                " `python -m shared.db setup` with the owner's DSN first"
            ) from e
        await conn.execute(
            f"""create table if not exists {schema}.{version_table} (
                   version integer primary key,
                   name text not null,
                   checksum text not null,
                   applied_at timestamptz not null default now())"""
        )
        rows = await conn.fetch(
            f"select version, name, checksum from {schema}.{version_table}"  # noqa: S608
        )
        done = {r["version"]: r for r in rows}
        for m in migrations:
            if m.version in done:
                if done[m.version]["checksum"] != m.checksum:
                    raise MigrationError(
                        f"{schema}: migration {m.name} was changed after being applied"
                    )
                continue
            async with conn.transaction():
                await conn.execute(f"set local search_path to {schema}, public")
                await conn.execute(m.sql)
                await conn.execute(
                    f"insert into {schema}.{version_table} (version, name, checksum)"  # noqa: S608
                    " values ($1, $2, $3)",
                    m.version,
                    m.name,
                    m.checksum,
                )
            applied_now.append(m.name)
    finally:
        await conn.execute(
            "select pg_advisory_unlock(hashtext($1))", f"migrate:{schema}.{version_table}"
        )
    return applied_now


async def _nothing_pending(
    conn: asyncpg.Connection, schema: str, version_table: str, migrations: list[Migration]
) -> bool:
    if not await conn.fetchval("select to_regclass($1)", f"{schema}.{version_table}"):
        return False
    rows = await conn.fetch(
        f"select version, checksum from {schema}.{version_table}"  # noqa: S608
    )
    done = {r["version"]: r["checksum"] for r in rows}
    for m in migrations:
        if m.version in done and done[m.version] != m.checksum:
            raise MigrationError(f"{schema}: migration {m.name} was changed after being applied")
    return all(m.version in done for m in migrations)
