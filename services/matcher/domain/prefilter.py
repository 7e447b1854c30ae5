"""The hard constraints as index filters: a superset of the compatible points, cheap to apply.

The exact check (`compatibility.check`) runs afterwards on every point found. Distance uses
rings: a profile in the ring (r₋₁, r] can only qualify with mobility_km ≥ r₋₁, so the index
discards most far profiles with a small mobility before any vector is compared.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from services.matcher.domain.model import Need, Profile
from services.matcher.domain.ports import All, Any_, Between, Condition, Eq, In, Near, Not

RINGS_KM = (2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 75.0, 100.0, 150.0, 200.0)
MARGIN_KM = 0.5  # the index's great-circle distance may differ slightly from ours


def profiles_for_need(need: Need, lat: float, lon: float, *, at: datetime) -> Condition:
    epoch = at.timestamp()
    rings: list[Condition] = [Near("location", lat, lon, RINGS_KM[0] + MARGIN_KM)]
    for inner, outer in itertools.pairwise(RINGS_KM):
        rings.append(
            All(
                (
                    Near("location", lat, lon, outer + MARGIN_KM),
                    Between("mobility_km", gte=inner - MARGIN_KM),
                )
            )
        )
    must: list[Condition] = [
        Between("consent_expires_at", gt=epoch),
        Between("consent_granted_at", lte=epoch),
        Any_(tuple(rings)),
    ]
    if need.driving_licence_required:
        must.append(Eq("licence", 1))
    if need.schedules:
        must.append(Not(In("unavailable", tuple(sorted(need.schedules)))))
    return All(tuple(must))


def needs_for_profile(profile: Profile, lat: float, lon: float) -> Condition:
    must: list[Condition] = [
        Eq("open", 1),
        Near("location", lat, lon, profile.mobility_km + MARGIN_KM),
    ]
    if not profile.has_driving_licence:
        must.append(Eq("licence_required", 0))
    if profile.unavailable_schedules:
        must.append(Not(In("schedules", tuple(sorted(profile.unavailable_schedules)))))
    return All(tuple(must))
