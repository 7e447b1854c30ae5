"""A proposal of the matcher: this need fits this candidate, with the score parts and why."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import ContractType, InseeCode, Schedule
from shared.contracts.envelope import Event
from shared.contracts.needs import ComplianceFlag


class ScoreParts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dense: float = Field(description="Semantic similarity of the texts.")
    lexical: float = Field(description="Lexical similarity of the texts.")
    rome: float = Field(description="1 for the same ROME fiche, less for a mobilité, else 0.")
    skills: float = Field(description="Share of the need's skills found in the profile.")
    distance_km: float = Field(ge=0)


class NeedSummary(BaseModel):
    """What a référent needs to read the alert without another lookup."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    employer_name: str
    federation: str
    rome_code: str | None = None
    rome_label: str | None = None
    commune_insee: InseeCode
    commune_name: str | None = None
    contract_type: ContractType
    hours_per_week: float
    schedules: list[Schedule] = Field(default_factory=list)
    start_date: str | None = None
    compliance_flags: list[ComplianceFlag] = Field(
        default_factory=list,
        description="The need's compliance flags (ground and article, never the sentence).",
        examples=[[{"ground": "sex", "article": "L1142-1"}]],
    )


class MatchPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match_id: UUID
    need_id: UUID
    candidate_id: UUID
    referent_id: UUID
    structure: str
    shared_with: list[str] = Field(default_factory=list)
    need_version: int
    profile_version: int
    direction: Literal["need_to_profiles", "profile_to_needs"]
    rank: int = Field(ge=1)
    score: float
    threshold: float
    score_parts: ScoreParts
    explanation: str = Field(
        description="Plain French explanation for the référent.",
        examples=["Même métier : Maçon / Maçonne (F1703) · 12 km · permis B"],
    )
    need: NeedSummary
    model_version: str = Field(examples=["all-MiniLM-L6-v2@gt-0.1.0"])
    referential_version: str = Field(examples=["ROME v460"])
    inputs_hash: str = Field(description="SHA-256 of the need and profile as matched.")


class MatchFound(Event):
    event_type: Literal["MatchFound"] = "MatchFound"
    payload: MatchPayload

    def key(self) -> bytes:
        # Keyed by the person, not the match: every proposal for one candidate (the same pair found
        # again at a later version included) is consumed in the order the matcher produced it.
        return str(self.payload.candidate_id).encode()
