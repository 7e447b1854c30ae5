"""What leaves this service: only what matching needs, only while consent for matching holds."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from services.candidate_profile.domain.errors import InvalidField
from services.candidate_profile.domain.model import Profile
from services.candidate_profile.domain.screening import screened
from shared.contracts import ConsentState, ProfileErased, ProfilePayload, ProfileUpserted
from shared.correlation import current_correlation_id

PRODUCER = "candidate_profile"
ErasureReason = Literal["withdrawn", "expired", "deleted", "inactive"]


def matching_payload(profile: Profile, *, now: datetime) -> ProfilePayload:
    """The profile minus its first name, contact details and notes (the contract forbids them),
    its free text screened again (a profile stored before screening never carries a sensitive
    sentence out), shared with other structures only while the person consents to it."""
    assert profile.consent is not None
    texts, _ = screened(
        experience=profile.experience, skills=profile.skills, desired_jobs=profile.desired_jobs
    )
    return ProfilePayload(
        candidate_id=profile.candidate_id,
        version=profile.version,
        referent_id=profile.referent_id,
        structure=profile.structure,
        shared_with=list(profile.shared_with) if profile.shareable(now) else [],
        consent=ConsentState(
            granted_at=profile.consent.granted_at,
            expires_at=profile.consent.expires_at,
            purposes=list(profile.consent.purposes),
        ),
        desired_jobs=texts.desired_jobs,
        desired_rome_codes=profile.desired_rome_codes,
        experience=texts.experience,
        skills=texts.skills,
        commune_insee=profile.commune_insee,
        mobility_km=profile.mobility_km,
        has_driving_licence=profile.has_driving_licence,
        unavailable_schedules=profile.unavailable_schedules,
        available_from=profile.available_from,
    )


def profile_upserted(
    profile: Profile, *, now: datetime, correlation_id: UUID | None = None
) -> ProfileUpserted | None:
    """The event of this version of the profile, or None when it must not be published
    (no consent for matching, or no desired job left once screened)."""
    if not profile.publishable(now):
        return None
    try:
        payload = matching_payload(profile, now=now)
    except InvalidField:
        return None
    return ProfileUpserted(
        producer=PRODUCER,
        correlation_id=correlation_id or current_correlation_id(),
        payload=payload,
    )


def profile_erased(
    candidate_id: UUID, *, version: int, reason: ErasureReason, correlation_id: UUID | None = None
) -> ProfileErased:
    return ProfileErased(
        producer=PRODUCER,
        correlation_id=correlation_id or current_correlation_id(),
        payload={"candidate_id": candidate_id, "version": version, "reason": reason},
    )
