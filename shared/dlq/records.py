"""The headers a dead letter carries, and how to read them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

DLQ_HEADERS = (
    "dlq.reason",
    "dlq.original_topic",
    "dlq.original_partition",
    "dlq.original_offset",
    "dlq.service",
    "dlq.failed_at",
)
MAX_REASON = 1000


def dead_letter_headers(
    *, reason: str, topic: str, partition: int, offset: int, service: str
) -> list[tuple[str, bytes]]:
    values = (
        reason[:MAX_REASON],
        topic,
        str(partition),
        str(offset),
        service,
        datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return [(name, value.encode()) for name, value in zip(DLQ_HEADERS, values, strict=True)]


@dataclass(frozen=True)
class DeadLetter:
    dlq_offset: int
    key: bytes | None
    value: bytes | None
    reason: str
    original_topic: str
    original_partition: int
    original_offset: int
    service: str
    failed_at: str
    passthrough_headers: list[tuple[str, bytes]]


def parse_dead_letter(
    offset: int, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
) -> DeadLetter:
    found = {k: v.decode(errors="replace") for k, v in headers if k in DLQ_HEADERS}
    return DeadLetter(
        dlq_offset=offset,
        key=key,
        value=value,
        reason=found.get("dlq.reason", "?"),
        original_topic=found.get("dlq.original_topic", "?"),
        original_partition=int(found.get("dlq.original_partition", "-1")),
        original_offset=int(found.get("dlq.original_offset", "-1")),
        service=found.get("dlq.service", "?"),
        failed_at=found.get("dlq.failed_at", "?"),
        passthrough_headers=[(k, v) for k, v in headers if not k.startswith("dlq.")],
    )
