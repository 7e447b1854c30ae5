"""The batch policy of a subscriber that reads one event type from one topic.

A tombstone is skipped; a record of another event type, or not an event at all, goes to the
topic's dead letters with the reason; content the database refuses (it would refuse it again
on every retry) too. Used by every service whose subscriber stores what it reads.
"""

from __future__ import annotations

from typing import Any, TypeVar

import asyncpg

from shared.contracts import Event, UnknownEventError, decode_event
from shared.kafka.batch import BatchPolicy, Undecodable
from shared.topics import Topic

E = TypeVar("E", bound=Event)


def event_policy(
    service: str, event_type: type[E] | tuple[type[E], ...], topic: Topic
) -> BatchPolicy[E]:
    """`event_type`: the topic's event, or its events (a tuple)."""

    def decode(record: Any) -> E | None:
        if not record.value:
            return None  # a tombstone: nothing to keep
        try:
            event = decode_event(record.value)
        except UnknownEventError as exc:
            raise Undecodable(str(exc)) from exc
        if not isinstance(event, event_type):
            raise Undecodable(f"{event.event_type} does not belong on {topic.name}")
        return event

    return BatchPolicy(
        service=service,
        decode=decode,
        poison=(asyncpg.DataError, asyncpg.IntegrityConstraintViolationError),
        reason=lambda exc: f"refused by the database: {type(exc).__name__}",
    )
