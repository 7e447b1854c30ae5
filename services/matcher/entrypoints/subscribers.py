"""The matcher's Kafka subscribers: three lines each, the policy lives in `consumer.consume`.

Ack policy NACK_ON_ERROR on every subscriber: a message is committed once handled or
dead-lettered; an error that escapes (a dependency still away after retries) redelivers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage

from services.matcher import handlers
from services.matcher.entrypoints.consumer import consume
from shared import topics
from shared.contracts import (
    MatchFeedbackGiven,
    MatchFound,
    NeedClosed,
    NeedPosted,
    NeedUpdated,
    ProfileErased,
    ProfileUpserted,
)


@dataclass
class Runtime:
    """What the subscribers reach; `deps` is set by the lifespan once bootstrap has run."""

    broker: KafkaBroker
    deps: handlers.Deps | None = None

    def need(self) -> handlers.Deps:
        if self.deps is None:
            raise RuntimeError("matcher not started")
        return self.deps


def register(
    broker: KafkaBroker,
    runtime: Runtime,
    *,
    group_id: str = "matcher",
    offset_reset: str = "earliest",
) -> None:
    common: dict[str, Any] = {
        "group_id": group_id,
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "auto_offset_reset": offset_reset,
    }

    @broker.subscriber(  # type: ignore[untyped-decorator]
        topics.NEEDS.name,
        title="matcher/needs",
        description="NeedPosted, NeedUpdated, NeedClosed",
        **common,
    )
    async def on_need(msg: KafkaMessage) -> None:
        d = runtime.need
        await consume(
            broker,
            msg,
            topics.NEEDS,
            {
                NeedPosted: lambda e: handlers.handle_need(e, d()),  # type: ignore[arg-type]
                NeedUpdated: lambda e: handlers.handle_need(e, d()),  # type: ignore[arg-type]
                NeedClosed: lambda e: handlers.handle_need_closed(e, d()),  # type: ignore[arg-type]
            },
        )

    @broker.subscriber(  # type: ignore[untyped-decorator]
        topics.CANDIDATES.name,
        title="matcher/candidates",
        description="ProfileUpserted, ProfileErased (tombstones skipped)",
        **common,
    )
    async def on_candidate(msg: KafkaMessage) -> None:
        d = runtime.need
        await consume(
            broker,
            msg,
            topics.CANDIDATES,
            {
                ProfileUpserted: lambda e: handlers.handle_profile_upserted(e, d()),  # type: ignore[arg-type]
                ProfileErased: lambda e: handlers.handle_profile_erased(e, d()),  # type: ignore[arg-type]
            },
        )

    @broker.subscriber(  # type: ignore[untyped-decorator]
        topics.FEEDBACK.name,
        title="matcher/feedback",
        description="MatchFeedbackGiven: the référent's decision, stored with the match",
        **common,
    )
    async def on_feedback(msg: KafkaMessage) -> None:
        d = runtime.need
        await consume(
            broker,
            msg,
            topics.FEEDBACK,
            {
                MatchFeedbackGiven: lambda e: handlers.handle_feedback(e, d()),  # type: ignore[arg-type]
            },
        )


def document_publishers(broker: KafkaBroker) -> None:
    """For the AsyncAPI document: MatchFound goes out through the outbox relay, DLQs directly."""
    broker.publisher(
        topics.MATCHES.name,
        title="matcher/matches",
        schema=MatchFound,
        description="MatchFound, keyed by candidate_id, relayed from the matcher.outbox table.",
    )
    for topic in (topics.NEEDS, topics.CANDIDATES, topics.FEEDBACK):
        broker.publisher(
            topic.dlq.name,
            title=f"matcher/{topic.dlq.name}",
            schema=bytes,
            description="The original bytes and headers; dlq.reason, dlq.original_topic/partition/"
            "offset, dlq.service, dlq.failed_at.",
        )
