"""Transactional outbox: write events with the change that caused them, relay them to Kafka.

`enqueue` runs inside the caller's transaction; `OutboxRelay` publishes pending rows in order
with an idempotent producer (acks=all), one active relay per schema (advisory lock), woken by
LISTEN/NOTIFY and polling as a fallback. Delivery is at least once: consumers drop duplicates
by `event_id`.
"""

from shared.outbox.relay import OutboxRelay
from shared.outbox.store import (
    enqueue,
    enqueue_event,
    enqueue_events,
    enqueue_tombstone,
    install,
    pending_count,
)

__all__ = [
    "OutboxRelay",
    "enqueue",
    "enqueue_event",
    "enqueue_events",
    "enqueue_tombstone",
    "install",
    "pending_count",
]
