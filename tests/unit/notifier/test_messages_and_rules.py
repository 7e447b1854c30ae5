"""The words of an alert, and who may act on a match."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.notifier.domain import labels, messages
from services.notifier.domain.errors import AlertRedacted, AlreadyClaimed, InvalidFeedback
from services.notifier.domain.feedback import check_may_act, parse_decision
from services.notifier.domain.model import Alert, Referent
from shared.contracts import AlertPreferences, FeedbackDecision

NEED = {
    "title": "Maçon / Maçonne",
    "employer_name": "Bâtir Garonne SARL",
    "federation": "BTP31",
    "commune_insee": "31395",
    "commune_name": "Muret",
    "contract_type": "CDD",
    "hours_per_week": 35.0,
    "schedules": ["day", "early_morning"],
    "start_date": "2027-01-04",
}
REFERENT = Referent(
    uuid.uuid4(), "CD31", "Claire Dupuy", "claire@cd31.fr", True, AlertPreferences()
)


def alert(**changes: object) -> Alert:
    base = Alert(
        alert_id=uuid.uuid4(),
        match_id=uuid.uuid4(),
        need_id=uuid.uuid4(),
        candidate_id=uuid.uuid4(),
        referent_id=REFERENT.referent_id,
        structure="CD31",
        shared_with=[],
        explanation="Même métier : Maçon / Maçonne (F1703) · 12 km · permis B",
        need=NEED,
        distance_km=12.3,
        created_at=datetime(2026, 11, 27, 9, tzinfo=UTC),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_email_subject_names_trade_commune_contract_and_hours() -> None:
    assert messages.subject(alert()) == "Nouvelle piste : Maçon / Maçonne à Muret (CDD, 35 h)"


def test_the_email_body_explains_the_match_in_french_and_links_to_the_inbox() -> None:
    a = alert()
    text = messages.alert_email(a, REFERENT, "https://pistes.spie31.fr/")
    assert "Bonjour Claire Dupuy" in text.body
    assert "Pourquoi cette piste : Même métier : Maçon / Maçonne (F1703)" in text.body
    assert "Muret, à 12 km du domicile" in text.body
    assert "CDD, 35 h par semaine" in text.body and "journée, tôt le matin" in text.body
    assert "Début : 4 janvier 2027" in text.body
    assert f"réf. {a.candidate_id}" in text.body
    assert f"https://pistes.spie31.fr/boite#alerte-{a.alert_id}" in text.body


def test_a_digest_groups_the_alerts_in_one_message() -> None:
    alerts = [alert(), alert(need={**NEED, "title": "Coffreur / Coffreuse"})]
    text = messages.digest_email(alerts, REFERENT, "http://x")
    assert text.subject == "Vos pistes du jour : 2 nouvelles pistes"
    assert "1. Maçon / Maçonne" in text.body and "2. Coffreur / Coffreuse" in text.body
    assert messages.digest_email(alerts[:1], REFERENT, "http://x").subject.endswith(
        "1 nouvelle piste"
    )


def test_alerts_due_together_read_as_one_message_with_a_link_each() -> None:
    alerts = [alert(), alert(need={**NEED, "title": "Coffreur / Coffreuse"})]
    text = messages.burst_email(alerts, REFERENT, "http://x")
    assert text.subject == "2 nouvelles pistes"
    assert "1. Maçon / Maçonne" in text.body and "2. Coffreur / Coffreuse" in text.body
    assert all(f"http://x/boite#alerte-{a.alert_id}" in text.body for a in alerts)


def test_a_long_grouped_email_writes_out_the_first_alerts_and_counts_the_rest() -> None:
    alerts = [alert(need={**NEED, "title": f"Métier {i}"}) for i in range(1, 24)]
    text = messages.burst_email(alerts, REFERENT, "http://x")
    assert text.subject == "23 nouvelles pistes"
    assert "Voici 23 nouvelles pistes" in text.body
    shown = alerts[: messages.SHOWN_IN_FULL]
    assert all(f"http://x/boite#alerte-{a.alert_id}" in text.body for a in shown)
    assert f"{messages.SHOWN_IN_FULL}. Métier {messages.SHOWN_IN_FULL} -" in text.body
    left = alerts[messages.SHOWN_IN_FULL :]
    assert not any(str(a.alert_id) in text.body for a in left)
    assert "... et 3 autres pistes vous attendent dans votre boîte de pistes : http://x/boite" in (
        text.body
    )
    # Positive control: at the limit, every alert is written out and nothing is left over.
    full = messages.digest_email(shown, REFERENT, "http://x")
    assert all(str(a.alert_id) in full.body for a in shown) and "... et" not in full.body
    one_more = messages.digest_email(alerts[: messages.SHOWN_IN_FULL + 1], REFERENT, "http://x")
    assert "... et 1 autre piste vous attend dans" in one_more.body


def test_numbers_and_dates_read_the_french_way() -> None:
    assert labels.hours(17.5) == "17,5 h"
    assert labels.french_date("2027-03-01") == "1er mars 2027"
    assert labels.distance(0.2) == "sur place"


def test_the_first_referent_to_act_claims_the_match() -> None:
    other = uuid.uuid4()
    claimed = alert(claimed_by=other, claimed_by_name="Karim Benali", claimed_by_structure="ML")
    with pytest.raises(AlreadyClaimed, match="Karim Benali"):
        check_may_act(claimed, REFERENT.referent_id)
    check_may_act(claimed, other)
    check_may_act(alert(), REFERENT.referent_id)


def test_nothing_can_be_done_on_an_erased_profile() -> None:
    with pytest.raises(AlertRedacted):
        check_may_act(alert(redacted_at=datetime.now(UTC), candidate_id=None), uuid.uuid4())


def test_pas_pertinent_needs_a_reason_from_the_list() -> None:
    assert parse_decision("contacted", "trop_loin") == (FeedbackDecision.CONTACTED, None)
    assert parse_decision("not_relevant", "trop_loin") == (
        FeedbackDecision.NOT_RELEVANT,
        "trop_loin",
    )
    with pytest.raises(InvalidFeedback, match="motif"):
        parse_decision("not_relevant", None)
    with pytest.raises(InvalidFeedback):
        parse_decision("ghosted", None)
