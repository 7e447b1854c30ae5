"""POST requests with an Idempotency-Key: the reply is stored with the change and replayed.

The key is locked for the length of the transaction, so two concurrent retries run one after
the other, and the second gets the first's reply. The same key with another body is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from services.candidate_profile.adapters import idempotency_repo
from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.bootstrap import Services
from services.candidate_profile.domain.errors import IdempotencyKeyReused
from services.candidate_profile.domain.referents import Referent

# The action returns the reply body and the profile it is about (None once erased).
Action = Callable[[Conn], Awaitable[tuple[Any, UUID | None]]]


def fingerprint(method: str, path: str, body: Any) -> str:
    text = json.dumps([method, path, jsonable_encoder(body)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


async def run(
    services: Services,
    *,
    actor: Referent,
    key: str | None,
    request_fingerprint: str,
    status_code: int,
    action: Action,
) -> JSONResponse:
    async with services.transaction() as conn:
        if key is not None:
            stored = await idempotency_repo.lock_and_find(
                conn, referent_id=actor.referent_id, key=key
            )
            if stored is not None:
                if stored.fingerprint != request_fingerprint:
                    raise IdempotencyKeyReused("this key was used for another request")
                return JSONResponse(
                    stored.body, status_code=stored.status, headers={"Idempotent-Replayed": "true"}
                )
        body, candidate_id = await action(conn)
        encoded = jsonable_encoder(body)
        if key is not None:
            await idempotency_repo.store(
                conn,
                referent_id=actor.referent_id,
                key=key,
                fingerprint=request_fingerprint,
                candidate_id=candidate_id,
                status=status_code,
                body=_without_screened_sentences(encoded),
            )
    return JSONResponse(encoded, status_code=status_code)


def _without_screened_sentences(body: Any) -> Any:
    """The reply as stored for a replay: a sentence screened out of the profile (health,
    family...) is told to the référent once and kept nowhere, this table included."""
    if not isinstance(body, dict) or not body.get("screened"):
        return body
    return {**body, "screened": [{**s, "sentence": None} for s in body["screened"]]}
