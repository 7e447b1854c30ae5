"""How the actions of the banque commune read in the référent's inbox and e-mail, and which
follow-ups are accepted."""

from __future__ import annotations

import html
import uuid
from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from services.notifier.domain import action_messages
from services.notifier.domain.actions import (
    NOT_RELEVANT_REASONS,
    ActionProposal,
    PlaceNotice,
    parse_follow_up,
    place,
    when,
)
from services.notifier.domain.errors import InvalidFeedback
from services.notifier.domain.model import Referent
from services.notifier.domain.schedule import email_plan
from services.notifier.entrypoints import app as _app  # noqa: F401 (registers the |paris filter)
from services.notifier.entrypoints.web import templates
from shared.contracts import AlertPreferences
from shared.contracts.actions import ACTION_NOT_RELEVANT_REASONS, ActionFollowUp

REFERENT = Referent(
    uuid.uuid4(), "CD31", "Claire Dupuy", "claire@cd31.fr", True, AlertPreferences()
)
STARTS = datetime(2027, 1, 12, 8, tzinfo=UTC)  # 09:00 in Toulouse (winter)


def proposal(**changes: object) -> ActionProposal:
    base = ActionProposal(
        proposal_id=uuid.uuid4(),
        action_id=uuid.uuid4(),
        session_id=uuid.uuid4(),
        candidate_id=uuid.uuid4(),
        referent_id=REFERENT.referent_id,
        structure="CD31",
        shared_with=[],
        discovery=True,
        rome_code="F1610",
        rome_label="Couvreur / Couvreuse",
        explanation="compétences transférables : travail en hauteur · 12 offres à moins de 20 km",
        distance_km=8.4,
        action={
            "title": "Découvrir la couverture",
            "kind": "decouverte_metiers",
            "provider_structure": "AFPA",
            "commune_insee": "31395",
            "commune_name": "Muret",
            "remote": False,
            "starts_at": STARTS.isoformat(),
            "ends_at": STARTS.replace(hour=11).isoformat(),
        },
        created_at=STARTS,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def notice() -> PlaceNotice:
    return PlaceNotice(
        notice_id=uuid.uuid4(),
        registration_id=uuid.uuid4(),
        version=2,
        candidate_id=uuid.uuid4(),
        referent_id=REFERENT.referent_id,
        action_id=uuid.uuid4(),
        session_id=uuid.uuid4(),
        action_title="Visite de la Cartoucherie",
        action_kind="visite_entreprise",
        provider_structure="FACE Grand Toulouse",
        starts_at=STARTS,
        created_at=STARTS,
    )


def inbox(proposals: list[ActionProposal], places: list[PlaceNotice] | None = None) -> str:
    page = templates.env.get_template("_actions.html").render(
        proposals=proposals, places=places or [], referent=REFERENT, csrf="jeton",
        error_for=None, error=None,
    )  # fmt: skip
    return page


def test_a_session_reads_in_paris_time_on_one_day_or_across_days() -> None:
    assert when(STARTS, STARTS.replace(hour=11)) == "le 12/01/2027 de 09:00 à 12:00"
    assert when(STARTS, STARTS.replace(day=14)) == "du 12/01/2027 09:00 au 14/01/2027 09:00"


def test_the_place_is_the_commune_and_distance_or_a_distance() -> None:
    assert place(proposal()) == "Muret (à 8 km du domicile)"
    remote = {**proposal().action, "remote": True, "commune_insee": None, "commune_name": None}
    assert place(proposal(action=remote, distance_km=None)) == "à distance"


def test_pas_pertinent_needs_one_of_the_contract_s_reasons_and_inscrit_drops_any_reason() -> None:
    assert parse_follow_up("pas_pertinent", "trop_loin") == (
        ActionFollowUp.NOT_RELEVANT,
        "trop_loin",
    )
    assert parse_follow_up("inscrit", "trop_loin") == (ActionFollowUp.REGISTERED, None)
    for decision, reason in (("pas_pertinent", None), ("pas_pertinent", "x"), ("hired", None)):
        with pytest.raises(InvalidFeedback):
            parse_follow_up(decision, reason)


def test_every_reason_of_the_contract_reads_in_plain_french() -> None:
    assert list(NOT_RELEVANT_REASONS) == list(ACTION_NOT_RELEVANT_REASONS)
    assert NOT_RELEVANT_REASONS["deja_fait"] == "Déjà fait"
    assert all("_" not in label for label in NOT_RELEVANT_REASONS.values())  # never a code


def test_a_trade_to_discover_and_a_wished_trade_read_differently_in_the_inbox() -> None:
    page = inbox([proposal(), proposal(discovery=False, rome_label="Maçon / Maçonne")])
    assert page.count('class="badge new">Métier à découvrir') == 1
    assert page.count('class="badge ok">Métier souhaité') == 1


def test_a_proposal_in_the_inbox_names_the_person_by_data_prenom_and_links_to_sign_up() -> None:
    p = proposal()
    page = inbox([p])
    assert f'<span data-prenom="{p.candidate_id}">' in page
    assert f"/actions/{p.action_id}?session={p.session_id}&amp;personne={p.candidate_id}" in page
    assert "Découverte des métiers, AFPA" in page and "le 12/01/2027 de 09:00 à 12:00" in page
    assert "travail en hauteur" in page
    for label in NOT_RELEVANT_REASONS.values():
        assert label.replace("'", "&#39;") in page
    assert 'value="inscrit"' in page and 'value="pas_pertinent"' in page


def test_a_redacted_or_another_s_claimed_proposal_has_no_follow_up_form() -> None:
    erased = proposal(candidate_id=None, explanation=None, redacted_at=STARTS)
    page = inbox([erased])
    assert "Profil supprimé" in page and "/suivi" not in page and "Inscrire" not in page
    other = proposal(
        claimed_by=uuid.uuid4(), claimed_by_name="Paul Martin", claimed_by_structure="FT31",
        decision="inscrit",
    )  # fmt: skip
    page = inbox([other])
    assert "Inscrit</strong> — par Paul Martin (FT31)" in page and "/suivi" not in page


def test_a_freed_place_reads_with_the_first_name_slot_the_title_and_the_date() -> None:
    n = notice()
    page = inbox([], [n])
    assert "Une place s'est libérée : " in html.unescape(page)
    assert f'data-prenom="{n.candidate_id}"' in page
    assert "« Visite de la Cartoucherie » du 12/01/2027 à 09:00" in page


def test_one_email_groups_places_and_proposals_and_names_no_one() -> None:
    proposals = [proposal(), proposal(discovery=False, rome_label="Maçon / Maçonne")]
    text = action_messages.actions_email(proposals, [notice()], REFERENT, "https://spie31.fr/")
    assert text.subject == "Une place s'est libérée · 2 actions proposées"
    body = text.body
    assert body.startswith("Bonjour Claire Dupuy,")
    assert "la personne que vous avez inscrite est maintenant inscrite à « Visite" in body
    assert "Métier à découvrir : Couvreur / Couvreuse (F1610)" in body
    assert "Métier souhaité : Maçon / Maçonne" in body
    assert "Inscrire la personne : https://spie31.fr/actions/" in body
    assert "https://spie31.fr/boite#actions" in body


def test_a_digest_says_so_in_its_subject() -> None:
    text = action_messages.actions_email(
        [proposal()], [], REFERENT, "https://spie31.fr", digest=True
    )
    assert text.subject == "Vos actions du jour : 1 action proposée"


def test_an_action_e_mail_follows_the_alerts_preferences() -> None:
    now = datetime(2027, 1, 12, 10, tzinfo=UTC)
    immediate = email_plan(now, AlertPreferences(quiet_start=None, quiet_end=None), active=True)
    assert immediate is not None and immediate.due_at == now and not immediate.digest
    digest = email_plan(now, AlertPreferences(mode="daily_digest", digest_hour=8), active=True)
    assert digest is not None and digest.digest and digest.due_at > now
    quiet = AlertPreferences(quiet_start=time(9), quiet_end=time(18))
    held = email_plan(now, quiet, active=True)  # 11:00 in Toulouse: held until 18:00
    assert held is not None and held.due_at == datetime(2027, 1, 12, 17, tzinfo=UTC)
    assert email_plan(now, AlertPreferences(email=False), active=True) is None
    assert email_plan(now, AlertPreferences(), active=False) is None
