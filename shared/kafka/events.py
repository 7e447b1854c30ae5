"""The batch policy of a subscriber that reads one event type from one topic.

A tombstone is skipped; a record of another event type, or not an event at all, goes to the
topic's dead letters with the reason; content the database refuses (it would refuse it again
on every retry) too. Used by every service whose subscriber stores what it reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from faststream import AckPolicy
from faststream.kafka import KafkaBroker

from shared.contracts import Event, UnknownEventError, decode_event
from shared.kafka.batch import BatchPolicy, Undecodable, consume_batch, raw_records
from shared.topics import Topic

E = TypeVar("E", bound=Event)
T = TypeVar("T")  # what a policy decodes a record into: an event, or what is kept of it


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


BATCH_RECORDS = 200
BATCH_WAIT_MS = 50


def subscribe_batches(
    broker: KafkaBroker,
    topic: Topic,
    store: Callable[[list[T]], Awaitable[object]],
    policy: BatchPolicy[T],
    *,
    service: str,
    group: str,
    description: str,
    max_records: int = BATCH_RECORDS,
    wait_ms: int = BATCH_WAIT_MS,
) -> None:
    """`store` every batch read from `topic` by `group`, from the earliest offset on a new
    group, with `policy`'s decoding and dead letters (shared/kafka/batch.py): committed once
    stored or dead-lettered, read again whole when storing keeps failing (NACK_ON_ERROR)."""

    @broker.subscriber(
        topic.name,
        group_id=group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=wait_ms,
        decoder=raw_records,
        title=f"{service}:{topic.name}",
        description=description,
    )
    async def on_batch(records: Any) -> None:  # the batch's records (raw_records)
        await consume_batch(broker, records, store, policy)
