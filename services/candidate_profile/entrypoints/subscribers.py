"""The profiles service's one Kafka subscriber (consumer group `candidate_profile`): the
registrations of its people to the actions of the banque commune, on `spie.registrations.v1`.

Ack policy NACK_ON_ERROR, in batches (`shared/kafka/batch.py`): a batch is committed once
stored or dead-lettered; storing is idempotent (newest version wins), so a redelivered batch is
harmless. A record that is not a RegistrationChanged, or whose content the database refuses,
goes to `spie.registrations.v1.dlq` with the reason; PostgreSQL away is retried, then the batch
is read again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from faststream.kafka import KafkaBroker

from services.candidate_profile.bootstrap import Services
from services.candidate_profile.handlers import registrations
from services.candidate_profile.settings import ProfileSettings
from shared.contracts.actions import RegistrationChanged
from shared.kafka.broker import make_broker
from shared.kafka.events import event_policy, subscribe_batches
from shared.topics import REGISTRATIONS

POLICY = event_policy("candidate_profile", RegistrationChanged, REGISTRATIONS)


def register(broker: KafkaBroker, get: Callable[[], Services], *, group: str) -> None:
    async def keep(events: list[RegistrationChanged]) -> None:
        await registrations.keep_all(get().pool, events)

    subscribe_batches(
        broker,
        REGISTRATIONS,
        keep,
        POLICY,
        service="candidate_profile",
        group=group,
        description="RegistrationChanged: a person's registration to an action, latest kept.",
    )


async def consume_registrations(
    settings: ProfileSettings, services: Services, stop: asyncio.Event
) -> None:
    """The subscriber until `stop`, on a broker of its own: a fresh one at each restart, so
    that the pages start and answer while Kafka is away."""
    broker = make_broker(
        settings.kafka_bootstrap, client_id="candidate_profile", security=settings.kafka_security()
    )
    register(broker, lambda: services, group=settings.consumer_group)
    try:
        await broker.start()
        logging.getLogger("faststream.access.kafka").setLevel(logging.WARNING)
        await stop.wait()
    finally:
        await broker.stop()
