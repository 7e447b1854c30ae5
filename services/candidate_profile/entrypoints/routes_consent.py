"""The consent of a profile: grant, renew, withdraw, and its history."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Response

from services.candidate_profile.adapters.db import Conn
from services.candidate_profile.domain.model import ConsentRequest
from services.candidate_profile.entrypoints import idempotent
from services.candidate_profile.entrypoints.deps import ReferentDep, ServicesDep
from services.candidate_profile.entrypoints.routes_profiles import ERRORS, KeyHeader
from services.candidate_profile.entrypoints.schemas import (
    ConsentEntry,
    ProfileOut,
    RenewRequest,
    WithdrawalOut,
    WithdrawRequest,
)
from services.candidate_profile.handlers import consent

router = APIRouter(prefix="/profiles/{candidate_id}/consent", tags=["consent"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"description": "No consent in force"},
}


@router.get("", response_model=list[ConsentEntry], responses=ERRORS)
async def consent_history(
    candidate_id: UUID, actor: ReferentDep, services: ServicesDep
) -> list[ConsentEntry]:
    """Every grant, renewal and withdrawal: who, when, what."""
    async with services.pool.acquire() as conn:
        rows = await consent.history(conn, actor=actor, candidate_id=candidate_id, ctx=services.ctx)
    return [ConsentEntry.model_validate(r) for r in rows]


@router.post("", response_model=ProfileOut, responses=RESPONSES)
async def grant_consent(
    candidate_id: UUID, body: ConsentRequest, actor: ReferentDep, services: ServicesDep,
    key: KeyHeader = None,
) -> Response:  # fmt: skip
    """A new grant (replaces the consent in force); publishes the profile if `matching`."""

    async def action(conn: Conn) -> tuple[ProfileOut, UUID]:
        profile = await consent.grant(
            conn, actor=actor, candidate_id=candidate_id, purposes=body.purposes,
            expires_at=body.expires_at, ctx=services.ctx,
        )  # fmt: skip
        return ProfileOut.of(profile, structure=actor.structure, now=services.ctx.clock()), (
            candidate_id
        )

    return await _run(services, actor, key, f"/{candidate_id}/consent", body, action)


@router.post("/renew", response_model=ProfileOut, responses=RESPONSES)
async def renew_consent(
    candidate_id: UUID, body: RenewRequest, actor: ReferentDep, services: ServicesDep,
    key: KeyHeader = None,
) -> Response:  # fmt: skip
    async def action(conn: Conn) -> tuple[ProfileOut, UUID]:
        profile = await consent.renew(
            conn, actor=actor, candidate_id=candidate_id, expires_at=body.expires_at,
            ctx=services.ctx,
        )  # fmt: skip
        return ProfileOut.of(profile, structure=actor.structure, now=services.ctx.clock()), (
            candidate_id
        )

    return await _run(services, actor, key, f"/{candidate_id}/consent/renew", body, action)


@router.post("/withdraw", response_model=WithdrawalOut, responses=RESPONSES)
async def withdraw_consent(
    candidate_id: UUID, actor: ReferentDep, services: ServicesDep, key: KeyHeader = None,
    body: Annotated[WithdrawRequest | None, Body()] = None,
) -> Response:  # fmt: skip
    """Withdrawing `matching` (the default: everything) erases the profile everywhere."""
    purposes = body.purposes if body is not None else None

    async def action(conn: Conn) -> tuple[WithdrawalOut, UUID | None]:
        profile = await consent.withdraw(
            conn, actor=actor, candidate_id=candidate_id, purposes=purposes, ctx=services.ctx
        )
        if profile is None:
            return WithdrawalOut(erased=True), None
        out = ProfileOut.of(profile, structure=actor.structure, now=services.ctx.clock())
        return WithdrawalOut(erased=False, profile=out), candidate_id

    return await _run(services, actor, key, f"/{candidate_id}/consent/withdraw", body, action)


async def _run(
    services: ServicesDep, actor: ReferentDep, key: str | None, path: str, body: object,
    action: idempotent.Action,
) -> Response:  # fmt: skip
    return await idempotent.run(
        services, actor=actor, key=key, status_code=200, action=action,
        request_fingerprint=idempotent.fingerprint("POST", path, body),
    )  # fmt: skip
