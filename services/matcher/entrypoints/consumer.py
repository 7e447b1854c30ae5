"""One consuming policy for every subscriber of the matcher.

- Tombstones (empty values on the compacted candidates topic) erase the profile as a
  ProfileErased of every version would: once compaction has removed the ProfileErased before
  it, the tombstone is all a new consumer sees of an erasure (a second erasure is a no-op).
- Undecodable, invalid or unexpected events go to `<topic>.dlq` with the reason and the original
  bytes, then the consumer goes on: retrying cannot fix them.
- Transient failures (PostgreSQL, Kafka, the network, a Qdrant server, the embedded index's
  disk: `shared/transient.py`) are retried with backoff; if they persist the error propagates and
  the subscriber's NACK_ON_ERROR policy redelivers the message, so nothing is lost while a
  dependency is away: a ProfileErased dead-lettered for an outage would leave the erased
  profile in the index.
- Any other failure is a bug for this message: dead-lettered with its reason, then go on.

Every topic is consumed in batches; `shared/kafka/batch.py` applies this policy per record.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shared.contracts import Event, ProfileErased, UnknownEventError, decode_event
from shared.kafka.batch import BatchPolicy, Undecodable
from shared.topics import CANDIDATES, Topic

EVERY_VERSION = 2**31 - 1  # a bare tombstone says nothing of the version: erasure wins


def batch_policy(topic: Topic, accepted: tuple[type[Event], ...]) -> BatchPolicy[Event]:
    """The same policy for a batch subscriber (shared/kafka/batch.py applies it per record)."""

    def decode(record: Any) -> Event | None:
        raw: bytes = record.value or b""
        if not raw:
            return _tombstone_erasure(record.key) if topic.name == CANDIDATES.name else None
        try:
            event = decode_event(raw)
        except UnknownEventError as exc:
            raise Undecodable(str(exc)) from exc
        if not isinstance(event, accepted):
            raise Undecodable(f"{event.event_type} does not belong on {topic.name}")
        return event

    return BatchPolicy(
        service="matcher",
        decode=decode,
        poison=(Exception,),  # as above: a bug for this event, once retrying cannot help
        reason=lambda exc: f"processing failed: {type(exc).__name__}: {exc}",
        retry_seconds=5,
    )


def _tombstone_erasure(key: bytes | None) -> ProfileErased:
    try:
        candidate_id = UUID((key or b"").decode())
    except ValueError as exc:
        raise Undecodable("tombstone without a candidate id as key") from exc
    return ProfileErased(
        producer="matcher",
        payload={"candidate_id": candidate_id, "version": EVERY_VERSION, "reason": "deleted"},
    )
