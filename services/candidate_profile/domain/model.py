"""A candidate profile as référents write it, and as this service keeps it.

Only what the minimum contract needs, plus private notes and contact fields that never leave
this service. `extra="forbid"` refuses anything else: health data, NIR or family situation are
simply not fields here, and a request that sends them gets a 422 naming them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from shared.contracts.common import (
    InseeCode,
    LongText,
    MultiLine,
    OneLine,
    RomeCode,
    Schedule,
    ShortText,
    SkillText,
)
from shared.contracts.profiles import Purpose

FirstName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), OneLine
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 .-]{6,20}$")]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), MultiLine]


def no_nul(value: object) -> object:
    """PostgreSQL stores no NUL character in text or JSON: refuse it as a bad value."""
    items = value if isinstance(value, list | tuple) else [value]
    if any(isinstance(v, str) and "\x00" in v for v in items):
        raise ValueError("must not contain the NUL character")
    return value


class ProfileFields(BaseModel):
    """What a référent writes on create and update (PUT replaces all of it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        return no_nul(value)

    first_name: FirstName = Field(
        description="Never published nor used for matching.", examples=["Samira"]
    )
    contact_email: EmailStr | None = Field(default=None, description="Stays in this service.")
    contact_phone: Phone | None = Field(default=None, examples=["06 12 34 56 78"])
    notes: Notes = Field(default="", description="Private notes of the structure.")
    desired_jobs: list[ShortText] = Field(min_length=1, max_length=10, examples=[["Maçonne"]])
    desired_rome_codes: list[RomeCode] = Field(
        default_factory=list,
        max_length=10,
        description="ROME codes given by the référent; those of desired_jobs are added.",
        examples=[["F1703"]],
    )
    experience: LongText = Field(default="", examples=["3 ans de gros œuvre en intérim."])
    skills: list[SkillText] = Field(default_factory=list, max_length=50)
    commune_insee: InseeCode = Field(examples=["31555"])
    mobility_km: float = Field(ge=0, le=200, examples=[25])
    has_driving_licence: bool = False
    unavailable_schedules: list[Schedule] = Field(
        default_factory=list, max_length=4, examples=[["night"]]
    )
    available_from: date | None = None


class ConsentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    purposes: list[Purpose] = Field(min_length=1, max_length=3, examples=[["matching"]])
    expires_at: AwareDatetime = Field(
        description="At most two years ahead.", examples=["2028-06-30T00:00:00Z"]
    )


class ProfileCreate(ProfileFields):
    consent: ConsentRequest | None = Field(
        default=None, description="Consent given when the profile is created, if any."
    )


class Consent(BaseModel):
    """The consent in force: granted for these purposes until `expires_at`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    purposes: tuple[Purpose, ...]
    granted_at: AwareDatetime
    expires_at: AwareDatetime

    def active_for(self, purpose: Purpose, at: datetime) -> bool:
        return purpose in self.purposes and self.granted_at <= at < self.expires_at


class Profile(ProfileFields):
    """A stored profile. `desired_rome_codes` holds the given and the derived codes."""

    candidate_id: UUID
    referent_id: UUID
    structure: ShortText
    version: int = Field(ge=1)
    consent: Consent | None = None
    shared_with: tuple[str, ...] = ()
    created_at: AwareDatetime
    updated_at: AwareDatetime

    def publishable(self, at: datetime) -> bool:
        return self.consent is not None and self.consent.active_for("matching", at)

    def shareable(self, at: datetime) -> bool:
        """Whether the person agreed that other structures read the profile (and its matches)."""
        return self.consent is not None and self.consent.active_for("sharing_with_partners", at)
