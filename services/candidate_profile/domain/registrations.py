"""A person's registrations to the actions of the banque commune, as the workspace shows them.

The actions service owns them: this is its latest word on each (RegistrationChanged), kept so
that the person's page and the passeport read them without asking it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shared.contracts.actions import ACTION_KIND_LABELS, ActionKind, RegistrationStatus

STATUS_LABELS = {
    RegistrationStatus.REGISTERED: "Inscrit·e",
    RegistrationStatus.WAITING: "Sur liste d'attente",
    RegistrationStatus.CANCELLED: "Inscription annulée",
    RegistrationStatus.ATTENDED: "Présent·e",
    RegistrationStatus.ABSENT: "Absent·e",
}


@dataclass(frozen=True)
class Registration:
    registration_id: UUID
    candidate_id: UUID
    version: int
    action_id: UUID
    session_id: UUID
    referent_id: UUID
    action_title: str
    action_kind: str
    provider_structure: str
    starts_at: datetime
    ends_at: datetime
    status: str
    outcome: str | None
    updated_at: datetime

    @property
    def attended(self) -> bool:
        return self.status == RegistrationStatus.ATTENDED

    @property
    def kind_label(self) -> str:
        try:
            return ACTION_KIND_LABELS[ActionKind(self.action_kind)]
        except ValueError:
            return self.action_kind

    @property
    def status_label(self) -> str:
        try:
            return STATUS_LABELS[RegistrationStatus(self.status)]
        except ValueError:
            return self.status


def exported(r: Registration) -> dict[str, str | None]:
    """An attended action as the passeport's export carries it."""
    return {
        "title": r.action_title,
        "kind": r.kind_label,
        "provider": r.provider_structure,
        "starts_at": r.starts_at.isoformat(),
        "ends_at": r.ends_at.isoformat(),
        "outcome": r.outcome,
    }
