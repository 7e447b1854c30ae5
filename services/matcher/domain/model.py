"""Needs and profiles as the matcher sees them: only what matching needs, never a name."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

PURPOSE = "matching"


@dataclass(frozen=True, slots=True)
class Consent:
    granted_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None = None
    purposes: tuple[str, ...] = (PURPOSE,)

    def active_at(self, at: datetime) -> bool:
        return (
            PURPOSE in self.purposes
            and self.withdrawn_at is None
            and self.granted_at <= at < self.expires_at
        )


@dataclass(frozen=True, slots=True)
class Need:
    need_id: str
    version: int
    title: str
    commune_insee: str
    description: str = ""
    rome_code: str | None = None
    skills: tuple[str, ...] = ()
    driving_licence_required: bool = False
    schedules: frozenset[str] = frozenset()
    open_to_beginners: bool = False
    start_date: date | None = None
    # What the référent reads in the alert (NeedSummary); opaque to the rules.
    summary: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Profile:
    candidate_id: str
    version: int
    consent: Consent | None
    desired_jobs: tuple[str, ...]
    commune_insee: str
    mobility_km: float
    desired_rome_codes: tuple[str, ...] = ()
    experience: str = ""
    skills: tuple[str, ...] = ()
    has_driving_licence: bool = False
    unavailable_schedules: frozenset[str] = frozenset()
    available_from: date | None = None
    # Where the alert goes (referent_id, structure, shared_with); opaque to the rules.
    routing: dict[str, Any] = field(default_factory=dict, compare=False)


def _shallow(obj: Need | Profile) -> dict[str, Any]:
    """Field -> value, without `asdict`'s deep copy: every caller serialises the result at
    once, and the copy was a tenth of the matcher's recording work."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def need_to_dict(need: Need) -> dict[str, Any]:
    data = _shallow(need)
    data["schedules"] = sorted(need.schedules)
    data["start_date"] = need.start_date.isoformat() if need.start_date else None
    return data


def need_from_dict(data: dict[str, Any]) -> Need:
    start = data.get("start_date")
    return Need(
        **{
            **data,
            "skills": tuple(data.get("skills", ())),
            "schedules": frozenset(data.get("schedules", ())),
            "start_date": date.fromisoformat(start) if start else None,
        }
    )


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    data = _shallow(profile)
    data["unavailable_schedules"] = sorted(profile.unavailable_schedules)
    data["available_from"] = profile.available_from.isoformat() if profile.available_from else None
    consent = profile.consent
    data["consent"] = (
        None
        if consent is None
        else {
            "granted_at": consent.granted_at.isoformat(),
            "expires_at": consent.expires_at.isoformat(),
            "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
            "purposes": list(consent.purposes),
        }
    )
    return data


def profile_from_dict(data: dict[str, Any]) -> Profile:
    raw = data.get("consent")
    consent = None
    if raw is not None:
        withdrawn = raw.get("withdrawn_at")
        consent = Consent(
            granted_at=datetime.fromisoformat(raw["granted_at"]),
            expires_at=datetime.fromisoformat(raw["expires_at"]),
            withdrawn_at=datetime.fromisoformat(withdrawn) if withdrawn else None,
            purposes=tuple(raw.get("purposes", (PURPOSE,))),
        )
    available = data.get("available_from")
    return Profile(
        **{
            **data,
            "consent": consent,
            "desired_jobs": tuple(data["desired_jobs"]),
            "desired_rome_codes": tuple(data.get("desired_rome_codes", ())),
            "skills": tuple(data.get("skills", ())),
            "unavailable_schedules": frozenset(data.get("unavailable_schedules", ())),
            "available_from": date.fromisoformat(available) if available else None,
        }
    )
