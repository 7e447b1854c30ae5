"""What happened to a match afterwards: an alert delivered, a référent's decision."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.envelope import Event


class AlertChannel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    INBOX = "inbox"


class AlertPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    alert_id: UUID
    match_id: UUID
    referent_id: UUID
    channel: AlertChannel
    status: Literal["sent", "failed", "suppressed"]
    digest: bool = False
    detail: str | None = Field(default=None, max_length=500)


class AlertSent(Event):
    event_type: Literal["AlertSent"] = "AlertSent"
    payload: AlertPayload

    def key(self) -> bytes:
        return str(self.payload.alert_id).encode()


class FeedbackDecision(StrEnum):
    PROPOSED = "proposed_to_employer"
    CONTACTED = "contacted"
    INTERVIEW = "interview"
    HIRED = "hired"
    NOT_RELEVANT = "not_relevant"


NOT_RELEVANT_REASONS = (
    "metier_different",
    "trop_loin",
    "horaires_incompatibles",
    "deja_en_emploi",
    "pas_disponible",
    "autre",
)


class FeedbackPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match_id: UUID
    need_id: UUID
    candidate_id: UUID
    referent_id: UUID
    decision: FeedbackDecision
    reason: str | None = Field(default=None, examples=["trop_loin"])

    @model_validator(mode="after")
    def _reason_for_not_relevant(self) -> FeedbackPayload:
        if (
            self.decision is FeedbackDecision.NOT_RELEVANT
            and self.reason not in NOT_RELEVANT_REASONS
        ):
            raise ValueError(f"reason must be one of {', '.join(NOT_RELEVANT_REASONS)}")
        return self


class MatchFeedbackGiven(Event):
    event_type: Literal["MatchFeedbackGiven"] = "MatchFeedbackGiven"
    payload: FeedbackPayload

    def key(self) -> bytes:
        return str(self.payload.match_id).encode()
