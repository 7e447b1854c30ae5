"""One consuming policy for every subscriber of the matcher.

- Tombstones (empty values on the compacted candidates topic) follow a ProfileErased: skipped.
- Undecodable, invalid or unexpected events go to `<topic>.dlq` with the reason and the original
  bytes, then the consumer goes on: retrying cannot fix them.
- Transient failures (PostgreSQL, the network, a timeout) are retried with backoff; if they
  persist the error propagates and the subscriber's NACK_ON_ERROR policy redelivers the message,
  so nothing is lost while a dependency is away.
- Any other failure is a bug for this message: dead-lettered with its reason, then go on.

Needs and profiles are consumed in batches with the same policy per record (`batch_policy`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from faststream.kafka import KafkaBroker, KafkaMessage
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from shared.contracts import Event, UnknownEventError, decode_event
from shared.dlq.sender import send_to_dead_letter
from shared.kafka.batch import BatchPolicy, Undecodable
from shared.logs import correlation_id
from shared.metrics import CONSUMED, DEAD_LETTERS, HANDLER_SECONDS
from shared.topics import Topic

log = logging.getLogger("spie.matcher.consumer")
TRANSIENT = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
)
Dispatch = Callable[[Event], Awaitable[Any]]


async def consume(
    broker: KafkaBroker,
    msg: KafkaMessage,
    topic: Topic,
    routes: dict[type[Event], Dispatch],
    *,
    attempts: int = 5,
) -> None:
    raw: bytes = msg.body or b""
    CONSUMED.labels("matcher", topic.name).inc()
    if not raw:
        return
    try:
        event = decode_event(raw)
    except UnknownEventError as exc:
        await dead_letter(broker, msg, topic, str(exc))
        return
    handler = routes.get(type(event))
    if handler is None:
        await dead_letter(broker, msg, topic, f"{event.event_type} does not belong on {topic.name}")
        return
    token = correlation_id.set(str(event.correlation_id or event.event_id))
    started = time.perf_counter()
    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(TRANSIENT),
            wait=wait_exponential(multiplier=0.2, max=5),
            stop=stop_after_attempt(attempts),
            reraise=True,
        ):
            with attempt:
                await handler(event)
    except TRANSIENT:
        raise
    except Exception as exc:  # a bug for this message: park it with the reason, keep consuming
        log.exception("event dead-lettered", extra={"fields": {"event_id": str(event.event_id)}})
        await dead_letter(broker, msg, topic, f"processing failed: {type(exc).__name__}: {exc}")
    finally:
        HANDLER_SECONDS.labels("matcher", event.event_type).observe(time.perf_counter() - started)
        correlation_id.reset(token)


def batch_policy(topic: Topic, accepted: tuple[type[Event], ...]) -> BatchPolicy[Event]:
    """The same policy for a batch subscriber (shared/kafka/batch.py applies it per record)."""

    def decode(record: Any) -> Event | None:
        raw: bytes = record.value or b""
        if not raw:
            return None
        try:
            event = decode_event(raw)
        except UnknownEventError as exc:
            raise Undecodable(str(exc)) from exc
        if not isinstance(event, accepted):
            raise Undecodable(f"{event.event_type} does not belong on {topic.name}")
        return event

    return BatchPolicy(
        service="matcher",
        decode=decode,
        transient=TRANSIENT,
        poison=(Exception,),  # as above: a bug for this event, once retrying cannot help
        reason=lambda exc: f"processing failed: {type(exc).__name__}: {exc}",
        retry_seconds=5,
    )


async def dead_letter(broker: KafkaBroker, msg: KafkaMessage, topic: Topic, reason: str) -> None:
    DEAD_LETTERS.labels("matcher", topic.name).inc()
    await send_to_dead_letter(broker, msg.raw_message, reason=reason, service="matcher")
