"""The calling référent: who they are, and how they want their alerts."""

from __future__ import annotations

from fastapi import APIRouter

from services.candidate_profile.entrypoints.deps import ReferentDep, ServicesDep
from services.candidate_profile.entrypoints.schemas import ReferentOut
from services.candidate_profile.handlers import referents
from shared.contracts import AlertPreferences
from shared.ops_access import AssertionOut, user_assertion

router = APIRouter(prefix="/referents/me", tags=["referents"])


@router.get("", response_model=ReferentOut, responses={401: {"description": "No valid token"}})
async def me(actor: ReferentDep) -> ReferentOut:
    return ReferentOut.model_validate(actor.model_dump())


@router.put(
    "/preferences",
    response_model=ReferentOut,
    responses={
        401: {"description": "No valid token"},
        422: {"description": "Invalid preferences, or a webhook URL that may not be called"},
    },
)
async def set_preferences(
    body: AlertPreferences, actor: ReferentDep, services: ServicesDep
) -> ReferentOut:
    """Publishes ReferentUpserted so that the notifier follows."""
    await referents.vet_preferences(body, ctx=services.ctx)
    async with services.transaction() as conn:
        referent = await referents.set_preferences(conn, actor=actor, preferences=body)
    return ReferentOut.model_validate(referent.model_dump())


@router.post(
    "/assertion",
    response_model=AssertionOut,
    responses={401: {"description": "No valid token"}},
    summary="A short-lived identity assertion for the matcher's audit log (your structure)",
)
async def assertion(actor: ReferentDep, services: ServicesDep) -> AssertionOut:
    """Sent as `Authorization: Bearer <assertion>` to the matcher's `GET /matches`, it shows the
    rows of your structure's candidates (and of those shared with it), no others."""
    return user_assertion(
        services.settings.keyring(),
        role="referent",
        subject=str(actor.referent_id),
        scope=actor.structure,
    )
