"""Kafka subscribers of the notifier (consumer group `notifier`).

Ack policy, the same for every topic: NACK_ON_ERROR with auto-commit off. The handlers are
idempotent (unique constraints, newest-event-wins upserts), so redelivery is harmless, while an
alert must never be lost. A message that cannot be understood goes to `<topic>.dlq` with the
reason and is acknowledged; a transient failure (PostgreSQL or Kafka away: `shared/transient.py`)
is retried with backoff, and if it persists the message is nacked (the consumer seeks back) and
read again.
MatchFound and the candidates topic are consumed in batches (shared/kafka/batch.py: the same
guarantees, per record).
ActionProposed and RegistrationChanged (the banque d'actions commune) one by one: a few a day
per person, kept by their event's key (a replay stores nothing).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

import asyncpg
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from shared.contracts import (
    FederationUserUpserted,
    MatchFound,
    ProfileErased,
    ProfileUpserted,
    ReferentUpserted,
    UnknownEventError,
    decode_event,
)
from shared.contracts.actions import ActionProposed, RegistrationChanged
from shared.dlq.sender import send_to_dead_letter
from shared.kafka.batch import BatchPolicy, Undecodable
from shared.kafka.events import subscribe_batches
from shared.logs import correlation_id
from shared.metrics import CONSUMED, DEAD_LETTERS, HANDLER_SECONDS
from shared.topics import (
    ACTION_PROPOSALS,
    CANDIDATES,
    FEDERATION_USERS,
    MATCHES,
    REFERENTS,
    REGISTRATIONS,
    Topic,
)
from shared.transient import is_transient

from .. import action_handlers, handlers
from ..bootstrap import Notifier

log = logging.getLogger("spie.notifier.consumer")
GetNotifier = Callable[[], Notifier]
T = TypeVar("T")


class DeadLetter(Exception):
    """This message can never be processed: the reason goes with it to the .dlq topic."""


async def send_to_dlq(broker: KafkaBroker, record: ConsumerRecord, reason: str) -> None:
    DEAD_LETTERS.labels("notifier", record.topic).inc()
    await send_to_dead_letter(broker, record, reason=reason, service="notifier")


async def _process(
    broker: KafkaBroker, message: KafkaMessage, work: Callable[[ConsumerRecord], Awaitable[object]]
) -> None:
    record: ConsumerRecord = message.raw_message
    CONSUMED.labels("notifier", record.topic).inc()
    started = time.perf_counter()
    # The id the request that caused this message carried, for the log lines of its handling.
    cid = dict(record.headers or ()).get("correlation_id", b"").decode("latin-1")
    token = correlation_id.set(cid[:36] or None)
    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_delay(30),
            wait=wait_exponential(multiplier=0.5, max=5),
            reraise=True,
        ):
            with attempt:
                await work(record)
    except DeadLetter as exc:
        await send_to_dlq(broker, record, str(exc))
    except UnknownEventError as exc:
        await send_to_dlq(broker, record, str(exc))
    except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError) as exc:
        # The database refuses this content: it will refuse it again on every retry.
        await send_to_dlq(broker, record, f"refused by the database: {type(exc).__name__}")
    finally:
        HANDLER_SECONDS.labels("notifier", record.topic).observe(time.perf_counter() - started)
        correlation_id.reset(token)


def _decode(record: ConsumerRecord, *expected: type) -> object:
    event = decode_event(record.value or b"")
    if not isinstance(event, expected):
        raise DeadLetter(f"unexpected {event.event_type} on {record.topic}")
    return event


def _decode_batched(record: ConsumerRecord, *expected: type) -> object:
    """`_decode` for a batch: what can never be handled is Undecodable (its dead letter)."""
    try:
        return _decode(record, *expected)
    except (UnknownEventError, DeadLetter) as exc:
        raise Undecodable(str(exc)) from exc


def _decode_match(record: ConsumerRecord) -> MatchFound:
    event = _decode_batched(record, MatchFound)
    assert isinstance(event, MatchFound)
    return event


def _policy(decode: Callable[[ConsumerRecord], T]) -> BatchPolicy[T]:
    return BatchPolicy(
        service="notifier",
        decode=decode,
        # The database refuses this content: it will refuse it again on every retry.
        poison=(asyncpg.DataError, asyncpg.IntegrityConstraintViolationError),
        reason=lambda exc: f"refused by the database: {type(exc).__name__}",
    )


MATCH_BATCH = 500
BATCH_WAIT_MS = 20  # when idle: how long a poll waits, and the pause after an empty one
MATCH_POLICY = _policy(_decode_match)


@dataclass(frozen=True, slots=True)
class Erasure:
    candidate_id: UUID
    version: int | None  # None: a bare tombstone, every version blocked


CandidateEvent = handlers.Sharing | Erasure


def _decode_candidate(record: ConsumerRecord) -> CandidateEvent:
    """A ProfileUpserted (its sharing only: nothing else of the profile is kept), a
    ProfileErased, or a tombstone (the key names the erased candidate)."""
    if record.value is None:
        try:
            return Erasure(UUID((record.key or b"").decode()), None)
        except ValueError as exc:
            raise Undecodable("tombstone whose key is not a candidate id") from exc
    event = _decode_batched(record, ProfileErased, ProfileUpserted)
    if isinstance(event, ProfileErased):
        return Erasure(event.payload.candidate_id, event.payload.version)
    assert isinstance(event, ProfileUpserted)
    p = event.payload
    return handlers.Sharing(p.candidate_id, p.version, p.structure, list(p.shared_with))


CANDIDATE_BATCH = 200
CANDIDATE_POLICY = _policy(_decode_candidate)


async def handle_candidates(events: list[CandidateEvent], n: Notifier) -> None:
    """In their order: each run of sharings in one transaction, an erasure alone."""
    run: list[handlers.Sharing] = []
    for event in [*events, None]:
        if isinstance(event, handlers.Sharing):
            run.append(event)
            continue
        if run:
            await handlers.handle_profiles_shared(run, pool=n.pool, hash_key=n.hash_key)
            run = []
        if event is not None:
            await handlers.handle_profile_erased(
                event.candidate_id, event.version, pool=n.pool, hash_key=n.hash_key
            )


def register(broker: KafkaBroker, get: GetNotifier, *, group: str = "notifier") -> None:
    def subscriber(topic: Topic) -> Callable[..., object]:
        return broker.subscriber(
            topic.name,
            group_id=group,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"notifier:{topic.name}",
        )

    async def referent(record: ConsumerRecord) -> None:
        event = _decode(record, ReferentUpserted)
        assert isinstance(event, ReferentUpserted)
        await handlers.handle_referent_upserted(event, pool=get().pool, clock=get().clock)

    async def federation_user(record: ConsumerRecord) -> None:
        event = _decode(record, FederationUserUpserted)
        assert isinstance(event, FederationUserUpserted)
        await handlers.handle_federation_user_upserted(event, pool=get().pool, clock=get().clock)

    async def proposal(record: ConsumerRecord) -> None:
        event = _decode(record, ActionProposed)
        assert isinstance(event, ActionProposed)
        n = get()
        await action_handlers.handle_action_proposed(
            event, pool=n.pool, hash_key=n.hash_key, clock=n.clock
        )

    async def registration(record: ConsumerRecord) -> None:
        event = _decode(record, RegistrationChanged)
        assert isinstance(event, RegistrationChanged)
        n = get()
        await action_handlers.handle_registration_changed(
            event, pool=n.pool, hash_key=n.hash_key, clock=n.clock
        )

    async def matches(events: list[MatchFound]) -> None:
        n = get()
        await handlers.handle_matches_found(
            events,
            pool=n.pool,
            hash_key=n.hash_key,
            clock=n.clock,
            email_spacing=n.channels.email_spacing,
        )

    # ~10 MatchFound per need: one transaction per batch instead of one per match.
    subscribe_batches(
        broker,
        MATCHES,
        matches,
        MATCH_POLICY,
        service="notifier",
        group=group,
        description="Each match becomes an alert in its référent's inbox, and its deliveries.",
        max_records=MATCH_BATCH,
        wait_ms=BATCH_WAIT_MS,
    )

    @subscriber(REFERENTS)
    async def on_referent(message: KafkaMessage) -> None:
        await _process(broker, message, referent)

    @subscriber(FEDERATION_USERS)
    async def on_federation_user(message: KafkaMessage) -> None:
        await _process(broker, message, federation_user)

    async def candidates(events: list[CandidateEvent]) -> None:
        await handle_candidates(events, get())

    # A ProfileUpserted per profile change: its sharing kept in one transaction per batch.
    subscribe_batches(
        broker,
        CANDIDATES,
        candidates,
        CANDIDATE_POLICY,
        service="notifier",
        group=group,
        description="Who each profile is shared with (alerts follow it); erasures.",
        max_records=CANDIDATE_BATCH,
        wait_ms=BATCH_WAIT_MS,
    )

    @subscriber(ACTION_PROPOSALS)
    async def on_action_proposal(message: KafkaMessage) -> None:
        await _process(broker, message, proposal)

    @subscriber(REGISTRATIONS)
    async def on_registration(message: KafkaMessage) -> None:
        await _process(broker, message, registration)
