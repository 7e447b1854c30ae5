"""How every service builds its FastStream Kafka broker and publishes events."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from shared import tracing
from shared.contracts import TOPIC_OF_EVENT, Event, encode_event
from shared.kafka.security import PLAINTEXT, KafkaSecurity

JSON_HEADERS = {"content-type": "application/json"}


def make_broker(
    bootstrap: str, *, client_id: str, security: KafkaSecurity = PLAINTEXT
) -> KafkaBroker:
    """An idempotent producer with acks=all: a retried send never duplicates or reorders."""
    return KafkaBroker(
        bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        request_timeout_ms=30_000,
        middlewares=tracing.broker_middlewares(client_id),
        security=security.broker_security(),
    )


def event_headers(event: Event) -> dict[str, str]:
    headers = {**JSON_HEADERS, "event_type": event.event_type, "schema_version": "1"}
    if event.correlation_id is not None:
        headers["correlation_id"] = str(event.correlation_id)
    tracing.inject_context(headers)
    return headers


async def publish_event(broker: KafkaBroker, event: Event, *, topic: str | None = None) -> None:
    """Publish on the event's declared topic, keyed by its entity id (ordering per entity)."""
    await broker.publish(
        encode_event(event),
        topic or TOPIC_OF_EVENT[type(event)].name,
        key=event.key(),
        headers=event_headers(event),
        correlation_id=str(event.correlation_id or event.event_id),
    )
