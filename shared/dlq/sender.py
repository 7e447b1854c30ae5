"""Sending a message that could not be processed to its dead-letter topic."""

from __future__ import annotations

import logging
from typing import Any

from aiokafka import AIOKafkaProducer

from shared.dlq.records import dead_letter_headers

log = logging.getLogger("spie.dlq")


async def send_to_dead_letter(
    producer: AIOKafkaProducer,
    record: Any,
    *,
    reason: str,
    service: str,
) -> None:
    """`record` is an aiokafka ConsumerRecord; its bytes and headers travel unchanged."""
    headers = list(record.headers or []) + dead_letter_headers(
        reason=reason,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        service=service,
    )
    await producer.send_and_wait(
        f"{record.topic}.dlq", key=record.key, value=record.value, headers=headers
    )
    log.warning(
        "dead-lettered %s[%s]@%s: %s",
        record.topic,
        record.partition,
        record.offset,
        reason.splitlines()[0][:200],
    )
