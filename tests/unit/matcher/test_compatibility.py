"""The hard constraints, one by one: each failure is named, and any one excludes the pair."""

from __future__ import annotations

from datetime import timedelta

from services.matcher.domain import compatibility as c
from services.matcher.domain.model import Need, Profile
from tests.unit.matcher.factories import NOW, SAINT_GAUDENS, consent, need, profile

KM = {("31395", "31555"): 19.2, ("31395", "31483"): 70.0}


def distance(a: str, b: str) -> float | None:
    return 0.0 if a == b else KM.get((a, b))


def reasons(n: Need, p: Profile) -> tuple[str, ...]:
    return c.check(n, p, at=NOW, distance_km=distance).reasons


def test_a_pair_meeting_every_constraint_is_compatible() -> None:
    verdict = c.check(need(), profile(), at=NOW, distance_km=distance)
    assert verdict.compatible and verdict.distance_km == 19.2


def test_expired_withdrawn_future_or_missing_consent_excludes_the_profile() -> None:
    for bad in (
        consent(expires_at=NOW - timedelta(seconds=1)),
        consent(withdrawn_at=NOW - timedelta(days=1)),
        consent(granted_at=NOW + timedelta(days=1)),
        consent(purposes=("sharing_with_employers",)),
        None,
    ):
        assert reasons(need(), profile(consent=bad)) == (c.CONSENT,)


def test_a_workplace_beyond_the_candidate_mobility_is_too_far() -> None:
    assert reasons(need(), profile(mobility_km=19)) == (c.DISTANCE,)
    assert reasons(need(), profile(commune_insee=SAINT_GAUDENS, mobility_km=69)) == (c.DISTANCE,)


def test_an_unknown_commune_is_never_matched() -> None:
    assert reasons(need(commune_insee="31999"), profile()) == (c.UNKNOWN_COMMUNE,)


def test_a_required_licence_must_be_held() -> None:
    assert reasons(need(driving_licence_required=True), profile(has_driving_licence=False)) == (
        c.LICENCE,
    )
    assert reasons(need(driving_licence_required=False), profile(has_driving_licence=False)) == ()


def test_a_schedule_the_candidate_cannot_work_excludes_the_pair() -> None:
    night = need(schedules=frozenset({"day", "night"}))
    assert reasons(night, profile(unavailable_schedules=frozenset({"night"}))) == (c.SCHEDULE,)
    assert reasons(night, profile(unavailable_schedules=frozenset({"weekend"}))) == ()


def test_every_failed_constraint_is_reported() -> None:
    bad = profile(
        consent=None,
        mobility_km=1,
        has_driving_licence=False,
        unavailable_schedules=frozenset({"weekend"}),
    )
    n = need(driving_licence_required=True, schedules=frozenset({"weekend"}))
    assert set(reasons(n, bad)) == {c.CONSENT, c.DISTANCE, c.LICENCE, c.SCHEDULE}
