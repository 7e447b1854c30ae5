"""`python -m services.notifier serve | login-link`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

import typer

from shared.login_token import issue_login_token

from ..settings import load_settings

cli = typer.Typer(add_completion=False, help="The notifier: alerts and the référents' inbox.")


@cli.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Defaults to SPIE_HTTP_PORT (8004).")] = None,
    host: str = "127.0.0.1",
) -> None:
    """Run the inbox page, the Kafka subscribers and the delivery workers."""
    import uvicorn

    from .app import configure, create_app

    settings = load_settings()
    configure(settings)
    uvicorn.run(
        create_app(settings),
        host=host,
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
