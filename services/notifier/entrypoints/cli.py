"""`python -m services.notifier serve | login-link | webhook-secret create|rotate|revoke`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar
from uuid import UUID

import asyncpg
import typer

from shared.login_token import issue_login_token

from ..adapters import webhook_secrets_repo as secrets_repo
from ..settings import load_settings

cli = typer.Typer(add_completion=False, help="The notifier: alerts and the référents' inbox.")
secrets_cli = typer.Typer(
    add_completion=False, help="Each structure's webhook signing secret (shown once)."
)
cli.add_typer(secrets_cli, name="webhook-secret")
T = TypeVar("T")
Structure = Annotated[str, typer.Option(help="The structure, e.g. CD31.")]


@cli.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Defaults to SPIE_HTTP_PORT (8004).")] = None,
    host: Annotated[str | None, typer.Option(help="Defaults to SPIE_HTTP_HOST.")] = None,
) -> None:
    """Run the inbox page, the Kafka subscribers and the delivery workers."""
    import uvicorn

    from .app import configure, create_app

    settings = load_settings()
    configure(settings)
    uvicorn.run(
        create_app(settings),
        host=host or settings.http_host,
        port=port or settings.http_port,
        log_config=None,
        access_log=False,
    )


@cli.command("login-link")
def login_link(
    referent_id: Annotated[UUID, typer.Option(help="The référent to sign in.")],
    days: Annotated[
        int | None, typer.Option(min=1, max=30, help="Validity; default SPIE_LOGIN_TOKEN_DAYS.")
    ] = None,
) -> None:
    """Print a single-use sign-in token and link for a référent (the `login` purpose key)."""
    settings = load_settings()
    expires = datetime.now(UTC) + timedelta(days=days or settings.login_token_days)
    token = issue_login_token(settings.keyring(), referent_id, expires)
    typer.echo(f"jeton : {token}")
    typer.echo(f"lien  : {settings.public_url.rstrip('/')}/connexion?jeton={token}")
    typer.echo(f"valable jusqu'au {expires:%Y-%m-%d %H:%M} UTC")


def _in_transaction(work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    async def run() -> T:
        from shared.db.pool import create_pool

        from ..adapters.db import transaction
        from ..bootstrap import prepare_database

        pool = await create_pool(load_settings().dsn, max_size=1)
        try:
            await prepare_database(pool)
            async with transaction(pool) as conn:
                return await work(conn)
        finally:
            await pool.close()

    return asyncio.run(run())


def _show(secret: secrets_repo.WebhookSecret) -> None:
    typer.echo(f"structure : {secret.structure}")
    typer.echo(f"key id    : {secret.key_id}")
    typer.echo(f"secret    : {secret.secret}")
    typer.echo("Shown once: hand it to the structure over a safe channel; it is not shown again.")


@secrets_cli.command("create")
def create_secret(structure: Structure) -> None:
    """A first secret for the structure (its webhooks are suppressed until it has one)."""
    try:
        _show(_in_transaction(lambda conn: secrets_repo.create(conn, structure=structure)))
    except secrets_repo.SecretAlreadyInForce:
        typer.echo(f"{structure} already has a secret in force: use `rotate`.", err=True)
        raise typer.Exit(1) from None


@secrets_cli.command("rotate")
def rotate_secret(structure: Structure) -> None:
    """A new secret in force at once; the previous one stops signing."""
    _show(_in_transaction(lambda conn: secrets_repo.rotate(conn, structure=structure)))


@secrets_cli.command("revoke")
def revoke_secret(structure: Structure) -> None:
    """End the secret in force: the structure gets no webhook until `create`."""
    count = _in_transaction(lambda conn: secrets_repo.revoke(conn, structure=structure))
    typer.echo(f"{structure}: {count} secret(s) revoked; its webhooks are suppressed until create.")
