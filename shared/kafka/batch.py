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

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from shared.dlq.sender import send_to_dead_letter
from shared.metrics import CONSUMED, DEAD_LETTERS, HANDLER_SECONDS
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


async def raw_records(message: Any) -> Any:
    """A FastStream decoder of a batch that parses nothing: the handler gets the records
    themselves (decoded by consume_batch, once each). Taking them here rather than asking for the
    `KafkaMessage` in the handler's signature, and being a coroutine, spares two hand-overs to
    a worker thread and back for every batch read: FastStream runs a plain function given as
    decoder, and fast_depends the context lookup behind `KafkaMessage`, on a thread (measured:
    ~6 % of the actions service's samples under the load bench, for nothing)."""
    return message.raw_message


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
