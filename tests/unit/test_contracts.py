"""The event contracts keep their meaning on the wire and refuse what must never travel."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from shared.contracts import (
    EVENT_TYPES,
    TOPIC_OF_EVENT,
    FederationUserUpserted,
    MatchFeedbackGiven,
    NeedPosted,
    NeedReachComputed,
    ProfileUpserted,
    UnknownEventError,
    decode_event,
    encode_event,
)
from shared.topics import CANDIDATES, FEDERATION_USERS, NEED_REACH, NEEDS


def need_payload(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "need_id": uuid.uuid4(),
        "version": 1,
        "federation": "BTP31",
        "employer_name": "Bâtir Garonne",
        "title": "Maçon / Maçonne",
        "commune_insee": "31395",
        "contract_type": "CDD",
        "hours_per_week": 35,
        "schedules": ["day"],
    }
    base.update(over)
    return base


def profile_payload(**over: object) -> dict[str, object]:
    now = datetime.now(UTC)
    base: dict[str, object] = {
        "candidate_id": uuid.uuid4(),
        "version": 1,
        "referent_id": uuid.uuid4(),
        "structure": "CD31",
        "consent": {"granted_at": now, "expires_at": now + timedelta(days=365)},
        "desired_jobs": ["Maçonne"],
        "commune_insee": "31555",
        "mobility_km": 20,
    }
    base.update(over)
    return base


def test_every_event_type_has_a_topic_and_decodes_by_its_name() -> None:
    assert set(EVENT_TYPES) == {
        "NeedPosted",
        "NeedUpdated",
        "NeedClosed",
        "ProfileUpserted",
        "ProfileErased",
        "ReferentUpserted",
        "MatchFound",
        "AlertSent",
        "MatchFeedbackGiven",
        "NeedTradesRead",
        "FederationUserUpserted",
        "NeedReachComputed",
        "ActionPublished",
        "ActionProposed",
        "ActionProposalFeedbackGiven",
        "RegistrationChanged",
    }
    assert TOPIC_OF_EVENT[EVENT_TYPES["NeedPosted"]] is NEEDS
    assert TOPIC_OF_EVENT[EVENT_TYPES["ProfileErased"]] is CANDIDATES


def test_a_need_survives_encoding_and_is_keyed_by_its_id() -> None:
    event = NeedPosted(producer="employer_intake", payload=need_payload())
    back = decode_event(encode_event(event))
    assert back == event
    assert event.key() == str(event.payload.need_id).encode()


def test_occurred_at_is_stored_in_utc_whatever_the_offset_given() -> None:
    paris = timezone(timedelta(hours=1))
    event = NeedPosted(
        producer="x",
        occurred_at=datetime(2026, 11, 27, 10, 0, tzinfo=paris),
        payload=need_payload(),
    )
    assert event.occurred_at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert event.occurred_at.utcoffset() == timedelta(0)


def test_a_profile_event_refuses_a_first_name() -> None:
    with pytest.raises(ValidationError, match="first_name"):
        ProfileUpserted(producer="x", payload=profile_payload(first_name="Fatima"))


def test_a_profile_event_needs_a_desired_job_and_a_bounded_mobility() -> None:
    with pytest.raises(ValidationError, match="desired_jobs"):
        ProfileUpserted(producer="x", payload=profile_payload(desired_jobs=[]))
    with pytest.raises(ValidationError, match="mobility_km"):
        ProfileUpserted(producer="x", payload=profile_payload(mobility_km=250))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hours_per_week", 60),
        ("commune_insee", "3155"),
        ("rome_code", "F17"),
        ("schedules", ["afternoon"]),
        ("contract_type", "STAGE"),
        ("siret", "123"),
    ],
)
def test_a_need_with_a_bad_field_names_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        NeedPosted(producer="x", payload=need_payload(**{field: value}))
    assert field in str(info.value)


def test_consent_is_active_only_between_grant_and_expiry_and_until_withdrawal() -> None:
    event = ProfileUpserted(producer="x", payload=profile_payload())
    consent = event.payload.consent
    now = datetime.now(UTC)
    assert consent.active_for("matching", now)
    assert not consent.active_for("sharing_with_employers", now)
    assert not consent.active_for("matching", now + timedelta(days=400))
    withdrawn = consent.model_copy(update={"withdrawn_at": now})
    assert not withdrawn.active_for("matching", now)


def test_not_relevant_feedback_needs_a_reason_from_the_list() -> None:
    ids = {k: uuid.uuid4() for k in ("match_id", "need_id", "candidate_id", "referent_id")}
    with pytest.raises(ValidationError, match="reason"):
        MatchFeedbackGiven(producer="x", payload={**ids, "decision": "not_relevant"})
    ok = MatchFeedbackGiven(
        producer="x", payload={**ids, "decision": "not_relevant", "reason": "trop_loin"}
    )
    assert ok.payload.reason == "trop_loin"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe not json", "not JSON"),
        (b'{"event_type": "NeedDeleted"}', "unknown event_type"),
        (b"[1, 2]", "unknown event_type"),
        (b"x" * (300 * 1024), "exceeds"),
    ],
)
def test_undecodable_messages_get_a_reason_for_the_dead_letter(raw: bytes, reason: str) -> None:
    with pytest.raises(UnknownEventError, match=reason):
        decode_event(raw)


def test_an_unknown_schema_version_is_refused_with_the_reason() -> None:
    data = json.loads(encode_event(NeedPosted(producer="x", payload=need_payload())))
    data["schema_version"] = 7
    with pytest.raises(UnknownEventError, match="schema_version"):
        decode_event(json.dumps(data).encode())


def test_a_need_s_reach_survives_encoding_and_names_no_one() -> None:
    event = NeedReachComputed(
        producer="matcher",
        payload={
            "need_id": uuid.uuid4(),
            "federation": "BTP31",
            "computed_at": datetime.now(UTC),
            "compatible": 3,
            "what_if": [{"relaxation": "sans_permis", "compatible": 7}],
            "proposals": 2,
            "outcomes": {"hired": 1},
        },
    )
    back = decode_event(encode_event(event))
    assert back == event and event.key() == str(event.payload.need_id).encode()
    assert TOPIC_OF_EVENT[NeedReachComputed] is NEED_REACH and NEED_REACH.compacted
    assert "candidate" not in event.model_dump_json()


def test_a_federation_user_is_keyed_by_its_id_on_a_compacted_topic() -> None:
    event = FederationUserUpserted(
        producer="employer_intake",
        payload={
            "user_id": uuid.uuid4(),
            "federation": "BTP31",
            "name": "Julie Martin",
            "email": "julie.martin@btp31.fr",
            "role": "admin",
        },
    )
    assert decode_event(encode_event(event)) == event
    assert event.key() == str(event.payload.user_id).encode()
    assert TOPIC_OF_EVENT[FederationUserUpserted] is FEDERATION_USERS
    assert FEDERATION_USERS.compacted


def test_quiet_hours_are_paris_wall_clock_times_and_a_time_with_an_offset_is_refused() -> None:
    from datetime import time

    from pydantic import ValidationError

    from shared.contracts.referents import AlertPreferences

    assert AlertPreferences(quiet_start=time(21, 0), quiet_end=time(6, 30)).quiet_start == time(
        21, 0
    )  # positive control: a plain time
    for field in ("quiet_start", "quiet_end"):
        with pytest.raises(ValidationError, match="sans fuseau horaire"):
            AlertPreferences.model_validate({field: "20:00:00+02:00"})
        with pytest.raises(ValidationError, match="sans fuseau horaire"):
            AlertPreferences.model_validate({field: "12:13:24Z"})
