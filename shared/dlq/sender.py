"""Sending a message that could not be processed to its dead-letter topic: the one place that
writes the `dlq.*` headers, so that `python -m shared.dlq list|replay` reads every service's."""

from __future__ import annotations

import logging
from typing import Any

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from shared.dlq.records import dead_letter_headers

log = logging.getLogger("spie.dlq")


async def send_to_dead_letter(
    producer: AIOKafkaProducer | KafkaBroker,
    record: Any,
    *,
    reason: str,
    service: str,
) -> None:
    """`record` is an aiokafka ConsumerRecord; its bytes and headers travel unchanged. A service
    passes its FastStream broker (so that TestKafkaBroker sees the dead letter too), a script a
    plain aiokafka producer."""
    headers = list(record.headers or []) + dead_letter_headers(
        reason=reason,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        service=service,
    )
    topic = f"{record.topic}.dlq"
    if isinstance(producer, AIOKafkaProducer):
        await producer.send_and_wait(topic, key=record.key, value=record.value, headers=headers)
    else:
        text = {name: value.decode(errors="replace") for name, value in headers}
        # FastStream writes its own correlation_id header: keep the original message's one.
        await producer.publish(
            record.value or b"",
            topic,
            key=record.key,
            headers=text,
            correlation_id=text.get("correlation_id"),
        )
    log.warning(
        "dead-lettered %s[%s]@%s: %s",
        record.topic,
        record.partition,
        record.offset,
        reason.splitlines()[0][:200],
    )
