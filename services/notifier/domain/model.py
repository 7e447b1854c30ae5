"""The notifier's own view of référents, alerts and deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from shared.contracts import AlertChannel, AlertPreferences


@dataclass(frozen=True)
class Referent:
    referent_id: UUID
    structure: str
    name: str
    email: str
    active: bool
    preferences: AlertPreferences


@dataclass(frozen=True)
class FederationAccount:
    """A federation's user, as FederationUserUpserted last described them: they sign in here
    and the front door vouches for them to the federations' portal."""

    user_id: UUID
    federation: str
    name: str
    email: str
    role: str
    active: bool


@dataclass(frozen=True)
class Alert:
    """One match as a référent sees it in the inbox (after erasure: no candidate, no text)."""

    alert_id: UUID
    match_id: UUID
    need_id: UUID
    candidate_id: UUID | None
    referent_id: UUID
    structure: str
    shared_with: list[str]
    explanation: str | None
    need: dict[str, Any]
    distance_km: float | None  # None once the candidate is erased
    created_at: datetime
    redacted_at: datetime | None = None
    claimed_by: UUID | None = None
    claimed_by_name: str | None = None
    claimed_by_structure: str | None = None
    decision: str | None = None
    reason: str | None = None
    decided_at: datetime | None = None

    @property
    def redacted(self) -> bool:
        return self.redacted_at is not None


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # given up on: a dead-letter record says why
    SUPPRESSED = "suppressed"  # preferences said no, or the référent left
    CANCELLED = "cancelled"  # the candidate's profile was erased first


@dataclass(frozen=True)
class DeliveryPlan:
    channel: AlertChannel
    due_at: datetime
    digest: bool = False


@dataclass(frozen=True)
class Delivery:
    delivery_id: UUID
    alert_id: UUID
    referent_id: UUID
    channel: AlertChannel
    due_at: datetime
    digest: bool
    attempts: int
