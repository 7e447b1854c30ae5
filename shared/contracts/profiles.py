"""Events of the référent side: a consented profile published for matching, or erased.

ProfileUpserted carries only what matching needs: never a name, contact details or notes
(`extra="forbid"` refuses them), and only while consent for matching is active.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.common import InseeCode, LongText, RomeCode, Schedule, ShortText, SkillText
from shared.contracts.envelope import Event

# sharing_with_partners: the profile may be shared with another SPIE structure (POST
# /profiles/{id}/shares), which then reads it without contact details and receives its matches.
Purpose = Literal["matching", "sharing_with_employers", "sharing_with_partners"]


def _matching_only() -> list[Purpose]:
    return ["matching"]


class ConsentState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    granted_at: AwareDatetime = Field(examples=["2026-11-02T10:00:00Z"])
    expires_at: AwareDatetime = Field(examples=["2028-11-02T10:00:00Z"])
    withdrawn_at: AwareDatetime | None = None
    purposes: list[Purpose] = Field(default_factory=_matching_only, examples=[["matching"]])

    def active_for(self, purpose: str, at: datetime) -> bool:
        return (
            purpose in self.purposes
            and self.withdrawn_at is None
            and self.granted_at <= at < self.expires_at
        )


class ProfilePayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    candidate_id: UUID = Field(description="Pseudonymous id of the candidate.")
    version: int = Field(ge=1, description="Increases with each change of the profile.")
    referent_id: UUID = Field(description="Référent who accompanies the candidate.")
    structure: ShortText = Field(description="Structure of the référent.", examples=["CD31"])
    shared_with: list[ShortText] = Field(
        default_factory=list, description="Other structures the profile is shared with."
    )
    consent: ConsentState
    desired_jobs: list[ShortText] = Field(min_length=1, max_length=10, examples=[["Maçonne"]])
    desired_rome_codes: list[RomeCode] = Field(default_factory=list, examples=[["F1703"]])
    experience: LongText = Field(default="", examples=["3 ans de gros œuvre en intérim."])
    skills: list[SkillText] = Field(default_factory=list, max_length=50)
    commune_insee: InseeCode = Field(examples=["31555"])
    mobility_km: float = Field(ge=0, le=200, examples=[25])
    has_driving_licence: bool = False
    unavailable_schedules: list[Schedule] = Field(default_factory=list, examples=[["night"]])
    available_from: date | None = None


class ProfileUpserted(Event):
    event_type: Literal["ProfileUpserted"] = "ProfileUpserted"
    payload: ProfilePayload

    def key(self) -> bytes:
        return str(self.payload.candidate_id).encode()


class ProfileErasedPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    candidate_id: UUID
    version: int = Field(ge=1, description="Version at erasure; older upserts must be ignored.")
    reason: Literal["withdrawn", "expired", "deleted", "inactive"] = Field(examples=["withdrawn"])


class ProfileErased(Event):
    """Published before the tombstone (a null value under the same key)."""

    event_type: Literal["ProfileErased"] = "ProfileErased"
    payload: ProfileErasedPayload

    def key(self) -> bytes:
        return str(self.payload.candidate_id).encode()
