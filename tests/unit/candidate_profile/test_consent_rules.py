"""Consent rules: what a référent may grant, renew, withdraw, and when a profile must go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.candidate_profile.domain import consent
from services.candidate_profile.domain.errors import ConsentConflict, InvalidField

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_a_grant_runs_from_now_until_the_chosen_date() -> None:
    granted = consent.grant(["matching"], NOW + timedelta(days=365), NOW)
    assert granted.active_for("matching", NOW)
    assert not granted.active_for("sharing_with_employers", NOW)
    assert not granted.active_for("matching", NOW + timedelta(days=365))


@pytest.mark.parametrize(
    ("expires_at", "kind"),
    [
        (NOW - timedelta(seconds=1), "consent_expiry_past"),
        (NOW, "consent_expiry_past"),
        (datetime(2028, 11, 27, 10, 0, 1, tzinfo=UTC), "consent_too_long"),
    ],
)
def test_a_grant_must_end_in_the_future_and_within_two_years(
    expires_at: datetime, kind: str
) -> None:
    with pytest.raises(InvalidField) as error:
        consent.grant(["matching"], expires_at, NOW)
    assert error.value.kind == kind
    assert error.value.field[-1] == "expires_at"


def test_exactly_two_years_is_allowed_even_from_a_leap_day() -> None:
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert consent.grant(["matching"], datetime(2030, 2, 28, tzinfo=UTC), leap)
    assert consent.grant(["matching"], datetime(2028, 11, 27, 10, 0, tzinfo=UTC), NOW)


def test_renewing_pushes_back_the_expiry_and_keeps_the_purposes() -> None:
    granted = consent.grant(["matching", "sharing_with_employers"], NOW + timedelta(days=30), NOW)
    later = NOW + timedelta(days=20)
    renewed = consent.renew(granted, later + timedelta(days=700), later)
    assert renewed.purposes == granted.purposes
    assert renewed.expires_at == later + timedelta(days=700)


def test_an_expired_or_missing_consent_cannot_be_renewed() -> None:
    granted = consent.grant(["matching"], NOW + timedelta(days=1), NOW)
    with pytest.raises(ConsentConflict):
        consent.renew(granted, NOW + timedelta(days=30), NOW + timedelta(days=2))
    with pytest.raises(ConsentConflict):
        consent.renew(None, NOW + timedelta(days=30), NOW)


def test_withdrawing_everything_or_matching_means_erasure() -> None:
    granted = consent.grant(["matching", "sharing_with_employers"], NOW + timedelta(days=30), NOW)
    assert consent.withdraw(granted, None) is None
    assert consent.withdraw(granted, ["matching"]) is None


def test_withdrawing_only_the_sharing_with_employers_keeps_matching() -> None:
    granted = consent.grant(["matching", "sharing_with_employers"], NOW + timedelta(days=30), NOW)
    left = consent.withdraw(granted, ["sharing_with_employers"])
    assert left is not None and left.purposes == ("matching",)


def test_a_consent_is_expired_from_its_expiry_date_on() -> None:
    granted = consent.grant(["matching"], NOW + timedelta(days=1), NOW)
    assert not consent.expired(granted, NOW)
    assert consent.expired(granted, NOW + timedelta(days=1))
    assert not consent.expired(None, NOW)


def test_a_profile_unchanged_for_two_years_is_inactive() -> None:
    assert consent.inactive(NOW - timedelta(days=730), NOW, days=730)
    assert not consent.inactive(NOW - timedelta(days=729), NOW, days=730)
