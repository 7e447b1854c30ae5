"""The registrations' JSON API (`/actions/api/...`), for a référent's identity assertion.

A person or a registration the caller may not see is 404, exactly like one that does not
exist: the answer never tells who is known.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from services.actions.domain.registrations import OUTCOME_MAX, NotFound, Refused, Registration
from services.actions.entrypoints.deps import ApiReferentDep, ServicesDep
from services.actions.handlers import registrations
from shared.contracts.actions import RegistrationStatus

router = APIRouter(prefix="/actions/api", tags=["inscriptions"])


class RegistrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    candidate_id: UUID = Field(description="A person of your structure, or shared with it.")


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["present", "absent"]
    outcome: str | None = Field(
        default=None, max_length=OUTCOME_MAX, examples=["Entrée en formation le 3 février"]
    )


class RegistrationOut(BaseModel):
    registration_id: UUID
    version: int
    action_id: UUID
    session_id: UUID
    candidate_id: UUID | None
    structure: str
    status: RegistrationStatus
    waiting_rank: int | None = Field(default=None, description="1: first on the waiting list.")
    outcome: str | None
    action_title: str
    provider_structure: str
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, r: Registration, rank: int | None = None) -> RegistrationOut:
        return cls(
            registration_id=r.registration_id,
            version=r.version,
            action_id=r.action_id,
            session_id=r.session_id,
            candidate_id=r.candidate_id,
            structure=r.structure,
            status=r.status,
            waiting_rank=rank,
            outcome=r.outcome,
            action_title=r.action_title,
            provider_structure=r.provider_structure,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
        )


@contextmanager
def domain_errors() -> Iterator[None]:
    try:
        yield
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except Refused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc


@router.post(
    "/sessions/{session_id}/inscriptions",
    status_code=status.HTTP_201_CREATED,
    summary="Register a person: a place if one is left, else the waiting list",
)
async def register(
    session_id: UUID, body: RegistrationIn, who: ApiReferentDep, services: ServicesDep
) -> RegistrationOut:
    with domain_errors():
        done = await registrations.register(
            services, who, session_id=session_id, candidate_id=body.candidate_id
        )
    return RegistrationOut.of(done.registration, done.rank)


@router.post("/inscriptions/{registration_id}/annulation", summary="Cancel a registration")
async def cancel(
    registration_id: UUID, who: ApiReferentDep, services: ServicesDep
) -> RegistrationOut:
    with domain_errors():
        return RegistrationOut.of(await registrations.cancel(services, who, registration_id))


@router.post(
    "/inscriptions/{registration_id}/presence",
    summary="Record attendance and outcome (the providing structure, once the session began)",
)
async def attendance(
    registration_id: UUID, body: AttendanceIn, who: ApiReferentDep, services: ServicesDep
) -> RegistrationOut:
    with domain_errors():
        done = await registrations.record_attendance(
            services,
            who,
            registration_id,
            status=RegistrationStatus(body.status),
            outcome=body.outcome,
        )
    return RegistrationOut.of(done)


@router.get("/inscriptions", summary="Your structure's registrations, newest session first")
async def mine(
    who: ApiReferentDep, services: ServicesDep, candidate_id: UUID | None = None
) -> list[RegistrationOut]:
    found = await registrations.of_my_structure(services, who, candidate_id=candidate_id)
    return [RegistrationOut.of(r) for r in found]
