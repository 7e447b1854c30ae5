"""`python -m shared.referential import-rome DIR | import-communes FILE | import-fixture`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Annotated

import asyncpg
import typer
from rich.console import Console
from rich.progress import Progress as Bar
from rich.table import Table

from shared.db.migrate import migrate
from shared.db.pool import connect
from shared.referential.errors import ReferentialFileError
from shared.referential.fixtures import fixture_paths
from shared.referential.importer import ImportResult, import_communes, import_rome
from shared.referential.model import Progress, quiet
from shared.settings import load_base_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
cli = typer.Typer(add_completion=False, help="Import ROME 4.0 and the communes into PostgreSQL.")
console = Console()

DatabaseUrl = Annotated[str | None, typer.Option(help="Defaults to SPIE_DATABASE_URL.")]
Force = Annotated[bool, typer.Option(help="Re-import even if the files are unchanged.")]
Step = Callable[[asyncpg.Connection, Progress], Awaitable[ImportResult]]


@cli.command("import-rome")
def import_rome_command(
    directory: Annotated[Path, typer.Argument(help="Folder of the RefRomeCsv export.")],
    database_url: DatabaseUrl = None,
    force: Force = False,
) -> None:
    """Import a ROME 4.0 export (the unix_*_utf8.csv files and version.txt)."""
    _run(database_url, [lambda c, p: import_rome(c, directory, progress=p, force=force)])


@cli.command("import-communes")
def import_communes_command(
    file: Annotated[Path, typer.Argument(help="CSV: code_insee, nom, codes_postaux, ...")],
    database_url: DatabaseUrl = None,
    version: Annotated[str | None, typer.Option(help="Release name, e.g. 'COG 2026'.")] = None,
    force: Force = False,
) -> None:
    """Import the communes (INSEE code, name, postal codes, population, centroid)."""

    def step(conn: asyncpg.Connection, progress: Progress) -> Awaitable[ImportResult]:
        return import_communes(conn, file, version=version, progress=progress, force=force)

    _run(database_url, [step])


@cli.command("import-fixture")
def import_fixture_command(database_url: DatabaseUrl = None, force: Force = False) -> None:
    """Import the small hand-written fixture (demo without the official exports)."""
    rome_dir, communes_file = fixture_paths()
    _run(
        database_url,
        [
            lambda c, p: import_rome(c, rome_dir, progress=p, force=force),
            lambda c, p: import_communes(c, communes_file, progress=p, force=force),
        ],
    )


def _run(database_url: str | None, steps: list[Step]) -> None:
    dsn = database_url or load_base_settings().dsn
    try:
        asyncio.run(_apply(dsn, steps))
    except ReferentialFileError as exc:
        # Plain, unwrapped "file:line: reason" so editors and CI can jump to it.
        typer.echo(f"{exc} (nothing was changed)", err=True)
        raise typer.Exit(1) from exc


async def _apply(dsn: str, steps: list[Step]) -> None:
    async with _connection(dsn) as conn:
        await migrate(conn, schema="referential", directory=MIGRATIONS)
        for step in steps:
            with _progress() as progress:
                result = await step(conn, progress)
            what = "imported" if result.changed else "unchanged, nothing to do"
            console.print(f"{result.kind} {result.version}: {what}", highlight=False)
        console.print(await _summary(conn))


@asynccontextmanager
async def _connection(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await connect(dsn)
    try:
        yield conn
    finally:
        await conn.close()


@contextmanager
def _progress() -> Iterator[Progress]:
    """A progress bar on a terminal; silence when the output is a file or a pipe."""
    if not console.is_terminal:
        yield quiet
        return
    with Bar(console=console, transient=True) as bar:
        task = bar.add_task("starting", total=1)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield report


async def _summary(conn: asyncpg.Connection) -> Table:
    table = Table(title="Referential in force", show_header=False)
    for label, sql in _COUNTS.items():
        table.add_row(label, f"{await conn.fetchval(sql):,}")
    for row in await conn.fetch(
        "select distinct on (kind) kind, version, label, imported_at"
        " from referential.versions order by kind, id desc"
    ):
        table.add_row(f"version {row['kind']}", f"{row['version']} — {row['label']}")
        table.add_row(f"imported {row['kind']}", f"{row['imported_at']:%Y-%m-%d %H:%M:%S %Z}")
    return table


_COUNTS = {
    "fiches": "select count(*) from referential.fiches",
    "appellations": "select count(*) from referential.appellations",
    "skills (items used)": "select count(distinct code_ogr) from referential.fiche_skills",
    "skill links": "select count(*) from referential.fiche_skills",
    "mobility pairs": "select count(*) from referential.mobilites",
    "communes": "select count(*) from referential.communes",
}
