"""Issuing a federation's API key, the same way from the CLI and from the portal: the key is
generated here, only its HMAC (with the pepper's key id) is stored, and the caller shows the key
once."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from shared.keys import Keyring

from .adapters import pg_api_keys
from .domain import apikeys


async def issue_key(
    conn: asyncpg.Connection,
    *,
    keyring: Keyring,
    federation: str,
    label: str | None,
    expires_at: datetime | None = None,
) -> apikeys.NewKey:
    new = apikeys.generate()
    kid, pepper = keyring.current("api-key")
    await pg_api_keys.create_key(
        conn,
        federation=federation,
        prefix=new.prefix,
        key_hash=apikeys.digest(new.key, pepper=pepper),
        key_kid=kid,
        label=label,
        expires_at=expires_at,
    )
    return new
