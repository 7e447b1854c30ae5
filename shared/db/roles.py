"""One PostgreSQL login role per service, allowed into its own schema only.

Run by the owner (the admin DSN) after the migrations: creates the roles that are missing, sets
their passwords when given, and brings every grant to what `shared/db/catalog.py` declares, so a
grant given by hand to a role on another service's schema is taken back at the next run.
A service role may read and write the rows of its schema (DML, sequences), read the version
tables and, where declared, the referential; it can create, alter or drop nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import asyncpg

from shared.db.catalog import COMPONENTS, VERSION_TABLES, service_roles

DML = "select, insert, update, delete"


async def ensure_roles(
    conn: asyncpg.Connection, *, passwords: Mapping[str, str] | None = None
) -> list[str]:
    """Create and grant every service role; return one line per role for the operator."""
    report = []
    for component in service_roles():
        role = component.role
        assert role is not None
        created = await _ensure_login_role(conn, role, (passwords or {}).get(role))
        async with conn.transaction():
            await _revoke_everywhere(conn, role)
            await _grant_own(conn, role, component.schema)
            for schema in component.reads:
                await _grant_read(conn, role, schema)
        state = "created" if created else "exists "
        reads = f", reads {', '.join(component.reads)}" if component.reads else ""
        report.append(f"{role:<14} {state} rows of {component.schema}{reads}")
    return report


async def _ensure_login_role(conn: asyncpg.Connection, role: str, password: str | None) -> bool:
    exists = await conn.fetchval("select 1 from pg_roles where rolname = $1", role)
    if not exists:
        await _run(conn, "create role %I login", role)
    if password is not None:
        await _run(conn, "alter role %I password %L", role, password)
    return not exists


async def _schemas(conn: asyncpg.Connection) -> list[str]:
    declared = [c.schema for c in COMPONENTS]
    rows = await conn.fetch("select nspname from pg_namespace where nspname = any($1)", declared)
    return [r["nspname"] for r in rows]


async def _revoke_everywhere(conn: asyncpg.Connection, role: str) -> None:
    for schema in await _schemas(conn):
        await _run(conn, "revoke all on all tables in schema %I from %I", schema, role)
        await _run(conn, "revoke all on all sequences in schema %I from %I", schema, role)
        await _run(conn, "revoke all on schema %I from %I", schema, role)
        await _run(
            conn, "alter default privileges in schema %I revoke all on tables from %I", schema, role
        )
        await _run(
            conn,
            "alter default privileges in schema %I revoke all on sequences from %I",
            schema,
            role,
        )


async def _grant_own(conn: asyncpg.Connection, role: str, schema: str) -> None:
    await _run(conn, "grant usage on schema %I to %I", schema, role)
    await _run(conn, f"grant {DML} on all tables in schema %I to %I", schema, role)
    await _run(conn, "grant usage, select on all sequences in schema %I to %I", schema, role)
    # Tables a later migration adds (created by this same owner) get the same rights.
    await _run(
        conn, f"alter default privileges in schema %I grant {DML} on tables to %I", schema, role
    )
    await _run(
        conn,
        "alter default privileges in schema %I grant usage, select on sequences to %I",
        schema,
        role,
    )
    for table in VERSION_TABLES:
        if await conn.fetchval(
            "select to_regclass(format('%I.%I', $1::text, $2::text))", schema, table
        ):
            await _run(conn, "revoke insert, update, delete on %I.%I from %I", schema, table, role)


async def _grant_read(conn: asyncpg.Connection, role: str, schema: str) -> None:
    await _run(conn, "grant usage on schema %I to %I", schema, role)
    await _run(conn, "grant select on all tables in schema %I to %I", schema, role)
    await _run(
        conn, "alter default privileges in schema %I grant select on tables to %I", schema, role
    )


async def _run(conn: asyncpg.Connection, template: str, *names: str) -> None:
    """DDL takes no bind parameters: format()'s %I and %L quote names and values server-side."""
    placeholders = ", ".join(f"${i}::text" for i in range(1, len(names) + 1))
    sql = await conn.fetchval(f"select format('{template}', {placeholders})", *names)
    await conn.execute(sql)
