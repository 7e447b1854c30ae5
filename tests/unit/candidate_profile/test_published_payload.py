"""What leaves the service: nothing without consent for matching, never a name, contact or notes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.candidate_profile.domain import consent
from services.candidate_profile.domain.events import profile_erased, profile_upserted
from services.candidate_profile.domain.jobs import rome_codes
from services.candidate_profile.domain.model import Profile, ProfileCreate
from shared.contracts import encode_event
from shared.referential.fixtures import fixture_paths
from shared.referential.lookup import Snapshot, snapshot_from_files

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _profile(**changes: object) -> Profile:
    data: dict[str, object] = {
        "candidate_id": uuid.uuid4(),
        "referent_id": uuid.uuid4(),
        "structure": "CD31",
        "version": 3,
        "first_name": "Samira-unique",
        "contact_email": "samira@example.org",
        "contact_phone": "06 12 34 56 78",
        "notes": "rendez-vous mardi, notes privées",
        "desired_jobs": ["Maçonne"],
        "commune_insee": "31555",
        "mobility_km": 25,
        "created_at": NOW,
        "updated_at": NOW,
        "consent": consent.grant(["matching"], NOW + timedelta(days=90), NOW),
    }
    return Profile.model_validate({**data, **changes})


def test_a_consented_profile_is_published_without_name_contact_or_notes() -> None:
    profile = _profile()
    event = profile_upserted(profile, now=NOW)
    assert event is not None and event.payload.version == 3
    wire = encode_event(event).decode()
    for private in ("Samira-unique", "samira@example.org", "06 12 34 56 78", "notes privées"):
        assert private not in wire
    assert "first_name" not in wire and "notes" not in wire


def test_a_profile_without_consent_or_with_an_expired_one_is_not_published() -> None:
    assert profile_upserted(_profile(consent=None), now=NOW) is None
    assert profile_upserted(_profile(), now=NOW + timedelta(days=90)) is None


def test_sharing_with_employers_alone_does_not_publish_for_matching() -> None:
    only_sharing = consent.grant(["sharing_with_employers"], NOW + timedelta(days=9), NOW)
    assert profile_upserted(_profile(consent=only_sharing), now=NOW) is None


def test_the_erasure_carries_the_version_at_erasure() -> None:
    candidate_id = uuid.uuid4()
    event = profile_erased(candidate_id, version=7, reason="withdrawn")
    assert event.key() == str(candidate_id).encode()
    assert event.payload.version == 7


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nir", "185057800608436"),
        ("health", "RQTH"),
        ("family_situation", "mère isolée"),
        ("mobility_km", 201),
        ("mobility_km", -1),
        ("desired_jobs", []),
        ("commune_insee", "Toulouse"),
        ("first_name", "x" * 101),
        ("notes", "bad\x00byte"),
    ],
)
def test_the_input_model_refuses_sensitive_or_bad_fields_by_name(field: str, value: object) -> None:
    data = {"first_name": "A", "desired_jobs": ["Cariste"], "commune_insee": "31555",
            "mobility_km": 10, field: value}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        ProfileCreate.model_validate(data)
    assert field in {str(e["loc"][0]) for e in error.value.errors()}


@pytest.fixture(scope="module")
def referential() -> Snapshot:
    return snapshot_from_files(*fixture_paths())


def test_feminine_and_masculine_job_titles_give_the_same_rome_code(referential: Snapshot) -> None:
    assert rome_codes(["Maçonne"], [], referential) == ["F1703"]
    assert rome_codes(["maçon"], [], referential) == ["F1703"]
    assert rome_codes(["F1703", "Maçonne", "astronaute"], [], referential) == ["F1703"]
