"""The passeport's forms name each wrong field with what to do, and keep what is right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.candidate_profile.domain import passeport_forms as forms
from services.candidate_profile.domain.passeport import PasseportInvalid

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_an_action_date_is_read_from_a_date_field_or_typed_by_hand() -> None:
    assert forms.action({"action_titre": "Atelier", "action_date": "2026-03-14"})["date"] == (
        "2026-03-14"
    )
    assert forms.action({"action_titre": "Atelier", "action_date": "14/03/2026"})["date"] == (
        "2026-03-14"
    )


def test_an_impossible_date_and_a_missing_title_are_both_named() -> None:
    with pytest.raises(PasseportInvalid) as bad:
        forms.action({"action_date": "31/02/2026"})
    assert set(bad.value.errors) == {"action_titre", "action_date"}


def test_a_skill_needs_a_known_kind_of_evidence() -> None:
    form = {"competence": "Tenir un budget", "preuve": "Budget familial", "preuve_type": "x"}
    with pytest.raises(PasseportInvalid) as bad:
        forms.competence(form)
    assert set(bad.value.errors) == {"preuve_type"}
    assert forms.competence(form | {"preuve_type": "experience"})["evidence_kind"] == "experience"


@pytest.mark.parametrize("days", ["0", "91", "trente", "-5"])
def test_a_link_lasts_between_one_and_ninety_days(days: str) -> None:
    with pytest.raises(PasseportInvalid) as bad:
        forms.link_expiry({"lien_type": "personne", "lien_jours": days}, NOW)
    assert set(bad.value.errors) == {"lien_jours"}


def test_a_link_lasts_thirty_days_unless_told_and_an_employer_link_needs_a_name() -> None:
    assert forms.link_expiry({"lien_type": "personne"}, NOW) == (
        "personne",
        "",
        NOW + timedelta(30),
    )
    with pytest.raises(PasseportInvalid) as bad:
        forms.link_expiry({"lien_type": "employeur"}, NOW)
    assert set(bad.value.errors) == {"lien_employeur"}
    kind, label, _ = forms.link_expiry(
        {"lien_type": "employeur", "lien_employeur": " Fournil "}, NOW
    )
    assert (kind, label) == ("employeur", "Fournil")


def test_an_attestation_lists_one_skill_a_line_without_blank_lines() -> None:
    content = forms.attestation(
        {
            "employeur": "Fournil",
            "tuteur": "Ana",
            "immersion": "Vente",
            "competences_observees": "Encaisser\n\n  Conseiller  \n",
        }
    )
    assert content["skills"] == ["Encaisser", "Conseiller"]


def test_a_review_reads_the_fields_of_its_own_section() -> None:
    form = {"valide_metiers": "oui", "commentaire_metiers": "Oui", "valide_actions": "oui"}
    assert forms.review(form, "metiers") == (True, "Oui")
    assert forms.review({"commentaire_actions": "Pas encore"}, "actions") == (False, "Pas encore")
