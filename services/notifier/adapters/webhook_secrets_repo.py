"""Each structure's webhook signing secret: random, stored in the notifier's schema, shown once
to ops by the CLI, never derived from SPIE_SECRET_KEY."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class WebhookSecret:
    key_id: str
    structure: str
    secret: str

    @property
    def key(self) -> bytes:
        return self.secret.encode()


class SecretAlreadyInForce(Exception):
    """`create` when the structure has one: `rotate` replaces it."""


def _new(structure: str) -> WebhookSecret:
    return WebhookSecret(
        key_id=f"whk_{secrets.token_hex(8)}", structure=structure, secret=secrets.token_urlsafe(32)
    )


async def in_force(conn: asyncpg.Connection, *, structure: str) -> WebhookSecret | None:
    row = await conn.fetchrow(
        """select key_id, structure, secret from notifier.webhook_secrets
           where structure = $1 and revoked_at is null""",
        structure,
    )
    return WebhookSecret(**dict(row)) if row else None


async def _insert(conn: asyncpg.Connection, secret: WebhookSecret) -> WebhookSecret:
    await conn.execute(
        "insert into notifier.webhook_secrets (key_id, structure, secret) values ($1, $2, $3)",
        secret.key_id,
        secret.structure,
        secret.secret,
    )
    return secret


async def create(conn: asyncpg.Connection, *, structure: str) -> WebhookSecret:
    if await in_force(conn, structure=structure) is not None:
        raise SecretAlreadyInForce(structure)
    return await _insert(conn, _new(structure))


async def revoke(conn: asyncpg.Connection, *, structure: str) -> int:
    """Revoke the secret in force; the structure's webhooks are suppressed until a new one."""
    status: str = await conn.execute(
        """update notifier.webhook_secrets set revoked_at = now()
           where structure = $1 and revoked_at is null""",
        structure,
    )
    return int(status.split()[-1])


async def rotate(conn: asyncpg.Connection, *, structure: str) -> WebhookSecret:
    """A new secret in force at once (the next webhook carries its key id); the old one ends."""
    await revoke(conn, structure=structure)
    return await _insert(conn, _new(structure))
