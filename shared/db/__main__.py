"""`python -m shared.db setup`: the owner migrates every component's schema, then creates the
services' roles and their grants; `migrate SCHEMA=DIR ...` applies one folder of migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.db.catalog import COMPONENTS
from shared.db.migrate import migrate
from shared.db.pool import connect
from shared.db.roles import ensure_roles
from shared.outbox.store import install
from shared.settings import load_base_settings

cli = typer.Typer(add_completion=False, help="PostgreSQL schema migrations of the product.")


@cli.callback()
def _root() -> None:
    """Keeps `migrate` a named subcommand."""


@cli.command("migrate")
def migrate_command(
    components: Annotated[list[str], typer.Argument(help="schema=directory pairs")],
    database_url: Annotated[str | None, typer.Option(help="Defaults to SPIE_DATABASE_URL.")] = None,
) -> None:
    pairs = []
    for item in components:
        schema, sep, directory = item.partition("=")
        if not sep or not Path(directory).is_dir():
            raise typer.BadParameter(f"{item!r}: expected schema=existing/directory")
        pairs.append((schema, Path(directory)))
    dsn = database_url or load_base_settings().dsn

    async def run() -> None:
        conn = await connect(dsn)
        try:
            for schema, directory in pairs:
                applied = await migrate(conn, schema=schema, directory=directory)
                typer.echo(f"{schema:<12} {len(applied)} applied: {', '.join(applied) or '-'}")
        finally:
            await conn.close()

    asyncio.run(run())


class RolePasswords(BaseSettings):
    """`SPIE_DB_PASSWORD_INTAKE` etc.: unset, the role gets no password (local trust auth, or
    a cluster that authenticates by certificate)."""

    model_config = SettingsConfigDict(env_prefix="SPIE_DB_PASSWORD_", extra="ignore")

    intake: SecretStr | None = None
    profiles: SecretStr | None = None
    matcher: SecretStr | None = None
    notifier: SecretStr | None = None
    actions: SecretStr | None = None

    def by_role(self) -> dict[str, str]:
        return {
            f"spie_{name}": value.get_secret_value()
            for name, value in self
            if isinstance(value, SecretStr)
        }


@cli.command("setup")
def setup_command(
    database_url: Annotated[
        str | None, typer.Option(help="The owner's DSN; defaults to SPIE_DATABASE_URL.")
    ] = None,
) -> None:
    """Migrate every schema (and its outbox) as the owner, then bring the service roles'
    grants to their own schema only. Idempotent: stack.sh runs it before each services-up."""
    dsn = database_url or load_base_settings().dsn

    async def run() -> None:
        conn = await connect(dsn)
        try:
            for component in COMPONENTS:
                applied = await migrate(
                    conn, schema=component.schema, directory=component.migrations
                )
                if component.outbox:
                    await install(conn, schema=component.schema)
                typer.echo(f"{component.schema:<12} {len(applied)} applied")
            for line in await ensure_roles(conn, passwords=RolePasswords().by_role()):
                typer.echo(line)
        finally:
            await conn.close()

    asyncio.run(run())


if __name__ == "__main__":
    cli()
