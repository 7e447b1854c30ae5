"""Actions of the banque commune as the référent reads them: the proposals made for a person,
the places freed for a person on a waiting list, the words for them, and who may follow them up.

Never a first name: the notifier does not have it (the page fills it in, an e-mail says "la
personne").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from shared.contracts.actions import (
    ACTION_KIND_LABELS,
    ACTION_NOT_RELEVANT_REASONS,
    ActionFollowUp,
    ActionKind,
)

from .errors import AlertRedacted, AlreadyClaimed, InvalidFeedback
from .schedule import PARIS

FOLLOW_UPS = {ActionFollowUp.REGISTERED: "Inscrit", ActionFollowUp.NOT_RELEVANT: "Pas pertinent"}
NOT_RELEVANT_REASONS = dict(
    zip(
        ACTION_NOT_RELEVANT_REASONS,
        (
            "Déjà fait",
            "La personne n'est pas intéressée",
            "Trop loin",
            "Horaires incompatibles",
            "La personne n'est pas disponible",
            "Autre motif",
        ),
        strict=True,
    )
)
# A discovery widens the person's horizon: it must never read like the trade they asked for.
TRADE_KINDS = {True: "Métier à découvrir", False: "Métier souhaité"}


@dataclass(frozen=True)
class ActionProposal:
    """A session of an action proposed for a person (after erasure: no person, no text)."""

    proposal_id: UUID
    action_id: UUID
    session_id: UUID
    candidate_id: UUID | None
    referent_id: UUID
    structure: str
    shared_with: list[str]
    discovery: bool
    rome_code: str
    rome_label: str
    explanation: str | None
    distance_km: float | None
    action: dict[str, Any]
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


@dataclass(frozen=True)
class PlaceNotice:
    """A cancellation freed a place and the person moved up from the waiting list."""

    notice_id: UUID
    registration_id: UUID
    version: int
    candidate_id: UUID | None
    referent_id: UUID
    action_id: UUID
    session_id: UUID
    action_title: str
    action_kind: str
    provider_structure: str
    starts_at: datetime
    created_at: datetime
    redacted_at: datetime | None = None

    @property
    def redacted(self) -> bool:
        return self.redacted_at is not None


def kind_label(kind: str) -> str:
    try:
        return ACTION_KIND_LABELS[ActionKind(kind)]
    except ValueError:
        return kind


def when(starts_at: datetime | str, ends_at: datetime | str | None = None) -> str:
    """ "le 12/01/2027 de 09:00 à 12:00" in Paris time (the session's day and hours)."""
    start = _at(starts_at).astimezone(PARIS)
    if ends_at is None:
        return f"le {start:%d/%m/%Y} à {start:%H:%M}"
    end = _at(ends_at).astimezone(PARIS)
    if end.date() == start.date():
        return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"
    return f"du {start:%d/%m/%Y} {start:%H:%M} au {end:%d/%m/%Y} {end:%H:%M}"


def _at(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def place(proposal: ActionProposal) -> str:
    """Where the session is held: the commune and the distance from home, or "à distance"."""
    action = proposal.action
    if action.get("remote") and not action.get("commune_insee"):
        return "à distance"
    commune = str(action.get("commune_name") or action.get("commune_insee") or "?")
    if proposal.distance_km is None:
        return commune
    return f"{commune} (à {proposal.distance_km:.0f} km du domicile)"


def sign_up_link(proposal: ActionProposal) -> str:
    """The actions service's page to register the person to this session."""
    return (
        f"/actions/{proposal.action_id}?session={proposal.session_id}"
        f"&personne={proposal.candidate_id}"
    )


def parse_follow_up(decision: str, reason: str | None) -> tuple[ActionFollowUp, str | None]:
    try:
        chosen = ActionFollowUp(decision)
    except ValueError as exc:
        raise InvalidFeedback(f"suivi inconnu : {decision!r}") from exc
    if chosen is not ActionFollowUp.NOT_RELEVANT:
        return chosen, None
    if reason not in NOT_RELEVANT_REASONS:
        raise InvalidFeedback("choisissez un motif pour « pas pertinent »")
    return chosen, reason


def check_may_follow_up(proposal: ActionProposal, referent_id: UUID) -> None:
    """The first référent to follow a shared proposal up claims it; the others see who did."""
    if proposal.redacted:
        raise AlertRedacted("profil supprimé")
    if proposal.claimed_by is not None and proposal.claimed_by != referent_id:
        raise AlreadyClaimed(
            proposal.claimed_by_name or "un autre référent", proposal.claimed_by_structure or "?"
        )
