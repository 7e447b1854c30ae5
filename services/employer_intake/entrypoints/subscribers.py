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

from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage

from shared.contracts import Event, NeedTradesRead
from shared.kafka.batch import BatchPolicy, consume_batch, event_policy, raw_body
from shared.topics import NEED_TRADES, Topic

from .. import handlers
from ..handlers import Intake

E = TypeVar("E", bound=Event)
BATCH_RECORDS = 200
BATCH_WAIT_MS = 50


def policy_for(event_type: type[E], topic: Topic) -> BatchPolicy[E]:
    """How the intake consumes a topic of one event type (shared/kafka/batch.py)."""
    return event_policy("employer_intake", event_type, topic)


POLICY = policy_for(NeedTradesRead, NEED_TRADES)


def register(
    broker: KafkaBroker, get: Callable[[], Intake], *, group: str = "employer_intake"
) -> None:
    async def readings(events: list[NeedTradesRead]) -> None:
        await handlers.record_matcher_readings(get(), events)

    @broker.subscriber(
        NEED_TRADES.name,
        group_id=group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=BATCH_RECORDS,
        batch_timeout_ms=BATCH_WAIT_MS,
        decoder=raw_body,
        title=f"employer_intake:{NEED_TRADES.name}",
        description="NeedTradesRead (its schema: docs/asyncapi/catalog.json): the matcher's"
        " reading of a need's trade, the latest kept per need.",
    )
    async def on_readings(message: KafkaMessage) -> None:
        await consume_batch(broker, message.raw_message, readings, POLICY)
