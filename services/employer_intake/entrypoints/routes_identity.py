"""Who the calling federation is, asserted for the matcher (which has no users of its own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from shared.ops_access import AssertionOut, user_assertion

from ..domain.apikeys import ApiKey
from .auth import caller, container_of
from .http_edges import ERROR_RESPONSES

router = APIRouter(prefix="/federations/me", tags=["identity"], responses=ERROR_RESPONSES)


@router.post(
    "/assertion",
    response_model=AssertionOut,
    summary="A short-lived identity assertion for the matcher's counts on your needs",
)
async def assertion(request: Request, key: Annotated[ApiKey, Depends(caller)]) -> AssertionOut:
    """Sent as `Authorization: Bearer <assertion>` to the matcher's `GET /matches/summary`, it
    gives counts of proposals by decision for your federation's needs, never a candidate."""
    return user_assertion(
        container_of(request).settings.keyring(),
        role="federation",
        subject=str(key.key_id),
        scope=key.federation,
    )
