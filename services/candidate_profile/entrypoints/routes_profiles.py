"""Profiles: create, read, replace, delete, list, share — within the référent's structure."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response, status

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.model import Profile, ProfileCreate, ProfileFields
from services.candidate_profile.entrypoints import idempotent
from services.candidate_profile.entrypoints.deps import ReferentDep, ServicesDep
from services.candidate_profile.entrypoints.schemas import (
    IdempotencyKey,
    ProfileOut,
    ProfilePage,
    ShareRequest,
)
from services.candidate_profile.handlers import erasure, profiles
from shared.screening import Finding

router = APIRouter(prefix="/profiles", tags=["profiles"])
KeyHeader = Annotated[
    IdempotencyKey | None,
    Header(alias="Idempotency-Key", description="Retries with the same key replay the reply."),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token"},
    404: {"description": "No such profile in your structure"},
}


@router.post("", status_code=201, response_model=ProfileOut, responses=ERRORS)
async def create_profile(
    body: ProfileCreate, actor: ReferentDep, services: ServicesDep, key: KeyHeader = None
) -> Response:
    async def action(conn: Conn) -> tuple[ProfileOut, UUID]:
        profile, screened = await profiles.create(conn, actor=actor, data=body, ctx=services.ctx)
        return _out(profile, actor.structure, services, screened), profile.candidate_id

    return await idempotent.run(
        services, actor=actor, key=key, status_code=201, action=action,
        request_fingerprint=idempotent.fingerprint("POST", "/profiles", body),
    )  # fmt: skip


@router.get("", response_model=ProfilePage, responses=ERRORS)
async def list_profiles(
    actor: ReferentDep,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    after: Annotated[UUID | None, Query(description="`next_after` of the previous page")] = None,
) -> ProfilePage:
    """Profiles of your structure and those shared with it, by id."""
    async with services.pool.acquire() as conn:
        found = await profiles.list_visible(conn, actor=actor, limit=limit, after=after)
    items = [_out(p, actor.structure, services) for p in found]
    next_after = found[-1].candidate_id if len(found) == limit else None
    return ProfilePage(items=items, next_after=next_after)


@router.get("/{candidate_id}", response_model=ProfileOut, responses=ERRORS)
async def read_profile(candidate_id: UUID, actor: ReferentDep, services: ServicesDep) -> ProfileOut:
    async with services.pool.acquire() as conn:
        profile = await profiles.visible(
            conn, actor=actor, candidate_id=candidate_id, ctx=services.ctx
        )
    return _out(profile, actor.structure, services)


@router.put("/{candidate_id}", response_model=ProfileOut, responses=ERRORS)
async def replace_profile(
    candidate_id: UUID, body: ProfileFields, actor: ReferentDep, services: ServicesDep
) -> ProfileOut:
    async with services.transaction() as conn:
        profile, screened = await profiles.update(
            conn, actor=actor, candidate_id=candidate_id, data=body, ctx=services.ctx
        )
    return _out(profile, actor.structure, services, screened)


@router.delete("/{candidate_id}", status_code=204, responses=ERRORS)
async def delete_profile(candidate_id: UUID, actor: ReferentDep, services: ServicesDep) -> Response:
    """Erases the profile here and, through ProfileErased and a tombstone, everywhere."""
    async with services.transaction() as conn:
        profile = await profiles.owned(conn, actor=actor, candidate_id=candidate_id)
        await erasure.erase(conn, profile, reason="deleted", ctx=services.ctx)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{candidate_id}/shares", response_model=ProfileOut, responses=ERRORS)
async def share_profile(
    candidate_id: UUID, body: ShareRequest, actor: ReferentDep, services: ServicesDep,
    key: KeyHeader = None,
) -> Response:  # fmt: skip
    """Let another structure read the profile (and receive its matches)."""

    async def action(conn: Conn) -> tuple[ProfileOut, UUID]:
        profile = await profiles.share(
            conn, actor=actor, candidate_id=candidate_id, structure=body.structure,
            ctx=services.ctx,
        )  # fmt: skip
        return _out(profile, actor.structure, services), candidate_id

    return await idempotent.run(
        services, actor=actor, key=key, status_code=200, action=action,
        request_fingerprint=idempotent.fingerprint("POST", f"/{candidate_id}/shares", body),
    )  # fmt: skip


@router.delete("/{candidate_id}/shares/{structure}", response_model=ProfileOut, responses=ERRORS)
async def revoke_share(
    candidate_id: UUID, structure: str, actor: ReferentDep, services: ServicesDep
) -> ProfileOut:
    async with services.transaction() as conn:
        profile = await profiles.unshare(
            conn, actor=actor, candidate_id=candidate_id, structure=structure, ctx=services.ctx
        )
    return _out(profile, actor.structure, services)


def _out(
    profile: Profile, structure: str, services: ServicesDep, screened: list[Finding] | None = None
) -> ProfileOut:
    now = services.ctx.clock()
    return ProfileOut.of(profile, structure=structure, now=now, screened=screened or [])
