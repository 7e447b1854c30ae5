"""Request and response bodies of the HTTP API (the domain models carry the field rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.referents import StructureCode
from shared.contracts import AlertPreferences
from shared.contracts.profiles import Purpose

IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,200}$")]


class ProfileOut(Profile):
    notes: str | None = Field(  # type: ignore[assignment]
        default=None, description="Only for the structure that owns the profile."
    )
    published_for_matching: bool = Field(description="Consent for matching is active now.")

    @classmethod
    def of(cls, profile: Profile, *, structure: str, now: datetime) -> ProfileOut:
        data = profile.model_dump()
        if profile.structure != structure:
            data["notes"] = None
        return cls.model_validate({**data, "published_for_matching": profile.publishable(now)})


class ProfilePage(BaseModel):
    items: list[ProfileOut]
    next_after: UUID | None = Field(description="Pass as `after` for the next page; null: end.")


class RenewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_at: AwareDatetime = Field(description="At most two years ahead.")


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purposes: list[Purpose] | None = Field(
        default=None,
        min_length=1,
        description="Withdrawn purposes (all if absent); losing `matching` erases the profile.",
    )


class WithdrawalOut(BaseModel):
    erased: bool
    profile: ProfileOut | None = None


class ConsentEntry(BaseModel):
    action: str = Field(examples=["granted"])
    purposes: list[Purpose]
    expires_at: AwareDatetime | None
    actor_referent_id: UUID | None = Field(description="null: the service (expiry).")
    at: AwareDatetime


class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    structure: StructureCode = Field(examples=["FT31"])


class ReferentOut(BaseModel):
    referent_id: UUID
    structure: str
    name: str
    email: str
    preferences: AlertPreferences
