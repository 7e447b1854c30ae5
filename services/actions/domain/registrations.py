"""The rules of a registration: who may be registered to what, what a change may do.

A registration holds a place (inscrit, then present or absent once the session has started) or a
rank on the waiting list; a cancelled one holds nothing. The places themselves are counted by
the database (sessions.registered, checked against the capacity); these rules only say which
change is allowed, so that a page and the API refuse the same things with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shared.contracts.actions import RegistrationStatus as Status

HOLDS_PLACE = frozenset({Status.REGISTERED, Status.ATTENDED, Status.ABSENT})
LIVE = frozenset({Status.REGISTERED, Status.WAITING})
ATTENDANCE = frozenset({Status.ATTENDED, Status.ABSENT})
OUTCOME_MAX = 200


class NotFound(LookupError):
    """Unknown, or not the caller's to see: the same answer, so nothing tells who exists."""


class Refused(ValueError):
    """A change the rules do not allow now; the message says what to do instead (409)."""


class AlreadyRegistered(Refused):
    pass


@dataclass(frozen=True)
class Person:
    """A person of the replica: whose they are, with whom shared, until when consented."""

    candidate_id: UUID
    referent_id: UUID
    structure: str
    shared_with: tuple[str, ...]
    commune_insee: str
    consent_expires_at: datetime

    def visible_to(self, structure: str) -> bool:
        return self.structure == structure or structure in self.shared_with


@dataclass(frozen=True)
class SessionState:
    """A session with what registration decides on: its dates, whether it and its action run."""

    session_id: UUID
    action_id: UUID
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    action_open: bool
    provider_structure: str

    def started(self, now: datetime) -> bool:
        return self.starts_at <= now


def check_can_register(person: Person, session: SessionState, now: datetime) -> None:
    if person.consent_expires_at <= now:
        raise Refused(
            "Le consentement de la personne a expiré : renouvelez-le dans sa fiche avant de"
            " l'inscrire."
        )
    if not session.action_open:
        raise Refused("Cette action a été retirée du catalogue : choisissez-en une autre.")
    if session.cancelled:
        raise Refused("Cette session a été annulée : choisissez-en une autre.")
    if session.started(now):
        raise Refused("Cette session a déjà commencé : choisissez une session à venir.")


def check_can_cancel(status: Status, session: SessionState, now: datetime) -> None:
    if status not in LIVE:
        raise Refused("Cette inscription n'est plus en cours : il n'y a rien à annuler.")
    if session.started(now):
        raise Refused(
            "La session a déjà commencé : l'organisateur notera la présence ou l'absence."
        )


def check_can_record_attendance(status: Status, session: SessionState, now: datetime) -> None:
    if not session.started(now):
        raise Refused("La session n'a pas encore commencé : notez la présence à partir du début.")
    if status not in HOLDS_PLACE:
        raise Refused(
            "Cette personne n'avait pas de place (liste d'attente ou inscription annulée) :"
            " aucune présence à noter."
        )


def clean_outcome(outcome: str | None) -> str | None:
    """The provider's short note after the session: one line, at most OUTCOME_MAX characters."""
    text = " ".join((outcome or "").split())
    if len(text) > OUTCOME_MAX:
        raise ValueError(f"Le résultat tient en {OUTCOME_MAX} caractères au plus.")
    return text or None


@dataclass(frozen=True)
class Registration:
    """A registration with what its event and pages tell of its action and session."""

    registration_id: UUID
    version: int
    session_id: UUID
    action_id: UUID
    candidate_id: UUID | None  # None once the person is erased: the count stays
    referent_id: UUID
    structure: str
    status: Status
    waiting_since: datetime | None
    outcome: str | None
    action_title: str
    action_kind: str
    provider_structure: str
    rome_codes: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDS_PLACE
