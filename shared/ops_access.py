"""Who may read what no user needs: one choice for every service, made here.

- `/metrics` and `/openapi.json` answer only an `ops` identity assertion
  (`Authorization: Bearer v1....`, shared/identity.py), in every environment: the default
  environment is `development`, so "open outside production" would open a forgotten production.
- `/docs` and `/redoc` are switched off: they are pages that load their scripts from a CDN and
  need the document above; ops read `/openapi.json` with their credential instead.
- `/healthz` and `/readyz` stay open for the orchestrator, and say nothing but ok / not ready.

`python -m shared.ops_access issue --name prometheus --days 30` prints an ops assertion (logged).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from shared.identity import (
    USER_LIFETIME,
    Identity,
    InvalidAssertion,
    Role,
    WrongRole,
    issue,
    verify,
)
from shared.keys import Keyring

log = logging.getLogger("spie.access")
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
_bearer = HTTPBearer(auto_error=False, description="An identity assertion (shared/identity.py).")
Dependency = Callable[..., Awaitable[Identity]]


def identity_dependency(keyring: Keyring, roles: set[str]) -> Dependency:
    """A FastAPI dependency: the caller's identity, or 401 (no / bad assertion), 403 (role)."""

    async def caller(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Identity:
        token = credentials.credentials if credentials is not None else None
        try:
            return verify(keyring, token, roles=roles)
        except InvalidAssertion as exc:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                f"Authentification requise : {exc}.",
                headers={"WWW-Authenticate": "Bearer"},
            ) from exc
        except WrongRole as exc:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"Accès refusé : {exc}.") from exc

    return caller


def install_ops_routes(
    app: FastAPI, keyring: Keyring, *, on_scrape: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Replaces FastAPI's open documentation routes by `/openapi.json` for ops only, and serves
    `/metrics` for ops only; `on_scrape` refreshes gauges read at scrape time."""
    kept = [r for r in app.router.routes if getattr(r, "path", "") not in DOCS_PATHS]
    app.router.routes[:] = kept
    app.docs_url = app.redoc_url = app.openapi_url = None
    ops_only = [Depends(identity_dependency(keyring, {"ops"}))]

    @app.get("/openapi.json", include_in_schema=False, dependencies=ops_only)
    async def openapi() -> dict[str, Any]:
        return app.openapi()

    @app.get("/metrics", include_in_schema=False, dependencies=ops_only)
    async def metrics() -> Response:
        if on_scrape is not None:
            await on_scrape()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class AssertionOut(BaseModel):
    """An identity assertion for the matcher (`Authorization: Bearer <assertion>`)."""

    assertion: str
    role: str
    scope: str
    expires_at: datetime


def user_assertion(keyring: Keyring, *, role: Role, subject: str, scope: str) -> AssertionOut:
    """A short-lived assertion for a caller the issuing service has just authenticated."""
    now = datetime.now(UTC)
    token = issue(keyring, role=role, subject=subject, scope=scope, now=now)
    expires = datetime.fromtimestamp(int((now + USER_LIFETIME).timestamp()), UTC)
    return AssertionOut(assertion=token, role=role, scope=scope, expires_at=expires)


def issue_ops(keyring: Keyring, *, name: str, days: float) -> str:
    token = issue(keyring, role="ops", subject=name, scope="*", lifetime=timedelta(days=days))
    log.info("ops assertion issued", extra={"fields": {"name": name, "days": days}})
    return token


def _main() -> None:
    import typer

    from shared.logs import configure_logging
    from shared.settings import load_base_settings

    cli = typer.Typer(add_completion=False, help="Ops credentials for /metrics and /openapi.json.")

    @cli.callback()
    def main() -> None:
        """Ops credentials (`issue`)."""

    @cli.command("issue")
    def issue_command(
        name: str = typer.Option(..., help="who or what uses it, e.g. prometheus"),
        days: float = typer.Option(30, min=0.01, max=31, help="lifetime in days"),
    ) -> None:
        """Print an ops assertion (send it as `Authorization: Bearer ...`)."""
        settings = load_base_settings()
        configure_logging("ops", settings.log_level)
        typer.echo(issue_ops(settings.keyring(), name=name, days=days))

    cli()


if __name__ == "__main__":
    _main()
