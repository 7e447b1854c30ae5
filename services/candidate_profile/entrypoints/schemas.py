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
from shared.screening import Category, Finding

IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,200}$")]
# What a partner structure never reads of a profile shared with it: it goes through the
# owning référent (referent_id) to reach the person.
OWNER_ONLY = ("notes", "contact_email", "contact_phone")


class ScreenedOut(BaseModel):
    """A sentence removed from the profile's published text (and not stored), and why."""

    field: str = Field(examples=["experience"])
    sentence: str | None = Field(
        description="As written; null in a reply replayed for an Idempotency-Key (never stored).",
        examples=["Mère de deux enfants."],
    )
    category: Category = Field(examples=["family_situation"])


class ProfileOut(Profile):
    notes: str | None = Field(  # type: ignore[assignment]
        default=None, description="Only for the structure that owns the profile."
    )
    contact_email: str | None = Field(
        default=None, description="Only for the structure that owns the profile."
    )
    contact_phone: str | None = Field(
        default=None, description="Only for the structure that owns the profile."
    )
    published_for_matching: bool = Field(description="Consent for matching is active now.")
    screened: list[ScreenedOut] = Field(
        default_factory=list,
        description=(
            "In the reply to a create or replace: sentences of experience, skills or desired_jobs"
            " holding health, disability, pregnancy or family data, removed before storing and"
            " publishing."
        ),
    )

    @classmethod
    def of(
        cls,
        profile: Profile,
        *,
        structure: str,
        now: datetime,
        screened: list[Finding] | None = None,
    ) -> ProfileOut:
        data = profile.model_dump()
        if profile.structure != structure:
            data.update(dict.fromkeys(OWNER_ONLY))
        found = [
            ScreenedOut(field=f.field, sentence=f.sentence, category=f.category)
            for f in screened or []
        ]
        return cls.model_validate(
            {**data, "published_for_matching": profile.publishable(now), "screened": found}
        )


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
