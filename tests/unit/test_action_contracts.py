"""The banque d'actions' events: what they accept, what they refuse, how they are keyed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.contracts.actions import (
    ActionFeedbackPayload,
    ActionFollowUp,
    ActionPayload,
    ActionPublished,
    ActionSession,
)
from shared.contracts.registry import TOPIC_OF_EVENT, decode_event, encode_event
from shared.topics import ACTIONS

START = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


def session(**changes: object) -> ActionSession:
    fields: dict[str, object] = {
        "session_id": uuid4(),
        "starts_at": START,
        "ends_at": START + timedelta(hours=3),
        "capacity": 12,
        "places_left": 12,
    }
    fields.update(changes)
    return ActionSession.model_validate(fields)


def action(**changes: object) -> ActionPayload:
    fields: dict[str, object] = {
        "action_id": uuid4(),
        "version": 1,
        "status": "open",
        "kind": "decouverte_metiers",
        "provider_structure": "AFPA",
        "title": "Découvrir les métiers du BTP",
        "rome_codes": ["F1703"],
        "publics": ["tous"],
        "commune_insee": "31555",
        "sessions": [session()],
    }
    fields.update(changes)
    return ActionPayload.model_validate(fields)


def test_an_action_survives_encoding_on_its_compacted_topic_keyed_by_its_id() -> None:
    event = ActionPublished(producer="actions", payload=action())
    assert decode_event(encode_event(event)) == event
    assert event.key() == str(event.payload.action_id).encode()
    assert TOPIC_OF_EVENT[ActionPublished] is ACTIONS and ACTIONS.compacted


def test_an_action_is_held_somewhere_or_remote_and_a_remote_one_needs_no_commune() -> None:
    with pytest.raises(ValidationError, match="à distance"):
        action(commune_insee=None)
    assert action(commune_insee=None, remote=True).remote


def test_a_session_ending_before_it_starts_or_with_more_places_than_capacity_is_refused() -> None:
    with pytest.raises(ValidationError, match="ends_at"):
        session(ends_at=START - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="places_left"):
        session(places_left=13)
    assert session(places_left=0).places_left == 0


def test_a_not_relevant_follow_up_needs_a_known_reason_and_registered_needs_none() -> None:
    base = {
        "proposal_id": uuid4(),
        "action_id": uuid4(),
        "candidate_id": uuid4(),
        "referent_id": uuid4(),
        "rome_code": "F1610",
        "discovery": True,
    }
    with pytest.raises(ValidationError, match="reason must be one of"):
        ActionFeedbackPayload.model_validate({**base, "decision": "pas_pertinent"})
    ok = ActionFeedbackPayload.model_validate(
        {**base, "decision": "pas_pertinent", "reason": "deja_fait"}
    )
    assert ok.decision is ActionFollowUp.NOT_RELEVANT
    assert ActionFeedbackPayload.model_validate({**base, "decision": "inscrit"}).reason is None
