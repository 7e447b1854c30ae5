"""What leaves this service: only what matching needs, only while consent for matching holds."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from services.candidate_profile.domain.model import Profile
from shared.contracts import ConsentState, ProfileErased, ProfilePayload, ProfileUpserted
from shared.correlation import current_correlation_id

PRODUCER = "candidate_profile"
ErasureReason = Literal["withdrawn", "expired", "deleted", "inactive"]


def matching_payload(profile: Profile) -> ProfilePayload:
    """The profile minus its first name, contact details and notes (the contract forbids them)."""
    assert profile.consent is not None
    return ProfilePayload(
        candidate_id=profile.candidate_id,
        version=profile.version,
        referent_id=profile.referent_id,
        structure=profile.structure,
        shared_with=list(profile.shared_with),
        consent=ConsentState(
            granted_at=profile.consent.granted_at,
            expires_at=profile.consent.expires_at,
            purposes=list(profile.consent.purposes),
        ),
        desired_jobs=profile.desired_jobs,
        desired_rome_codes=profile.desired_rome_codes,
        experience=profile.experience,
        skills=profile.skills,
        commune_insee=profile.commune_insee,
        mobility_km=profile.mobility_km,
        has_driving_licence=profile.has_driving_licence,
        unavailable_schedules=profile.unavailable_schedules,
        available_from=profile.available_from,
    )


def profile_upserted(
    profile: Profile, *, now: datetime, correlation_id: UUID | None = None
) -> ProfileUpserted | None:
    """The event of this version of the profile, or None when it must not be published."""
    if not profile.publishable(now):
        return None
    return ProfileUpserted(
        producer=PRODUCER,
        correlation_id=correlation_id or current_correlation_id(),
        payload=matching_payload(profile),
    )


def profile_erased(
    candidate_id: UUID, *, version: int, reason: ErasureReason, correlation_id: UUID | None = None
) -> ProfileErased:
    return ProfileErased(
        producer=PRODUCER,
        correlation_id=correlation_id or current_correlation_id(),
        payload={"candidate_id": candidate_id, "version": version, "reason": reason},
    )
