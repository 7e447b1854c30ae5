"""Actions of the banque d'actions commune as the matcher sees them, and the hard constraints
of a session for a person: what never gets proposed, whatever the trade.

The publics an action is designed for are not here: the matcher never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.matcher.domain.compatibility import CONSENT, DISTANCE, SCHEDULE, DistanceFn
from services.matcher.domain.model import Profile

STARTED = "session commencée ou passée"
TOO_EARLY = "avant la date de disponibilité"
FULL = "complet"
UNKNOWN_PLACE = "lieu inconnu"


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str
    starts_at: datetime
    ends_at: datetime
    schedules: frozenset[str]
    places_left: int


@dataclass(frozen=True, slots=True)
class Action:
    action_id: str
    version: int
    rome_codes: tuple[str, ...]
    commune_insee: str | None
    remote: bool
    title: str
    kind: str
    provider_structure: str
    sessions: tuple[Session, ...] = ()
    open: bool = True


@dataclass(frozen=True, slots=True)
class Fit:
    """The session kept for a person, with the distance from home (None: à distance)."""

    action: Action
    session: Session
    distance_km: float | None


def session_faults(
    action: Action, session: Session, profile: Profile, *, at: datetime, distance: DistanceFn
) -> tuple[str, ...]:
    """Every hard constraint the session fails for the person (none: it may be proposed)."""
    faults: list[str] = []
    if profile.consent is None or not profile.consent.active_at(at):
        faults.append(CONSENT)
    if session.starts_at <= at:
        faults.append(STARTED)
    if profile.available_from and session.starts_at.date() < profile.available_from:
        faults.append(TOO_EARLY)
    if session.places_left <= 0:
        faults.append(FULL)
    if not action.remote:
        km = distance(action.commune_insee or "", profile.commune_insee)
        if km is None:
            faults.append(UNKNOWN_PLACE)
        elif km > profile.mobility_km:
            faults.append(DISTANCE)
    if session.schedules & profile.unavailable_schedules:
        faults.append(SCHEDULE)
    return tuple(faults)


def earliest_fit(
    action: Action, profile: Profile, *, at: datetime, distance: DistanceFn
) -> Fit | None:
    """The action's earliest session passing every hard constraint, or None."""
    if not action.open:
        return None
    for session in sorted(action.sessions, key=lambda s: (s.starts_at, s.session_id)):
        if not session_faults(action, session, profile, at=at, distance=distance):
            km = (
                None
                if action.remote
                else distance(action.commune_insee or "", profile.commune_insee)
            )
            return Fit(action, session, km)
    return None
