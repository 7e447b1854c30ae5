"""Which event goes on which topic, and how events are turned into bytes and back."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import Field, TypeAdapter, ValidationError

from shared import topics
from shared.contracts.actions import (
    ActionProposalFeedbackGiven,
    ActionProposed,
    ActionPublished,
    RegistrationChanged,
)
from shared.contracts.envelope import Event
from shared.contracts.federations import FederationUserUpserted, NeedReachComputed
from shared.contracts.matches import MatchFound
from shared.contracts.needs import NeedClosed, NeedPosted, NeedUpdated
from shared.contracts.notifications import AlertSent, MatchFeedbackGiven
from shared.contracts.profiles import ProfileErased, ProfileUpserted
from shared.contracts.referents import ReferentUpserted
from shared.contracts.trades import NeedTradesRead

TOPIC_OF_EVENT: dict[type[Event], topics.Topic] = {
    NeedPosted: topics.NEEDS,
    NeedUpdated: topics.NEEDS,
    NeedClosed: topics.NEEDS,
    ProfileUpserted: topics.CANDIDATES,
    ProfileErased: topics.CANDIDATES,
    ReferentUpserted: topics.REFERENTS,
    MatchFound: topics.MATCHES,
    AlertSent: topics.ALERTS,
    MatchFeedbackGiven: topics.FEEDBACK,
    NeedTradesRead: topics.NEED_TRADES,
    FederationUserUpserted: topics.FEDERATION_USERS,
    NeedReachComputed: topics.NEED_REACH,
    ActionPublished: topics.ACTIONS,
    ActionProposed: topics.ACTION_PROPOSALS,
    ActionProposalFeedbackGiven: topics.ACTION_FEEDBACK,
    RegistrationChanged: topics.REGISTRATIONS,
}
EVENT_TYPES: dict[str, type[Event]] = {
    cls.model_fields["event_type"].default: cls for cls in TOPIC_OF_EVENT
}

AnyEvent = Annotated[
    NeedPosted
    | NeedUpdated
    | NeedClosed
    | ProfileUpserted
    | ProfileErased
    | ReferentUpserted
    | MatchFound
    | AlertSent
    | MatchFeedbackGiven
    | NeedTradesRead
    | FederationUserUpserted
    | NeedReachComputed
    | ActionPublished
    | ActionProposed
    | ActionProposalFeedbackGiven
    | RegistrationChanged,
    Field(discriminator="event_type"),
]
_ANY_EVENT: TypeAdapter[Event] = TypeAdapter(AnyEvent)

MAX_EVENT_BYTES = 256 * 1024


class UnknownEventError(ValueError):
    """The bytes are not an event this product knows: a dead-letter, with this reason."""


def encode_event(event: Event) -> bytes:
    return event.model_dump_json().encode()


def decode_event(raw: bytes) -> Event:
    """Parse any known event, or raise UnknownEventError with a reason fit for a dead letter."""
    if len(raw) > MAX_EVENT_BYTES:
        raise UnknownEventError(f"message of {len(raw)} bytes exceeds {MAX_EVENT_BYTES}")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnknownEventError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("event_type") not in EVENT_TYPES:
        event_type = data.get("event_type") if isinstance(data, dict) else None
        raise UnknownEventError(f"unknown event_type {event_type!r}")
    try:
        return _ANY_EVENT.validate_python(data)
    except ValidationError as exc:
        raise UnknownEventError(f"invalid {data['event_type']}: {exc}") from exc
