"""An action of the catalogue and its sessions, as the service keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shared.contracts.actions import ActionKind, Public
from shared.contracts.common import Schedule


@dataclass(frozen=True)
class Session:
    session_id: UUID
    starts_at: datetime
    ends_at: datetime
    schedules: tuple[Schedule, ...]
    capacity: int
    registered: int
    waiting: int
    cancelled: bool = False

    @property
    def places_left(self) -> int:
        return 0 if self.cancelled else max(self.capacity - self.registered, 0)


@dataclass(frozen=True)
class Action:
    action_id: UUID
    version: int
    status: str  # "open" | "closed"
    kind: ActionKind
    provider_structure: str
    title: str
    description: str
    rome_codes: tuple[str, ...]
    publics: tuple[Public, ...]
    commune_insee: str | None
    remote: bool
    prerequisites: str
    accessibility: str
    created_by: UUID
    sessions: tuple[Session, ...]

    def session(self, session_id: UUID) -> Session | None:
        return next((s for s in self.sessions if s.session_id == session_id), None)

    def editable_by(self, structure: str) -> bool:
        """Only the référents of the providing structure change an action or its sessions."""
        return self.provider_structure == structure
