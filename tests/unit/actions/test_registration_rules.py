"""The rules of a registration: what may be registered, cancelled, attended, and what holds a
place (the count the database keeps)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.actions.domain.registrations import (
    HOLDS_PLACE,
    Person,
    Refused,
    SessionState,
    check_can_cancel,
    check_can_record_attendance,
    check_can_register,
    clean_outcome,
)
from shared.contracts.actions import RegistrationStatus as Status

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def session(*, starts_in: timedelta = timedelta(days=2), **changes: object) -> SessionState:
    fields: dict[str, object] = {
        "session_id": uuid.uuid4(),
        "action_id": uuid.uuid4(),
        "starts_at": NOW + starts_in,
        "ends_at": NOW + starts_in + timedelta(hours=3),
        "cancelled": False,
        "action_open": True,
        "provider_structure": "AFPA",
    }
    return SessionState(**(fields | changes))  # type: ignore[arg-type]


def person(*, consent_until: datetime = NOW + timedelta(days=30)) -> Person:
    return Person(
        candidate_id=uuid.uuid4(),
        referent_id=uuid.uuid4(),
        structure="CD31",
        shared_with=("ML31",),
        commune_insee="31555",
        consent_expires_at=consent_until,
    )


def test_a_consented_person_may_be_registered_to_a_session_to_come() -> None:
    check_can_register(person(), session(), NOW)  # no refusal


@pytest.mark.parametrize(
    ("who", "where", "words"),
    [
        (person(consent_until=NOW), session(), "consentement"),
        (person(), session(action_open=False), "retirée"),
        (person(), session(cancelled=True), "annulée"),
        (person(), session(starts_in=timedelta(0)), "commencé"),
    ],
)
def test_registration_is_refused_with_what_to_do(
    who: Person, where: SessionState, words: str
) -> None:
    with pytest.raises(Refused, match=words):
        check_can_register(who, where, NOW)


def test_a_person_is_visible_to_their_structure_and_those_it_is_shared_with_only() -> None:
    p = person()
    assert p.visible_to("CD31") and p.visible_to("ML31")
    assert not p.visible_to("FT31")


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.WAITING])
def test_a_live_registration_is_cancelled_before_the_session(status: Status) -> None:
    check_can_cancel(status, session(), NOW)
    with pytest.raises(Refused, match="commencé"):
        check_can_cancel(status, session(starts_in=timedelta(minutes=-5)), NOW)


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.ATTENDED, Status.ABSENT])
def test_a_registration_no_longer_live_cannot_be_cancelled(status: Status) -> None:
    with pytest.raises(Refused, match="rien à annuler"):
        check_can_cancel(status, session(), NOW)


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.ATTENDED, Status.ABSENT])
def test_attendance_is_recorded_for_a_place_once_the_session_began(status: Status) -> None:
    began = session(starts_in=timedelta(minutes=-1))
    check_can_record_attendance(status, began, NOW)
    with pytest.raises(Refused, match="pas encore commencé"):
        check_can_record_attendance(status, session(), NOW)


@pytest.mark.parametrize("status", [Status.WAITING, Status.CANCELLED])
def test_no_attendance_for_who_had_no_place(status: Status) -> None:
    with pytest.raises(Refused, match="pas de place"):
        check_can_record_attendance(status, session(starts_in=timedelta(hours=-1)), NOW)


def test_a_place_is_held_while_registered_and_after_attendance_only() -> None:
    assert HOLDS_PLACE == {Status.REGISTERED, Status.ATTENDED, Status.ABSENT}


def test_an_outcome_is_one_short_line_or_nothing() -> None:
    assert clean_outcome("  Entrée en\nformation  ") == "Entrée en formation"
    assert clean_outcome("   ") is None and clean_outcome(None) is None
    assert clean_outcome("x" * 200) == "x" * 200
    with pytest.raises(ValueError, match="200"):
        clean_outcome("x" * 201)
