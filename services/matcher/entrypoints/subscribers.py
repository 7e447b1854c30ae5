"""The matcher's Kafka subscribers, all batched: the policy lives in `consumer.py` and
`shared/kafka/batch.py`, the routing in `services/matcher/batches.py`.

Ack policy NACK_ON_ERROR on every subscriber: a message is committed once handled or
dead-lettered; an error that escapes (a dependency still away after retries) redelivers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker

from services.matcher import handlers
from services.matcher.batches import handle_batch
from services.matcher.entrypoints.consumer import batch_policy
from services.matcher.entrypoints.maintenance import Activity
from shared import topics
from shared.contracts import (
    Event,
    MatchFeedbackGiven,
    MatchFound,
    NeedClosed,
    NeedPosted,
    NeedReachComputed,
    NeedTradesRead,
    NeedUpdated,
    ProfileErased,
    ProfileUpserted,
)
from shared.contracts.actions import ActionProposalFeedbackGiven, ActionProposed, ActionPublished
from shared.kafka.batch import consume_batch, raw_records

BATCH_RECORDS = 64  # needs or profiles per batch: ~10 matches each, one transaction
BATCH_WAIT_MS = 20  # when idle: how long a poll waits, and the pause after an empty one


@dataclass
class Runtime:
    """What the subscribers reach; `deps` is set by the lifespan once bootstrap has run."""

    broker: KafkaBroker
    deps: handlers.Deps | None = None
    activity: Activity = field(default_factory=Activity)  # index upkeep waits for a lull

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

    # Batches: one encoder call, one index upsert and one transaction for many events.
    batched: dict[str, Any] = {
        **common,
        "batch": True,
        "max_records": BATCH_RECORDS,
        "batch_timeout_ms": BATCH_WAIT_MS,
        "decoder": raw_records,  # each handler gets the batch's records
    }
    needs = batch_policy(topics.NEEDS, (NeedPosted, NeedUpdated, NeedClosed))
    profiles = batch_policy(topics.CANDIDATES, (ProfileUpserted, ProfileErased))
    feedback = batch_policy(topics.FEEDBACK, (MatchFeedbackGiven,))
    # Compacted by action id: a tombstone (an empty value) is skipped by the policy.
    actions = batch_policy(topics.ACTIONS, (ActionPublished,))
    action_feedback = batch_policy(topics.ACTION_FEEDBACK, (ActionProposalFeedbackGiven,))

    async def handle(events: list[Event]) -> None:
        runtime.activity.touch()
        try:
            await handle_batch(events, runtime.need())
        finally:
            runtime.activity.touch(len(events))

    @broker.subscriber(  # type: ignore[untyped-decorator]
        topics.NEEDS.name,
        title="matcher/needs",
        description="NeedPosted, NeedUpdated, NeedClosed",
        **batched,
    )
    async def on_needs(records: Any) -> None:
        await consume_batch(broker, records, handle, needs)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        topics.CANDIDATES.name,
        title="matcher/candidates",
        description="ProfileUpserted, ProfileErased (a tombstone erases too)",
        **batched,
    )
    async def on_candidates(records: Any) -> None:
        await consume_batch(broker, records, handle, profiles)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        topics.FEEDBACK.name,
        title="matcher/feedback",
        description="MatchFeedbackGiven: the référent's decision, stored with the match",
        **batched,
    )
    async def on_feedback(records: Any) -> None:
        await consume_batch(broker, records, handle, feedback)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        topics.ACTIONS.name,
        title="matcher/actions",
        description="ActionPublished: the catalogue, proposed to the persons each action fits",
        **batched,
    )
    async def on_actions(records: Any) -> None:
        await consume_batch(broker, records, handle, actions)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        topics.ACTION_FEEDBACK.name,
        title="matcher/action-feedback",
        description="ActionProposalFeedbackGiven: the référent's follow-up, stored with the"
        " proposal",
        **batched,
    )
    async def on_action_feedback(records: Any) -> None:
        await consume_batch(broker, records, handle, action_feedback)


def document_publishers(broker: KafkaBroker) -> None:
    """For the AsyncAPI document: MatchFound and NeedTradesRead go out through the outbox relay,
    DLQs directly."""
    broker.publisher(
        topics.MATCHES.name,
        title="matcher/matches",
        schema=MatchFound,
        description="MatchFound, keyed by candidate_id, relayed from the matcher.outbox table.",
    )
    broker.publisher(
        topics.NEED_TRADES.name,
        title="matcher/need-trades",
        schema=NeedTradesRead,
        description="NeedTradesRead, keyed by need_id: the trades read of each need version"
        " indexed, relayed from the matcher.outbox table (never a profile's).",
    )
    broker.publisher(
        topics.NEED_REACH.name,
        title="matcher/need-reach",
        schema=NeedReachComputed,
        description="NeedReachComputed, keyed by need_id: counts that name no one (compatible"
        " profiles, what-if, proposals, outcomes), at most once a minute per need, relayed from"
        " the matcher.outbox table.",
    )
    broker.publisher(
        topics.ACTION_PROPOSALS.name,
        title="matcher/action-proposals",
        schema=ActionProposed,
        description="ActionProposed, keyed by candidate_id: a session of an action for a"
        " person (a wished trade or one to discover), relayed from the matcher.outbox table.",
    )
    for topic in (
        topics.NEEDS,
        topics.CANDIDATES,
        topics.FEEDBACK,
        topics.ACTIONS,
        topics.ACTION_FEEDBACK,
    ):
        broker.publisher(
            topic.dlq.name,
            title=f"matcher/{topic.dlq.name}",
            schema=bytes,
            description="The original bytes and headers; dlq.reason, dlq.original_topic/partition/"
            "offset, dlq.service, dlq.failed_at.",
        )
