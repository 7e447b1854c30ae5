"""The actions service's Kafka subscribers (consumer group `actions`).

Ack policy NACK_ON_ERROR, in batches (`shared/kafka/batch.py`): a batch is committed once
stored or dead-lettered; storing is idempotent, so a redelivered batch is harmless. A record
that is not the topic's event, or that the database refuses, goes to `<topic>.dlq` with the
reason; PostgreSQL away is retried, then the batch is read again.
"""

from __future__ import annotations

from collections.abc import Callable

from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage

from services.actions.bootstrap import Services
from services.actions.handlers import replicas
from shared.contracts.profiles import ProfileErased, ProfileUpserted
from shared.contracts.referents import ReferentUpserted
from shared.kafka.batch import BatchPolicy, consume_batch, raw_body
from shared.kafka.events import event_policy
from shared.topics import CANDIDATES, REFERENTS

BATCH_RECORDS = 200
BATCH_WAIT_MS = 50
REFERENTS_POLICY = event_policy("actions", ReferentUpserted, REFERENTS)
PERSONS_POLICY: BatchPolicy[ProfileUpserted | ProfileErased] = event_policy(
    "actions", (ProfileUpserted, ProfileErased), CANDIDATES
)


def register(broker: KafkaBroker, get: Callable[[], Services], *, group: str = "actions") -> None:
    async def referents(events: list[ReferentUpserted]) -> None:
        await replicas.record_referents(get(), events)

    @broker.subscriber(
        REFERENTS.name,
        group_id=group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=BATCH_RECORDS,
        batch_timeout_ms=BATCH_WAIT_MS,
        decoder=raw_body,
        title=f"actions:{REFERENTS.name}",
        description="ReferentUpserted: who may sign in to the catalogue, and their structure.",
    )
    async def on_referents(message: KafkaMessage) -> None:
        await consume_batch(broker, message.raw_message, referents, REFERENTS_POLICY)

    async def persons(events: list[ProfileUpserted | ProfileErased]) -> None:
        await replicas.record_persons(get(), events)

    @broker.subscriber(
        CANDIDATES.name,
        group_id=group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=BATCH_RECORDS,
        batch_timeout_ms=BATCH_WAIT_MS,
        decoder=raw_body,
        title=f"actions:{CANDIDATES.name}",
        description="ProfileUpserted, ProfileErased: who may be registered, by which structure;"
        " an erasure cancels the person's registrations (tombstones skipped).",
    )
    async def on_candidates(message: KafkaMessage) -> None:
        await consume_batch(broker, message.raw_message, persons, PERSONS_POLICY)
