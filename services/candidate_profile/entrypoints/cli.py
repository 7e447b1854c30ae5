"""`python -m services.candidate_profile ...`: serve, référents and tokens, retention."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar
from uuid import UUID

import typer
from pydantic import ValidationError

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.bootstrap import Services, bootstrap
from services.candidate_profile.domain.errors import ReferentError
from services.candidate_profile.domain.referents import Referent
from services.candidate_profile.entrypoints.tasks import retention_once
from services.candidate_profile.handlers import referents
from services.candidate_profile.settings import load_settings
from shared.login_token import issue_login_token
from shared.logs import configure_logging

cli = typer.Typer(add_completion=False, help="The candidate profile service.")
T = TypeVar("T")


def _in_transaction(work: Callable[[Services, Conn], Awaitable[T]]) -> T:
    async def run() -> T:
        services = await bootstrap(load_settings())
        try:
            async with services.transaction() as conn:
                return await work(services, conn)
        finally:
            await services.pool.close()

    try:
        return asyncio.run(run())
    except (ReferentError, ValidationError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


@cli.command()
def serve() -> None:
    """Serve the HTTP API (SPIE_HTTP_PORT, default 8002)."""
    import uvicorn

    from services.candidate_profile.entrypoints.app import create_app

    settings = load_settings()
    configure_logging("candidate_profile", settings.log_level)
    uvicorn.run(
        create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None
    )


@cli.command("create-referent")
def create_referent(
    structure: Annotated[str, typer.Option(help="Structure code, e.g. CD31")],
    email: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    expires_days: Annotated[int | None, typer.Option(help="Token life (SPIE_TOKEN_DAYS)")] = None,
) -> None:
    """Create a référent and print their token, once: only its hash is stored."""

    async def work(services: Services, conn: Conn) -> tuple[Referent, str]:
        days = expires_days or services.settings.token_days
        return await referents.create(
            conn, structure=structure, name=name, email=email, days=days, ctx=services.ctx
        )

    referent, token = _in_transaction(work)
    typer.echo(f"referent_id {referent.referent_id}", err=True)
    typer.echo(f"inbox sign-in token {_inbox_token(referent.referent_id)}", err=True)
    typer.echo(token)


def _inbox_token(referent_id: UUID) -> str:
    """The notifier's inbox verifies this one alone (the shared `login` key, nothing looked up)."""
    settings = load_settings()
    expires = datetime.now(UTC) + timedelta(days=settings.login_token_days)
    return issue_login_token(settings.keyring(), referent_id, expires)


@cli.command("issue-token")
def issue_token(
    referent_id: Annotated[UUID, typer.Argument()],
    expires_days: Annotated[int | None, typer.Option()] = None,
) -> None:
    """A new token for an existing référent (e.g. after a revocation)."""

    async def work(services: Services, conn: Conn) -> str:
        days = expires_days or services.settings.token_days
        return await referents.issue_token(
            conn, referent_id=referent_id, days=days, ctx=services.ctx
        )

    typer.echo(_in_transaction(work))


@cli.command("revoke-token")
def revoke_token(
    token: Annotated[str | None, typer.Option(help="The token to revoke")] = None,
    referent_id: Annotated[UUID | None, typer.Option(help="Revoke all their tokens")] = None,
) -> None:
    async def work(services: Services, conn: Conn) -> int:
        return await referents.revoke(conn, token=token, referent_id=referent_id, ctx=services.ctx)

    typer.echo(f"{_in_transaction(work)} token(s) revoked")


@cli.command("deactivate-referent")
def deactivate_referent(referent_id: Annotated[UUID, typer.Argument()]) -> None:
    """Revoke the référent's tokens and tell the notifier they are no longer active."""

    async def work(services: Services, conn: Conn) -> Referent:
        return await referents.deactivate(conn, referent_id=referent_id, ctx=services.ctx)

    _in_transaction(work)
    typer.echo(f"referent {referent_id} deactivated")


@cli.command("expire-consents")
def expire_consents() -> None:
    """Run the retention job once: expired consents and inactive profiles are erased."""

    async def run() -> str:
        services = await bootstrap(load_settings())
        try:
            report = await retention_once(services)
        finally:
            await services.pool.close()
        return f"expired {report.expired}, inactive {report.inactive} erased"

    typer.echo(asyncio.run(run()))
