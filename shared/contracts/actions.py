"""Events of the banque d'actions commune: the catalogue, proposals of actions, registrations.

- ActionPublished (actions service → matcher, notifier...): an action of the shared catalogue as
  it now stands, with its sessions and the places left. It names no one.
- ActionProposed (matcher → notifier, actions): this session of this action fits this person,
  for a trade they want or for a trade worth discovering, with the reason in plain French.
- ActionProposalFeedbackGiven (notifier → matcher, actions): the référent's follow-up.
- RegistrationChanged (actions → notifier, candidate_profile): a person's registration to a
  session was made, put on the waiting list, promoted, cancelled, or its attendance recorded.

The publics an action is designed for describe the action, for the people who search the
catalogue; the matcher never reads them, and never reads a person's sex, age, origin or family
situation (it does not have them): mixité comes from proposing every trade to everyone whose
skills fit (Code du travail L1132-1, L1142-1).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.contracts.common import InseeCode, LongText, RomeCode, Schedule, ShortText
from shared.contracts.envelope import Event


class ActionKind(StrEnum):
    FORMATION = "formation"
    VISITE = "visite_entreprise"
    IMMERSION = "immersion"
    ATELIER = "atelier"
    WEBINAIRE = "webinaire"
    JOB_DATING = "job_dating"
    DECOUVERTE = "decouverte_metiers"


ACTION_KIND_LABELS: dict[ActionKind, str] = {
    ActionKind.FORMATION: "Formation",
    ActionKind.VISITE: "Visite d'entreprise",
    ActionKind.IMMERSION: "Immersion (PMSMP)",
    ActionKind.ATELIER: "Atelier",
    ActionKind.WEBINAIRE: "Webinaire",
    ActionKind.JOB_DATING: "Job dating",
    ActionKind.DECOUVERTE: "Découverte des métiers",
}


class Public(StrEnum):
    TOUS = "tous"
    JEUNES = "jeunes"
    PLUS_50 = "50_ans_et_plus"
    PARENTS = "parents_jeunes_enfants"
    RSA = "beneficiaires_rsa"
    RQTH = "travailleurs_handicapes"
    LONGUE_DUREE = "demandeurs_longue_duree"


PUBLIC_LABELS: dict[Public, str] = {
    Public.TOUS: "Tous publics",
    Public.JEUNES: "Jeunes (16-25 ans)",
    Public.PLUS_50: "50 ans et plus",
    Public.PARENTS: "Parents de jeunes enfants",
    Public.RSA: "Bénéficiaires du RSA",
    Public.RQTH: "Travailleurs handicapés",
    Public.LONGUE_DUREE: "Demandeurs d'emploi de longue durée",
}


class ActionSession(BaseModel):
    """One dated occurrence of an action, with its capacity and what is left of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_id: UUID
    starts_at: AwareDatetime = Field(examples=["2027-01-12T09:00:00Z"])
    ends_at: AwareDatetime = Field(examples=["2027-01-12T12:00:00Z"])
    schedules: list[Schedule] = Field(
        default_factory=list, description="When it happens (a person's unavailable ones count)."
    )
    capacity: int = Field(ge=1, le=10_000)
    places_left: int = Field(ge=0, description="Capacity minus registrations, at publication.")

    @model_validator(mode="after")
    def _ends_after_start(self) -> ActionSession:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.places_left > self.capacity:
            raise ValueError("places_left cannot exceed capacity")
        return self


class ActionPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action_id: UUID
    version: int = Field(ge=1, description="Increases with each change of the action.")
    status: Literal["open", "closed"] = Field(
        description="closed: withdrawn from the catalogue; nothing is proposed from it."
    )
    kind: ActionKind
    provider_structure: ShortText = Field(examples=["AFPA"])
    title: ShortText = Field(examples=["Découvrir les métiers du BTP"])
    description: LongText = ""
    rome_codes: list[RomeCode] = Field(default_factory=list, max_length=20, examples=[["F1703"]])
    publics: list[Public] = Field(min_length=1, examples=[["tous"]])
    commune_insee: InseeCode | None = Field(
        default=None, description="Where it takes place; None when it is held à distance."
    )
    remote: bool = False
    prerequisites: LongText = ""
    accessibility: LongText = ""
    sessions: list[ActionSession] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _a_place_or_remote(self) -> ActionPayload:
        if not self.remote and self.commune_insee is None:
            raise ValueError("an action is either held in a commune or à distance")
        return self


class ActionPublished(Event):
    event_type: Literal["ActionPublished"] = "ActionPublished"
    payload: ActionPayload

    def key(self) -> bytes:
        return str(self.payload.action_id).encode()


