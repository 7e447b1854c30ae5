"""Consent rules: grant, renew, withdraw, expiry, and the two-year retention limit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from services.candidate_profile.domain.errors import ConsentConflict, InvalidField
from services.candidate_profile.domain.model import Consent
from shared.contracts.profiles import Purpose

EXPIRES_FIELD = ("body", "expires_at")


def two_years_after(at: datetime) -> datetime:
    try:
        return at.replace(year=at.year + 2)
    except ValueError:  # 29 February
        return at.replace(year=at.year + 2, day=28)


def check_expiry(expires_at: datetime, now: datetime, field: tuple[str, ...]) -> None:
    if expires_at <= now:
        raise InvalidField(field, "expires_at must be in the future", "consent_expiry_past")
    if expires_at > two_years_after(now):
        raise InvalidField(field, "expires_at must be at most two years ahead", "consent_too_long")


def grant(
    purposes: Sequence[Purpose],
    expires_at: datetime,
    now: datetime,
    field: tuple[str, ...] = EXPIRES_FIELD,
) -> Consent:
    """A new grant replaces whatever consent was in force."""
    check_expiry(expires_at, now, field)
    return Consent(purposes=_ordered(purposes), granted_at=now, expires_at=expires_at)


def renew(current: Consent | None, expires_at: datetime, now: datetime) -> Consent:
    """Push back the expiry of a consent still in force, for the same purposes."""
    if current is None or not now < current.expires_at:
        raise ConsentConflict("no consent in force to renew: grant one")
    check_expiry(expires_at, now, EXPIRES_FIELD)
    return current.model_copy(update={"expires_at": expires_at})


def withdraw(current: Consent | None, purposes: Sequence[Purpose] | None) -> Consent | None:
    """The consent left after withdrawing `purposes` (all when None); None means erase.

    Without `matching` the profile has no use here, so withdrawing it erases the profile.
    """
    if current is None:
        raise ConsentConflict("no consent in force to withdraw")
    left = () if purposes is None else tuple(p for p in current.purposes if p not in purposes)
    if "matching" not in left:
        return None
    return current.model_copy(update={"purposes": left})


def expired(consent: Consent | None, now: datetime) -> bool:
    return consent is not None and consent.expires_at <= now


def inactive(updated_at: datetime, now: datetime, *, days: int) -> bool:
    """Accompaniment files are kept two years after the last change (CNIL guidance)."""
    return updated_at <= now - timedelta(days=days)


def _ordered(purposes: Sequence[Purpose]) -> tuple[Purpose, ...]:
    return tuple(sorted(set(purposes)))
