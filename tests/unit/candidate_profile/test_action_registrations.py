"""A person's registrations to the banque commune as the workspace and the passeport read them."""

from __future__ import annotations

import html
import uuid
from dataclasses import replace
from datetime import UTC, datetime

from services.candidate_profile.domain.passeport import Passeport, export
from services.candidate_profile.domain.registrations import STATUS_LABELS, Registration
from services.candidate_profile.entrypoints import passeport_view  # noqa: F401 (|local filter)
from services.candidate_profile.entrypoints.web import templates
from shared.contracts.actions import RegistrationStatus

AT = datetime(2027, 1, 12, 8, tzinfo=UTC)


def registration(**changes: object) -> Registration:
    base = Registration(
        registration_id=uuid.uuid4(),
        candidate_id=uuid.uuid4(),
        version=3,
        action_id=uuid.uuid4(),
        session_id=uuid.uuid4(),
        referent_id=uuid.uuid4(),
        action_title="Visite du chantier de la Cartoucherie",
        action_kind="visite_entreprise",
        provider_structure="FACE Grand Toulouse",
        starts_at=AT,
        ends_at=AT.replace(hour=11),
        status="present",
        outcome="Entretien obtenu",
        updated_at=AT,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_every_status_of_the_contract_reads_in_french() -> None:
    assert set(STATUS_LABELS) == set(RegistrationStatus)
    assert registration(status="liste_attente").status_label == "Sur liste d'attente"
    assert registration(status="present").status_label == "Présent·e"
    assert registration().kind_label == "Visite d'entreprise"


def test_the_export_carries_the_attended_actions_under_actions_suivies_only() -> None:
    doc = Passeport(candidate_id=uuid.uuid4(), first_name="Lina", attended=[registration()])
    sections = export(doc, [], AT)["sections"]
    [done] = sections["actions"]["banque_commune"]
    assert done == {
        "title": "Visite du chantier de la Cartoucherie",
        "kind": "Visite d'entreprise",
        "provider": "FACE Grand Toulouse",
        "starts_at": AT.isoformat(),
        "ends_at": AT.replace(hour=11).isoformat(),
        "outcome": "Entretien obtenu",
    }
    assert "banque_commune" not in sections["competences"]


def test_the_passeport_lists_an_attended_action_with_its_provider_date_and_outcome() -> None:
    macros = templates.env.get_template("passeport_macros.html").module
    attended = [registration(), registration(outcome=None, version=1)]
    text = html.unescape(str(macros.attended_list(attended)))  # type: ignore[attr-defined]
    assert "<strong>Visite du chantier de la Cartoucherie</strong> (Visite d'entreprise)" in text
    assert "FACE Grand Toulouse, le 12/01/2027 — résultat : Entretien obtenu" in text
    assert text.count("résultat :") == 1  # no outcome recorded: no empty "résultat"
    assert str(macros.attended_list([])).strip() == ""  # type: ignore[attr-defined]
