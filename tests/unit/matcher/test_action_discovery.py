"""Proposals of actions: wished trades and trades to discover, never a session that fails a
hard constraint, the reason of each trade said in French."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

import pytest

from services.matcher import action_mapping, action_proposals
from services.matcher.action_catalogue import action_from_payload
from services.matcher.adapters.embedder import FakeEmbedder
from services.matcher.adapters.qdrant_client_index import memory_index
from services.matcher.domain import actions as hard
from services.matcher.domain.actions import Action
from services.matcher.domain.discovery import MAX_PROPOSALS, Asked, Pick, nearby_communes, pick
from services.matcher.domain.mixite import mixite_list
from services.matcher.domain.model import Profile
from services.matcher.domain.rome import RomeResolver
from services.matcher.pipeline import Pipeline
from shared.contracts.actions import ActionPayload
from shared.referential.snapshot import Snapshot
from tests.unit.matcher import actions_world as w
from tests.unit.matcher.factories import BLAGNAC, MURET, NOW, SAINT_GAUDENS, TOULOUSE


@pytest.fixture(scope="module")
def pipeline(resolver: RomeResolver) -> Pipeline:
    return Pipeline(index=memory_index(), embedder=FakeEmbedder(), resolver=resolver)


def proposals(
    pipeline: Pipeline, person: Profile, needs: Sequence[Asked], actions: Sequence[Action]
) -> list[Pick]:
    trades = action_proposals.trades_for(pipeline, person, w.neutral(pipeline, needs))
    return pick(trades, actions, person, at=NOW, distance=pipeline.distance)


def assert_all_fit(pipeline: Pipeline, person: Profile, picks: list[Pick]) -> None:
    for p in picks:
        faults = hard.session_faults(
            p.fit.action, p.fit.session, person, at=NOW, distance=pipeline.distance
        )
        assert faults == (), (p.fit.action.title, faults)


def test_trades_beyond_the_wish_come_with_their_reason(pipeline: Pipeline) -> None:
    person = w.person()
    trades = action_proposals.trades_for(pipeline, person, w.neutral(pipeline, w.NEEDS))
    by_code = {t.code: t for t in trades}
    assert [t.code for t in trades if t.wished] == ["G1803"]
    roof = by_code["F1619"]
    assert (roof.wished, roof.open_nearby, roof.mixite) == (False, 2, True)
    assert roof.transferable == ("lecture de plans", "travail en hauteur")
    cash = by_code["D1505"]
    assert (cash.wished, cash.mobilite_from, cash.open_nearby) == (False, "G1803", 1)
    # One skill in common is not enough (F1602); the mixité trade is listed first.
    assert "F1602" not in by_code
    assert [t.code for t in trades if not t.wished] == ["F1619", "D1505"]


def test_only_employers_within_20_km_count_for_discovery(snapshot: Snapshot) -> None:
    near = nearby_communes(snapshot, TOULOUSE)
    assert BLAGNAC in near and TOULOUSE in near
    assert SAINT_GAUDENS not in near  # ~90 km away
    assert all(snapshot.distance_km(TOULOUSE, c) <= 20 for c in near)


def test_every_proposal_passes_the_hard_constraints_and_unfit_sessions_are_skipped(
    pipeline: Pipeline,
) -> None:
    person = w.person()
    started, wish_ok = w.session(-1), w.session(10)
    full, too_early, roof_ok = w.session(8, places=0), w.session(6), w.session(12)
    weekend, cash_ok = w.session(9, schedules=("weekend",)), w.session(20)
    wish = w.action(("G1803",), TOULOUSE, started, wish_ok, title="Service en salle")
    roof = w.action(("F1619",), MURET, full, too_early, roof_ok, title="Toitures")
    far_roof = w.action(("F1619",), SAINT_GAUDENS, w.session(9), title="Toitures loin")
    cash = w.action(("D1505",), None, weekend, cash_ok, title="Caisse à distance")
    closed = w.action(("G1803",), TOULOUSE, w.session(9), title="Fermée", open=False)
    elec = w.action(("F1602",), TOULOUSE, w.session(9), title="Électricité")
    picks = proposals(pipeline, person, w.NEEDS, [elec, closed, cash, far_roof, roof, wish])

    assert_all_fit(pipeline, person, picks)
    chosen = [(p.fit.action.title, p.fit.session.session_id, p.trade.wished) for p in picks]
    assert chosen == [
        ("Service en salle", wish_ok.session_id, True),
        ("Toitures", roof_ok.session_id, False),
        ("Caisse à distance", cash_ok.session_id, False),
    ]
    # Each refused session beside its chosen sibling fails a named constraint.
    for action, unfit, fault in [
        (wish, started, hard.STARTED),
        (roof, full, hard.FULL),
        (roof, too_early, hard.TOO_EARLY),
        (cash, weekend, "horaires incompatibles"),
        (far_roof, far_roof.sessions[0], "trop loin"),
    ]:
        assert fault in hard.session_faults(
            action, unfit, person, at=NOW, distance=pipeline.distance
        )


def test_explanations_say_why_in_plain_french_without_the_persons_sex(pipeline: Pipeline) -> None:
    person = w.person()
    roof = w.action(("F1619",), MURET, w.session(12), title="Toitures")
    cash = w.action(("D1505",), None, w.session(20), title="Caisse")
    picks = proposals(pipeline, person, w.NEEDS, [roof, cash])
    texts = [action_mapping.to_event(p, person, pipeline, None)[0].payload for p in picks]
    roof_text, cash_text = texts[0].explanation, texts[1].explanation
    assert roof_text.startswith("Métier à découvrir : Couvreur / Couvreuse (F1619)")
    assert "compétences transférables : lecture de plans, travail en hauteur" in roof_text
    assert "2 offres ouvertes à moins de 20 km" in roof_text
    assert "métier ouvert à toutes et à tous, où les préjugés éloignent encore" in roof_text
    assert " km de chez la personne" in roof_text
    assert "mobilité ROME depuis Serveur / Serveuse en restauration (G1803)" in cash_text
    assert "à distance" in cash_text and "préjugés" not in cash_text
    for text in (roof_text, cash_text):
        assert not any(word in text.lower() for word in (" femme", " homme", "sexe", "genre"))
    assert texts[0].reason.kind == "decouverte" and texts[0].distance_km is not None


def test_a_wished_trade_is_said_so_and_at_most_five_are_proposed(pipeline: Pipeline) -> None:
    person = w.person()
    many = [w.action(("G1803",), None, w.session(10 + i), title=f"A{i}") for i in range(8)]
    picks = proposals(pipeline, person, w.NEEDS, many)
    assert len(picks) == MAX_PROPOSALS
    assert [p.fit.action.title for p in picks] == ["A0", "A1", "A2", "A3", "A4"]
    text = action_mapping.to_event(picks[0], person, pipeline, None)[0].payload.explanation
    assert text.startswith(
        "Métier souhaité : Serveur / Serveuse en restauration (G1803) · à distance"
    )


def test_no_proposal_without_active_consent(pipeline: Pipeline) -> None:
    person = w.person()
    assert person.consent is not None
    withdrawn = replace(person, consent=replace(person.consent, withdrawn_at=NOW))
    wish = w.action(("G1803",), None, w.session(10))
    assert proposals(pipeline, person, w.NEEDS, [wish])  # positive control
    assert proposals(pipeline, withdrawn, w.NEEDS, [wish]) == []


def test_the_mixite_list_names_its_public_source_and_covers_building_and_care() -> None:
    listed = mixite_list()
    assert listed.version
    assert all(listed.covers(c) for c in ("F1619", "N1101", "K1302", "K1303", "M1607"))
    assert not listed.covers("G1803")


def test_the_publics_an_action_is_designed_for_are_never_read() -> None:
    start = NOW + timedelta(days=3)
    payload = ActionPayload.model_validate(
        {
            "action_id": uuid.uuid4(),
            "version": 1,
            "status": "open",
            "kind": "immersion",
            "provider_structure": "FACE",
            "title": "Immersion en entreprise",
            "rome_codes": ["F1619"],
            "publics": ["50_ans_et_plus", "parents_jeunes_enfants"],
            "commune_insee": MURET,
            "sessions": [
                {
                    "session_id": uuid.uuid4(),
                    "starts_at": start,
                    "ends_at": start + timedelta(hours=3),
                    "capacity": 8,
                    "places_left": 8,
                }
            ],
        }
    )
    for_young = payload.model_copy(update={"publics": ["jeunes"]})
    other_trade = payload.model_copy(update={"rome_codes": ["F1703"]})  # positive control
    assert action_from_payload(payload) == action_from_payload(for_young)
    assert action_from_payload(payload) != action_from_payload(other_trade)
