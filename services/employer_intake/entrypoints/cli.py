"""`python -m services.employer_intake serve | create-api-key | revoke-api-key | list-api-keys |
create-federation-user | import-needs`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, TypeVar
from uuid import UUID

import asyncpg
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shared.db.pool import connect
from shared.logs import configure_logging

from ..adapters import pg_api_keys
from ..api_keys import issue_key
from ..bootstrap import bootstrap, prepare_schema
from ..bulk_import import BulkReport, import_rows
from ..domain import apikeys, bulk
from ..domain.federation_users import EmailTaken, check_new_user
from ..federation_users import create_user_in
from ..settings import IntakeSettings, load_settings

cli = typer.Typer(add_completion=False, help="Employer intake: the federations' hiring needs.")
console = Console(stderr=True)
T = TypeVar("T")
Federation = Annotated[str, typer.Option(help="Federation code, e.g. BTP31.")]


def _federation(name: str) -> str:
    if not apikeys.valid_federation(name):
        raise typer.BadParameter(
            "letters, digits, - and _ only (at most 40)", param_hint="--federation"
        )
    return name


async def _with_conn(
    settings: IntakeSettings, work: Callable[[asyncpg.Connection], Awaitable[T]]
) -> T:
    conn = await connect(settings.dsn)
    try:
        await prepare_schema(conn)
        return await work(conn)
    finally:
        await conn.close()


@cli.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Defaults to SPIE_HTTP_PORT (8001).")] = None,
    host: Annotated[str | None, typer.Option(help="Defaults to SPIE_HTTP_HOST.")] = None,
) -> None:
    """Run the HTTP API and the outbox relay."""
    import uvicorn

    from .app import create_app

    settings = load_settings()
    configure_logging("employer_intake", settings.log_level)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host or settings.http_host,
        port=port or settings.http_port,
        log_config=None,
        access_log=False,
    )


@cli.command("create-api-key")
def create_api_key(
    federation: Federation,
    expires_in_days: Annotated[
        int | None, typer.Option(min=1, help="Never expires if unset.")
    ] = None,
    label: Annotated[str | None, typer.Option(help="What the key is for (ops only).")] = None,
) -> None:
    """Create a key for a federation and print it once: it cannot be shown again."""
    settings = load_settings()
    expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None

    async def work(conn: asyncpg.Connection) -> apikeys.NewKey:
        return await issue_key(
            conn,
            keyring=settings.keyring(),
            federation=_federation(federation),
            label=label,
            expires_at=expires,
        )

    new = asyncio.run(_with_conn(settings, work))
    console.print(f"key for {federation} (prefix {new.prefix}); store it now, it is not kept:")
    typer.echo(new.key)


@cli.command("create-federation-user")
def create_federation_user(
    federation: Federation,
    email: Annotated[str, typer.Option(help="Their work address: sign-in links go there.")],
    name: Annotated[str, typer.Option(help="First name and name, shown on the portal.")],
    admin: Annotated[bool, typer.Option("--admin", help="May manage users and API keys.")] = False,
) -> None:
    """Create a user of a federation's portal and print their id; the notifier learns of them
    through FederationUserUpserted (outbox) and e-mails them a sign-in link when they ask."""
    settings = load_settings()
    user, errors = check_new_user(name, email, "admin" if admin else "member")
    if user is None:
        raise typer.BadParameter(" ".join(errors.values()))
    federation = _federation(federation)

    async def work(conn: asyncpg.Connection) -> UUID:
        async with conn.transaction():
            return (await create_user_in(conn, federation=federation, user=user)).user_id

    try:
        user_id = asyncio.run(_with_conn(settings, work))
    except EmailTaken:
        console.print(f"[red]another account already uses {user.email}")
        raise typer.Exit(1) from None
    console.print(f"{user.role} of {federation} created; they sign in with their e-mail address")
    typer.echo(str(user_id))


@cli.command("revoke-api-key")
def revoke_api_key(
    prefix: Annotated[str, typer.Argument(help="The 8 characters after spie_ (or the whole key).")],
) -> None:
    """Revoke a key at once; requests with it get 401."""
    settings = load_settings()
    if prefix.startswith("spie_"):
        prefix = prefix.split("_")[1]
    revoked = asyncio.run(
        _with_conn(settings, lambda conn: pg_api_keys.revoke_key(conn, prefix=prefix))
    )
    if revoked is None:
        console.print(f"no key with prefix {prefix!r}")
        raise typer.Exit(1)
    console.print(f"key {prefix} of {revoked.federation} revoked at {revoked.revoked_at}")


@cli.command("list-api-keys")
def list_api_keys(federation: Annotated[str | None, typer.Option()] = None) -> None:
    """Prefixes, federations and states of the keys (never the keys)."""
    settings = load_settings()
    keys = asyncio.run(
        _with_conn(settings, lambda conn: pg_api_keys.keys_of(conn, federation=federation))
    )
    table = Table("prefix", "federation", "expires", "revoked")
    for k in keys:
        table.add_row(k.prefix, k.federation, str(k.expires_at or "-"), str(k.revoked_at or "-"))
    Console().print(table)


@cli.command("import-needs")
def import_needs(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    federation: Federation,
    kind: Annotated[
        str | None, typer.Option(help="csv or ndjson; from the extension if unset.")
    ] = None,
) -> None:
    """Import a CSV or JSON Lines file of needs, like POST /needs/bulk.

    Exit status: 0 all lines stored, 1 the file was refused (nothing stored), 3 some lines refused.
    """
    settings = load_settings()
    configure_logging("employer_intake", "WARNING")
    kind = kind or ("csv" if file.suffix.lower() in {".csv", ".txt"} else "ndjson")
    try:
        rows = bulk.parse(file.read_bytes(), kind=kind, max_rows=settings.max_bulk_rows)
    except bulk.FileRejected as exc:
        console.print(f"[red]{file}: refused, nothing stored: {exc.message}")
        raise typer.Exit(1) from None
    report = asyncio.run(_import(settings, _federation(federation), rows))
    _print_report(file, report)
    raise typer.Exit(3 if report.rejected else 0)


async def _import(settings: IntakeSettings, federation: str, rows: list[bulk.Row]) -> BulkReport:
    container = await bootstrap(settings)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("checking and storing", total=len(rows))
            return await import_rows(
                container.intake,
                federation=federation,
                rows=rows,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    finally:
        await container.pool.close()


def _print_report(file: Path, report: BulkReport) -> None:
    console.print(
        f"{file}: {report.received} rows, {report.stored} stored, "
        f"{report.already_present} already present, {report.rejected} refused"
    )
    if report.errors:
        table = Table("line", "field", "reason")
        for e in report.errors[:200]:
            table.add_row(str(e.line), e.field, e.reason)
        console.print(table)
