"""The envelope every event carries, whatever its payload."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


def utcnow() -> datetime:
    return datetime.now(UTC)


class EventEnvelope(BaseModel):
    """Fields common to every event; `event_type` is fixed by each subclass."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    SCHEMA_VERSIONS: ClassVar[frozenset[int]] = frozenset({1})

    event_id: UUID = Field(
        default_factory=uuid4,
        description="Unique id of this event; consumers use it to drop duplicates.",
        examples=["5f0c5a0e-8d0b-4b7e-9a3c-2f1e6d4c9b10"],
    )
    event_type: str = Field(description="Name of the event, in the past tense.")
    schema_version: int = Field(
        default=1, description="Version of the payload schema.", examples=[1]
    )
    occurred_at: AwareDatetime = Field(
        default_factory=utcnow,
        description="When the fact happened, in UTC.",
        examples=["2026-11-27T09:30:00Z"],
    )
    producer: str = Field(
        description="Service that published the event.", examples=["employer_intake"]
    )
    correlation_id: UUID | None = Field(
        default=None,
        description="Id shared by all events caused by one request, for tracing across services.",
    )

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value not in cls.SCHEMA_VERSIONS:
            raise ValueError(f"unknown schema_version {value} for {cls.__name__}")
        return value

    def key(self) -> bytes:
        """The Kafka message key: the id of the entity the event is about."""
        raise NotImplementedError


class Event(EventEnvelope):
    """Base of the concrete events (kept separate so `EventEnvelope` can describe any event)."""
