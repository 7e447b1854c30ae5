"""One PostgreSQL role per service: each may read and write its own schema only.

As each service's role, tries to read, insert and delete in every table of every other
service's schema (kind "cross-schema access"), to write the referential it may only read, and
to change the shape of its own tables; each refusal has its positive control beside it: the same
role reads every table of its own schema and writes and deletes a row of its outbox.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import pytest_asyncio

from shared.db.catalog import COMPONENTS, Component, service_roles
from shared.db.migrate import MigrationError, migrate
from shared.settings import load_base_settings
from tests.security.conftest import AttackLedger, cli

pytestmark = pytest.mark.security

ROLES = service_roles()
SCHEMAS = [c.schema for c in COMPONENTS]


def role_dsn(admin_dsn: str, role: str) -> str:
    """The admin's address with the service role as user (trust auth on the local stack)."""
    parts = urlsplit(admin_dsn)
    password = os.environ.get(f"SPIE_DB_PASSWORD_{role.removeprefix('spie_').upper()}")
    user = f"{role}:{password}" if password else role
    return urlunsplit(parts._replace(netloc=f"{user}@{parts.hostname}:{parts.port}"))


@pytest_asyncio.fixture(scope="module")
async def tables() -> AsyncIterator[dict[str, list[str]]]:
    """Migrates and grants as the owner (what stack.sh does), then lists every schema's tables."""
    cli("shared.db", "setup")
    admin = await asyncpg.connect(load_base_settings().dsn)
    try:
        rows = await admin.fetch(
            "select schemaname, tablename from pg_tables where schemaname = any($1::text[])"
            " order by 1, 2",
            SCHEMAS,
        )
    finally:
        await admin.close()
    found: dict[str, list[str]] = {s: [] for s in SCHEMAS}
    for r in rows:
        found[r["schemaname"]].append(r["tablename"])
    assert all(found.values()), f"a schema has no table: {found}"
    yield found


async def refused(conn: asyncpg.Connection, sql: str) -> bool:
    try:
        async with conn.transaction():
            await conn.execute(sql)
            raise _RollBack
    except asyncpg.InsufficientPrivilegeError:
        return True
    except _RollBack:
        return False


class _RollBack(Exception):
    """Leaves whatever an allowed statement did uncommitted."""


@pytest.mark.parametrize("service", ROLES, ids=lambda c: c.role)
async def test_a_service_role_cannot_touch_another_services_tables(
    service: Component, tables: dict[str, list[str]], attacks: AttackLedger
) -> None:
    role = str(service.role)
    conn = await asyncpg.connect(role_dsn(load_base_settings().dsn, role))
    try:
        for other in ROLES:
            if other.schema == service.schema:
                continue
            for table in tables[other.schema]:
                for verb, sql in (
                    ("select", f"select * from {other.schema}.{table} limit 1"),
                    ("insert", f"insert into {other.schema}.{table} default values"),
                    ("delete", f"delete from {other.schema}.{table}"),
                ):
                    attacks.record(
                        "cross-schema access",
                        f"{role} {verb} {other.schema}.{table}",
                        got_through=not await refused(conn, sql),
                    )
        for table in tables["referential"]:
            for verb, sql in (
                ("insert", f"insert into referential.{table} default values"),
                ("delete", f"delete from referential.{table}"),
            ):
                attacks.record(
                    "cross-schema access",
                    f"{role} {verb} referential.{table}",
                    got_through=not await refused(conn, sql),
                )
    finally:
        await conn.close()
    assert not attacks.through, attacks.through


@pytest.mark.parametrize("service", ROLES, ids=lambda c: c.role)
async def test_a_service_role_reads_and_writes_its_own_schema(
    service: Component, tables: dict[str, list[str]]
) -> None:
    role, schema = str(service.role), service.schema
    conn = await asyncpg.connect(role_dsn(load_base_settings().dsn, role))
    try:
        for table in tables[schema]:
            await conn.fetch(f"select * from {schema}.{table} limit 1")
        async with conn.transaction():
            row_id = await conn.fetchval(
                f"insert into {schema}.outbox (topic, key, value) values ('t', 'k', 'v')"
                " returning id"
            )
            deleted = await conn.execute(f"delete from {schema}.outbox where id = $1", row_id)
            assert deleted == "DELETE 1"
        who = await conn.fetchval("select current_user")
    finally:
        await conn.close()
    assert who == role


@pytest.mark.parametrize("service", ROLES, ids=lambda c: c.role)
async def test_the_referential_is_readable_only_by_the_services_that_need_it(
    service: Component, tables: dict[str, list[str]], attacks: AttackLedger
) -> None:
    role = str(service.role)
    reads = "referential" in service.reads
    conn = await asyncpg.connect(role_dsn(load_base_settings().dsn, role))
    try:
        for table in tables["referential"]:
            was_refused = await refused(conn, f"select * from referential.{table} limit 1")
            if reads:
                assert not was_refused, f"{role} needs referential.{table}"  # positive control
            else:
                attacks.record(
                    "cross-schema access",
                    f"{role} select referential.{table}",
                    got_through=not was_refused,
                )
    finally:
        await conn.close()
    assert not attacks.through, attacks.through


@pytest.mark.parametrize("service", ROLES, ids=lambda c: c.role)
async def test_a_service_role_cannot_change_the_shape_of_its_own_schema(
    service: Component, attacks: AttackLedger
) -> None:
    role, schema = str(service.role), service.schema
    conn = await asyncpg.connect(role_dsn(load_base_settings().dsn, role))
    try:
        for verb, sql in (
            ("create table", f"create table {schema}.planted (id int)"),
            ("drop table", f"drop table {schema}.outbox"),
            ("alter table", f"alter table {schema}.outbox add column planted int"),
            ("write migrations", f"delete from {schema}.schema_migrations"),
            ("create schema", "create schema planted"),
        ):
            attacks.record(
                "schema change by a service",
                f"{role} {verb}",
                got_through=not await refused(conn, sql),
            )
    finally:
        await conn.close()
    assert not attacks.through, attacks.through


async def test_the_running_services_connect_as_their_own_roles(
    service_urls: dict[str, str],
) -> None:
    admin = await asyncpg.connect(load_base_settings().dsn)
    try:
        users = {
            r["usename"]
            for r in await admin.fetch(
                "select usename from pg_stat_activity where datname = current_database()"
            )
        }
    finally:
        await admin.close()
    assert {c.role for c in ROLES} <= users


async def test_a_service_role_starts_on_a_migrated_schema_and_is_told_to_run_setup_otherwise(
    tables: dict[str, list[str]], tmp_path: Path
) -> None:
    notifier = next(c for c in ROLES if c.schema == "notifier")
    pending = tmp_path / "migrations"
    shutil.copytree(notifier.migrations, pending)
    (pending / "999_planted.sql").write_text("create table planted (id int);\n")
    conn = await asyncpg.connect(role_dsn(load_base_settings().dsn, str(notifier.role)))
    try:
        # What the service does at start: nothing to apply, so no DDL is attempted.
        assert await migrate(conn, schema="notifier", directory=notifier.migrations) == []
        with pytest.raises(MigrationError, match=r"python -m shared\.db setup"):
            await migrate(conn, schema="notifier", directory=pending)
    finally:
        await conn.close()
