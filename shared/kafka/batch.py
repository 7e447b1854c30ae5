"""Consuming a batch of Kafka records with the guarantees of one record at a time.

- Each record is decoded on its own: one that cannot be goes to `<topic>.dlq` with the reason,
  and the batch's other records are handled.
- The batch is handled in one call (one transaction, one model call...), retried with backoff
  while a dependency is away (`shared/transient.py` tells an outage from a bad record); if it
  stays away the error propagates, the subscriber's
  NACK_ON_ERROR seeks every partition of the batch back and the batch comes again whole: the
  handlers are idempotent, so nothing is emitted twice.
- A failure that a record will always meet (`poison`: content the database refuses, a bug for
  this event) makes the batch handled again one record at a time, and only the records that
  still fail go to the dead letters.
- Dead letters are sent after the batch is handled, so a redelivered batch does not send them
  twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import asyncpg
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from shared.contracts import Event, UnknownEventError, decode_event
from shared.dlq.sender import send_to_dead_letter
from shared.metrics import CONSUMED, DEAD_LETTERS, HANDLER_SECONDS
from shared.topics import Topic
from shared.transient import is_transient

log = logging.getLogger("spie.kafka.batch")
E = TypeVar("E")
Handle = Callable[[list[E]], Awaitable[object]]


class Undecodable(Exception):
    """This record can never be handled: the reason goes with it to the .dlq topic."""


@dataclass(frozen=True)
class BatchPolicy(Generic[E]):
    service: str
    # The record's event, None to skip it (a tombstone), or Undecodable with the reason.
    decode: Callable[[Any], E | None]
    # Failures that are not transient and a record will always meet: its dead letter.
    poison: tuple[type[BaseException], ...]
    reason: Callable[[BaseException], str]
    retry_seconds: float = 30.0
    # An outage: never a dead letter, the batch is read again once retries are spent.
    transient: Callable[[BaseException], bool] = is_transient


Ev = TypeVar("Ev", bound=Event)


def event_policy(service: str, event_type: type[Ev], topic: Topic) -> BatchPolicy[Ev]:
    """How `service` consumes a topic of one event type into PostgreSQL: a tombstone is skipped,
    a record of another type or not an event at all is dead-lettered with the reason, and
    content the database refuses (it would refuse it again on every retry) too."""

    def decode(record: Any) -> Ev | None:
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


def raw_body(_message: object) -> None:
    """A FastStream decoder that parses nothing: the records are decoded here, once each."""
    return None


async def consume_batch(
    broker: KafkaBroker, records: Sequence[Any], handle: Handle[E], policy: BatchPolicy[E]
) -> None:
    started = time.perf_counter()
    events: list[tuple[ConsumerRecord, E]] = []
    dead: list[tuple[ConsumerRecord, str]] = []
    for record in records:
        CONSUMED.labels(policy.service, record.topic).inc()
        try:
            event = policy.decode(record)
        except Undecodable as exc:
            dead.append((record, str(exc)))
            continue
        if event is not None:
            events.append((record, event))
    if events:
        try:
            await _retrying(handle, [e for _, e in events], policy)
        except policy.poison as exc:
            if policy.transient(exc):
                raise
            dead += await _one_by_one(handle, events, policy)
    for record, reason in sorted(dead, key=lambda d: (d[0].partition, d[0].offset)):
        DEAD_LETTERS.labels(policy.service, record.topic).inc()
        await send_to_dead_letter(broker, record, reason=reason, service=policy.service)
    if records:
        # One observation per batch: the time the batch's records waited for each other.
        HANDLER_SECONDS.labels(policy.service, f"{records[0].topic}[batch]").observe(
            time.perf_counter() - started
        )


async def _one_by_one(
    handle: Handle[E], events: list[tuple[ConsumerRecord, E]], policy: BatchPolicy[E]
) -> list[tuple[ConsumerRecord, str]]:
    dead: list[tuple[ConsumerRecord, str]] = []
    for record, event in events:
        try:
            await _retrying(handle, [event], policy)
        except policy.poison as exc:
            if policy.transient(exc):
                raise
            log.warning("record refused", exc_info=True)  # the traceback, never the content
            dead.append((record, policy.reason(exc)))
    return dead


async def _retrying(handle: Handle[E], events: list[E], policy: BatchPolicy[E]) -> None:
    async for attempt in AsyncRetrying(
        retry=retry_if_exception(policy.transient),
        stop=stop_after_delay(policy.retry_seconds),
        wait=wait_exponential(multiplier=0.2, max=5),
        reraise=True,
    ):
        with attempt:
            await handle(events)
