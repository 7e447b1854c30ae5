"""X-API-Key: which federation calls, and whether it may call now (rate limit)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from shared.keys import UnknownKeyId

from ..adapters.pg_api_keys import StoredKey, key_by_prefix
from ..bootstrap import Container
from ..domain.apikeys import ApiKey, matches, prefix_of, well_formed

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="The federation's key (`python -m services.employer_intake create-api-key`).",
)
_UNAUTHORISED = {"WWW-Authenticate": "ApiKey"}


def container_of(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def _genuine(container: Container, key: str, stored: StoredKey) -> bool:
    """The key hashes to the stored HMAC under the pepper it names, if still accepted."""
    try:
        pepper = container.keyring.by_id("api-key", stored.key_kid)
    except UnknownKeyId:
        return False  # made with a retired generation of the pepper: re-issue the key
    return matches(key, stored.key_hash, pepper=pepper)


async def caller(request: Request, key: str | None = Security(api_key_header)) -> ApiKey:
    container = container_of(request)
    if not key or not well_formed(key):
        raise HTTPException(401, "missing or malformed X-API-Key", headers=_UNAUTHORISED)
    stored = await key_by_prefix(container.pool, prefix=prefix_of(key))
    if stored is None or not _genuine(container, key, stored):
        raise HTTPException(401, "unknown, revoked or expired API key", headers=_UNAUTHORISED)
    api_key = stored.key
    if not api_key.usable_at(datetime.now(UTC)):
        raise HTTPException(401, "unknown, revoked or expired API key", headers=_UNAUTHORISED)
    wait = container.limiter.take(str(api_key.key_id))
    if wait > 0:
        raise HTTPException(
            429,
            f"rate limit of {container.settings.rate_limit_per_second:g} requests/s reached",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    return api_key
