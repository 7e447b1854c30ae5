"""The hard constraints of DOMAIN.md: a pair that fails one is never proposed, whatever its score.

Pure: the distance between communes comes in as a function (the referential snapshot's
`distance_km`), returning None for a commune it does not know, which is itself a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.matcher.domain.model import Need, Profile

DistanceFn = Callable[[str, str], float | None]

CONSENT = "consentement inactif"
UNKNOWN_COMMUNE = "commune inconnue"
DISTANCE = "trop loin"
LICENCE = "permis requis"
SCHEDULE = "horaires incompatibles"


@dataclass(frozen=True, slots=True)
class Verdict:
    reasons: tuple[str, ...]
    distance_km: float | None

    @property
    def compatible(self) -> bool:
        return not self.reasons


def check(need: Need, profile: Profile, *, at: datetime, distance_km: DistanceFn) -> Verdict:
    reasons: list[str] = []
    if profile.consent is None or not profile.consent.active_at(at):
        reasons.append(CONSENT)
    distance = distance_km(need.commune_insee, profile.commune_insee)
    if distance is None:
        reasons.append(UNKNOWN_COMMUNE)
    elif distance > profile.mobility_km:
        reasons.append(DISTANCE)
    if need.driving_licence_required and not profile.has_driving_licence:
        reasons.append(LICENCE)
    if need.schedules & profile.unavailable_schedules:
        reasons.append(SCHEDULE)
    return Verdict(tuple(reasons), distance)


def compatible(need: Need, profile: Profile, *, at: datetime, distance_km: DistanceFn) -> bool:
    return check(need, profile, at=at, distance_km=distance_km).compatible
