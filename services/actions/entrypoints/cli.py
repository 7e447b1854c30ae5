"""`python -m services.actions serve | grant-coordination`."""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

from services.actions.bootstrap import prepare_database
from services.actions.settings import load_settings
from shared.db.pool import connect
from shared.logs import configure_logging

cli = typer.Typer(add_completion=False, help="The banque d'actions commune.")
console = Console(stderr=True)


@cli.command()
def serve() -> None:
    """Serve the pages and the API (SPIE_HTTP_PORT, default 8005)."""
    import uvicorn

    from services.actions.entrypoints.app import create_app

    settings = load_settings()
    configure_logging("actions", settings.log_level)
    uvicorn.run(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None
    )


@cli.command("grant-coordination")
def grant_coordination(
    referent_id: Annotated[UUID, typer.Option(help="The référent's id (candidate_profile).")],
    granted_by: Annotated[str, typer.Option(help="Who decided it, for the record.")],
) -> None:
    """Let a référent of the Département see the coordination view (counts, no person)."""
    settings = load_settings()

    async def run() -> bool:
        await prepare_database(settings.dsn)
        conn = await connect(settings.dsn)
        try:
            known = await conn.fetchval(
                "select true from actions.referents where referent_id = $1", referent_id
            )
            if not known:
                return False
            await conn.execute(
                "insert into actions.coordinators (referent_id, granted_by) values ($1, $2)"
                " on conflict (referent_id) do update set granted_by = excluded.granted_by,"
                " granted_at = now()",
                referent_id,
                granted_by,
            )
            return True
        finally:
            await conn.close()

    if not asyncio.run(run()):
        console.print(
            f"[red]No référent {referent_id} known to the actions service yet[/red]: create it"
            " with `python -m services.candidate_profile create-referent`, wait for the"
            " actions service to read it, then try again."
        )
        raise typer.Exit(1)
    console.print(f"référent {referent_id} may now see the coordination view")
