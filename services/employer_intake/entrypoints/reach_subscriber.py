"""The subscriber of the matcher's counts per need, on `spie.need-reach.v1` (consumer group
`employer_intake`, on the broker of `subscribers.py`).

Ack policy NACK_ON_ERROR, in batches: committed once stored or dead-lettered. Storing keeps the
newest `computed_at` per need, so a redelivered or late batch is harmless. A record that is not
a NeedReachComputed, or that the database refuses, goes to `spie.need-reach.v1.dlq`.
"""

from __future__ import annotations

from collections.abc import Callable

from faststream.kafka import KafkaBroker

from shared.contracts import NeedReachComputed
from shared.kafka.events import subscribe_batches
from shared.topics import NEED_REACH

from .. import reach
from ..handlers import Intake
from .subscribers import policy_for

POLICY = policy_for(NeedReachComputed, NEED_REACH)


def register_reach(
    broker: KafkaBroker, get: Callable[[], Intake], *, group: str = "employer_intake"
) -> None:
    async def store(events: list[NeedReachComputed]) -> None:
        await reach.record_reaches(get(), events)

    subscribe_batches(
        broker,
        NEED_REACH,
        store,
        POLICY,
        service="employer_intake",
        group=group,
        description="NeedReachComputed: the matcher's counts per need (no one named), the"
        " newest kept per need and shown to its federation.",
    )
