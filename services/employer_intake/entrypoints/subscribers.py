"""The intake's one Kafka subscriber (consumer group `employer_intake`): the matcher's reading
of each need's trade, on `spie.need-trades.v1`.

Ack policy NACK_ON_ERROR, in batches (`shared/kafka/batch.py`): a batch is committed once
stored or dead-lettered. Storing is idempotent (a reading older than the one kept is ignored),
so a redelivered batch is harmless. A record that is not a NeedTradesRead, or whose content the
database refuses, goes to `spie.need-trades.v1.dlq` with the reason; PostgreSQL away is retried
with backoff, then the batch is read again: a reading is never dropped for an outage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from faststream.kafka import KafkaBroker

from shared.contracts import Event, NeedTradesRead
from shared.kafka.batch import BatchPolicy
from shared.kafka.events import event_policy, subscribe_batches
from shared.topics import NEED_TRADES, Topic

from .. import handlers
from ..handlers import Intake

E = TypeVar("E", bound=Event)


def policy_for(event_type: type[E], topic: Topic) -> BatchPolicy[E]:
    """How the intake consumes a topic of one event type (shared/kafka/events.py)."""
    return event_policy("employer_intake", event_type, topic)


POLICY = policy_for(NeedTradesRead, NEED_TRADES)


def register(
    broker: KafkaBroker, get: Callable[[], Intake], *, group: str = "employer_intake"
) -> None:
    async def readings(events: list[NeedTradesRead]) -> None:
        await handlers.record_matcher_readings(get(), events)

    subscribe_batches(
        broker,
        NEED_TRADES,
        readings,
        POLICY,
        service="employer_intake",
        group=group,
        description="NeedTradesRead (its schema: docs/asyncapi/catalog.json): the matcher's"
        " reading of a need's trade, the latest kept per need.",
    )
