"""X-API-Key: which federation calls, and whether it may call now (rate limit)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from ..adapters.pg_api_keys import key_by_prefix
from ..bootstrap import Container
from ..domain.apikeys import ApiKey, genuine, prefix_of, well_formed

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="The federation's key (`python -m services.employer_intake create-api-key`).",
)
_UNAUTHORISED = {"WWW-Authenticate": "ApiKey"}


def container_of(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


async def caller(request: Request, key: str | None = Security(api_key_header)) -> ApiKey:
    container = container_of(request)
    if not key or not well_formed(key):
        raise HTTPException(401, "missing or malformed X-API-Key", headers=_UNAUTHORISED)
    stored = await key_by_prefix(container.pool, prefix=prefix_of(key))
    if stored is None or not genuine(
        key, stored=stored.key_hash, kid=stored.key_kid, keyring=container.keyring
    ):
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
