"""`python -m shared.db migrate SCHEMA=DIR ...`: apply the migrations of each component."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from shared.db.migrate import migrate
from shared.db.pool import connect
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


if __name__ == "__main__":
    cli()
