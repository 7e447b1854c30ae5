"""Only what the person consented to leaves: shares with partners need `sharing_with_partners`,
and the published text never carries health, disability, pregnancy or family data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.candidate_profile.domain import consent
from services.candidate_profile.domain.errors import InvalidField
from services.candidate_profile.domain.events import profile_upserted
from services.candidate_profile.domain.screening import screened
from services.candidate_profile.entrypoints.schemas import ProfileOut
from tests.unit.candidate_profile.test_published_payload import NOW, _profile

SHARING = consent.grant(["matching", "sharing_with_partners"], NOW + timedelta(days=90), NOW)


def test_a_share_is_published_only_while_the_person_consents_to_sharing() -> None:
    without = profile_upserted(_profile(shared_with=("FT31",)), now=NOW)
    with_it = profile_upserted(_profile(shared_with=("FT31",), consent=SHARING), now=NOW)
    assert without is not None and without.payload.shared_with == []
    assert with_it is not None and with_it.payload.shared_with == ["FT31"]


def test_a_partner_structure_reads_no_contact_details_nor_notes() -> None:
    profile = _profile(shared_with=("FT31",), consent=SHARING)
    partner = ProfileOut.of(profile, structure="FT31", now=NOW)
    owner = ProfileOut.of(profile, structure="CD31", now=NOW)
    assert (partner.contact_email, partner.contact_phone, partner.notes) == (None, None, None)
    assert partner.first_name == "Samira-unique"  # the sharing purpose covers the first name
    assert (owner.contact_email, owner.contact_phone) == ("samira@example.org", "06 12 34 56 78")


def test_a_profile_stored_before_screening_is_published_without_its_sensitive_sentence() -> None:
    legacy = _profile(experience="Cariste 5 ans. Divorcée, deux enfants.", skills=["RQTH", "CACES"])
    event = profile_upserted(legacy, now=NOW)
    assert event is not None
    assert (event.payload.experience, event.payload.skills) == ("Cariste 5 ans.", ["CACES"])


def test_screening_keeps_a_childcare_trade_and_names_what_it_removed() -> None:
    texts, findings = screened(
        experience="Garde d'enfants. Enceinte.", skills=[], desired_jobs=["Garde d'enfants"]
    )
    assert (texts.experience, texts.desired_jobs) == ("Garde d'enfants.", ["Garde d'enfants"])
    assert [(f.field, f.category) for f in findings] == [("experience", "pregnancy")]


def test_no_desired_job_left_after_screening_is_a_field_error() -> None:
    with pytest.raises(InvalidField) as caught:
        screened(experience="", skills=[], desired_jobs=["Mère au foyer"])
    assert caught.value.field == ("body", "desired_jobs")