class ProposalReason(BaseModel):
    """Why this action for this person: the evidence, for the explanation and the counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["souhait", "decouverte"] = Field(
        description="souhait: a trade the person wants; decouverte: a trade beyond the wish."
    )
    rome_code: RomeCode
    rome_label: str
    transferable_skills: list[str] = Field(
        default_factory=list, description="The person's skills the trade also asks for."
    )
    mobilite_from: RomeCode | None = Field(
        default=None, description="The wished trade this one is a ROME mobilité of."
    )
    open_needs_nearby: int = Field(
        ge=0, description="Open needs of this trade within nearby_km of the person's commune."
    )
    nearby_km: int = Field(ge=0, examples=[20])
    mixite: bool = Field(
        default=False,
        description="The trade is on the SPIE's list of trades where prejudice keeps people away.",
    )


class ProposedActionSummary(BaseModel):
    """What a référent needs to read the proposal without another lookup."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    kind: ActionKind
    provider_structure: str
    commune_insee: InseeCode | None = None
    commune_name: str | None = None
    remote: bool = False
    session_id: UUID
    starts_at: datetime
    ends_at: datetime


class ActionProposalPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    proposal_id: UUID
    action_id: UUID
    session_id: UUID
    candidate_id: UUID
    referent_id: UUID
    structure: str
    shared_with: list[str] = Field(default_factory=list)
    profile_version: int = Field(ge=1)
    action_version: int = Field(ge=1)
    reason: ProposalReason
    distance_km: float | None = Field(default=None, ge=0, description="None: à distance.")
    explanation: str = Field(
        description="Plain French explanation for the référent.",
        examples=[
            "Métier à découvrir : Couvreur / Couvreuse (F1610) · compétences transférables : "
            "travail en hauteur, lecture de plans · 12 offres ouvertes à moins de 20 km"
        ],
    )
    action: ProposedActionSummary
    referential_version: str = Field(examples=["ROME v460"])
    inputs_hash: str = Field(description="SHA-256 of the action and profile as matched.")


class ActionProposed(Event):
    event_type: Literal["ActionProposed"] = "ActionProposed"
    payload: ActionProposalPayload

    def key(self) -> bytes:
        # Keyed by the person, like MatchFound: one person's proposals are read in order.
        return str(self.payload.candidate_id).encode()


class ActionFollowUp(StrEnum):
    REGISTERED = "inscrit"
    NOT_RELEVANT = "pas_pertinent"


ACTION_NOT_RELEVANT_REASONS = (
    "deja_fait",
    "pas_interesse",
    "trop_loin",
    "horaires_incompatibles",
    "pas_disponible",
    "autre",
)


class ActionFeedbackPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    proposal_id: UUID
    action_id: UUID
    candidate_id: UUID
    referent_id: UUID
    rome_code: RomeCode
    discovery: bool = Field(description="Whether the proposal was a trade beyond the wish.")
    decision: ActionFollowUp
    reason: str | None = Field(default=None, examples=["deja_fait"])

    @model_validator(mode="after")
    def _reason_for_not_relevant(self) -> ActionFeedbackPayload:
        if (
            self.decision is ActionFollowUp.NOT_RELEVANT
            and self.reason not in ACTION_NOT_RELEVANT_REASONS
        ):
            raise ValueError(f"reason must be one of {', '.join(ACTION_NOT_RELEVANT_REASONS)}")
        return self


class ActionProposalFeedbackGiven(Event):
    event_type: Literal["ActionProposalFeedbackGiven"] = "ActionProposalFeedbackGiven"
    payload: ActionFeedbackPayload

    def key(self) -> bytes:
        return str(self.payload.candidate_id).encode()


class RegistrationStatus(StrEnum):
    REGISTERED = "inscrit"
    WAITING = "liste_attente"
    CANCELLED = "annule"
    ATTENDED = "present"
    ABSENT = "absent"


class RegistrationPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    registration_id: UUID
    version: int = Field(ge=1, description="Increases with each change of the registration.")
    action_id: UUID
    session_id: UUID
    candidate_id: UUID
    referent_id: UUID = Field(description="The référent who registered the person.")
    structure: str = Field(description="The référent's structure.")
    status: RegistrationStatus
    previous_status: RegistrationStatus | None = None
    promoted: bool = Field(
        default=False, description="Moved from the waiting list to a place freed by a cancellation."
    )
    outcome: ShortText | None = Field(
        default=None, description="What the provider recorded after the session, if anything."
    )
    action_title: str
    action_kind: ActionKind
    provider_structure: str
    rome_codes: list[RomeCode] = Field(default_factory=list)
    starts_at: datetime
    ends_at: datetime


class RegistrationChanged(Event):
    event_type: Literal["RegistrationChanged"] = "RegistrationChanged"
    payload: RegistrationPayload

    def key(self) -> bytes:
        return str(self.payload.candidate_id).encode()
