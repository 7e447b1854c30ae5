"""Domain errors, mapped to HTTP statuses (or bulk line reports) at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


class IntakeError(Exception):
    """Base of what a federation did wrong or asked for in vain."""


class InvalidFields(IntakeError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in errors))
        self.errors = errors


class NeedNotFound(IntakeError):
    def __init__(self, need_id: UUID) -> None:
        super().__init__(f"need {need_id} not found")


class NeedAlreadyClosed(IntakeError):
    def __init__(self, need_id: UUID, status: str) -> None:
        super().__init__(f"need {need_id} is already {status}")


class IdempotencyConflict(IntakeError):
    """The same key (or external_ref) was used before with a different body."""
