"""Events of the employer side: a hiring need posted, updated, closed."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import (
    ContractType,
    InseeCode,
    LongText,
    RomeCode,
    Schedule,
    ShortText,
    Siret,
    SkillText,
)
from shared.contracts.envelope import Event


class ComplianceFlag(BaseModel):
    """A sentence of the need that may select on a ground the Code du travail forbids."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ground: Literal["sex", "age", "family_situation", "origin", "health", "other"] = Field(
        description="The ground of discrimination the sentence touches (L1132-1, L1142-1).",
        examples=["sex"],
    )
    sentence: str | None = Field(
        default=None,
        description=(
            "The sentence as written, for its federation only; absent on the events: the"
            " sentence is kept out of the published need."
        ),
        examples=["Homme uniquement."],
    )
    article: str = Field(default="L1132-1", examples=["L1142-1"])


class NeedPayload(BaseModel):
    """A hiring need in the minimum contract, as the matcher and the notifier need it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    need_id: UUID = Field(description="Id of the need.")
    version: int = Field(ge=1, description="Increases with each change of the need.", examples=[1])
    federation: ShortText = Field(description="Federation that posted it.", examples=["BTP31"])
    employer_name: ShortText = Field(examples=["Bâtir Garonne SARL"])
    siret: Siret | None = Field(default=None, examples=["12345678900012"])
    title: ShortText = Field(examples=["Maçon / Maçonne"])
    description: LongText = Field(
        default="",
        description=(
            "On the events: without its flagged sentences nor those holding health, disability,"
            " pregnancy or family data (shared.screening)."
        ),
        examples=["Chantiers de rénovation à Muret."],
    )
    rome_code: RomeCode | None = Field(
        default=None, description="ROME 4.0 fiche, given or suggested.", examples=["F1703"]
    )
    rome_label: str | None = Field(default=None, examples=["Maçonnerie"])
    rome_confidence: float | None = Field(
        default=None, ge=0, le=1, description="Confidence of a suggested code; None if given."
    )
    skills: list[SkillText] = Field(default_factory=list, max_length=50, examples=[["coffrage"]])
    commune_insee: InseeCode = Field(description="INSEE code of the workplace.", examples=["31395"])
    contract_type: ContractType = Field(examples=["CDD"])
    hours_per_week: float = Field(ge=1, le=48, examples=[35])
    positions: int = Field(default=1, ge=1, le=500, examples=[2])
    driving_licence_required: bool = Field(default=False)
    schedules: list[Schedule] = Field(default_factory=list, examples=[["day", "early_morning"]])
    start_date: date | None = Field(default=None, examples=["2027-01-04"])
    open_to_beginners: bool = Field(default=False)
    compliance_flags: list[ComplianceFlag] = Field(default_factory=list)
    duplicate_of: UUID | None = Field(
        default=None, description="First need of a probable duplicate (same SIRET, ROME, commune)."
    )


class NeedPosted(Event):
    event_type: Literal["NeedPosted"] = "NeedPosted"
    payload: NeedPayload

    def key(self) -> bytes:
        return str(self.payload.need_id).encode()


class NeedUpdated(Event):
    event_type: Literal["NeedUpdated"] = "NeedUpdated"
    payload: NeedPayload

    def key(self) -> bytes:
        return str(self.payload.need_id).encode()


class NeedClosedPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    need_id: UUID
    version: int = Field(ge=1)
    federation: ShortText
    reason: Literal["filled", "cancelled"] = Field(examples=["filled"])
    comment: str | None = Field(default=None, max_length=500)


class NeedClosed(Event):
    event_type: Literal["NeedClosed"] = "NeedClosed"
    payload: NeedClosedPayload

    def key(self) -> bytes:
        return str(self.payload.need_id).encode()
