"""Domain errors; the HTTP edge maps each one to a status code."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors a caller can act on."""


class ProfileNotFound(DomainError):
    """No such profile, or not visible to the structure asking (the two look the same)."""


class ReadOnlyAccess(DomainError):
    """The profile is shared with the caller's structure: it may read, not change it."""


class InvalidField(DomainError):
    """A value passed the schema but breaks a rule that needs the referential or the clock."""

    def __init__(self, field: tuple[str | int, ...], message: str, kind: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.kind = kind


class ConsentConflict(DomainError):
    """The consent is not in a state that allows this change (e.g. renewing none)."""


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key came with a different request."""


class ReferentError(DomainError):
    """A référent cannot be created or changed as asked (unknown, duplicate e-mail...)."""
