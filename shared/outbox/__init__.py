"""Transactional outbox: write events with the change that caused them, relay them to Kafka.

`enqueue` runs inside the caller's transaction; `OutboxRelay` publishes pending rows in order
with an idempotent producer (acks=all), one active relay per schema (advisory lock), woken by
LISTEN/NOTIFY and polling as a fallback. Delivery is at least once: consumers drop duplicates
by `event_id`. A published row is deleted `keep_seconds` later (SPIE_OUTBOX_KEEP_SECONDS):
events carry candidates' data, and the outbox must not outlive an erasure by more than that.
"""

from shared.outbox.relay import OutboxRelay
from shared.outbox.store import (
    enqueue,
    enqueue_event,
    enqueue_events,
    enqueue_tombstone,
    forget_keys,
    install,
    pending_count,
    purge_published,
)

__all__ = [
    "OutboxRelay",
    "enqueue",
    "enqueue_event",
    "enqueue_events",
    "enqueue_tombstone",
    "forget_keys",
    "install",
    "pending_count",
    "purge_published",
]
