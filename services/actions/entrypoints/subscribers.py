"""The actions service's Kafka subscribers (consumer group `actions`).

Ack policy NACK_ON_ERROR, in batches (`shared/kafka/batch.py`): a batch is committed once
stored or dead-lettered; storing is idempotent, so a redelivered batch is harmless. A record
that is not the topic's event, or that the database refuses, goes to `<topic>.dlq` with the
reason; PostgreSQL away is retried, then the batch is read again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from faststream.kafka import KafkaBroker

from services.actions.bootstrap import Services
from services.actions.handlers import coordination, replicas
from shared.contracts.actions import ActionProposalFeedbackGiven, ActionProposed
from shared.contracts.matches import MatchFound
from shared.contracts.notifications import MatchFeedbackGiven
from shared.contracts.profiles import ProfileErased, ProfileUpserted
from shared.contracts.referents import ReferentUpserted
from shared.kafka.batch import BatchPolicy
from shared.kafka.events import event_policy, subscribe_batches
from shared.topics import (
    ACTION_FEEDBACK,
    ACTION_PROPOSALS,
    CANDIDATES,
    FEEDBACK,
    MATCHES,
    REFERENTS,
    Topic,
)

REFERENTS_POLICY = event_policy("actions", ReferentUpserted, REFERENTS)
PERSONS_POLICY: BatchPolicy[ProfileUpserted | ProfileErased] = event_policy(
    "actions", (ProfileUpserted, ProfileErased), CANDIDATES
)
Handle = Callable[[Services, list[Any]], Awaitable[None]]

# What the service reads: the topic, its policy, the handler, and why (the AsyncAPI text).
SUBSCRIPTIONS: tuple[tuple[Topic, BatchPolicy[Any], Handle, str], ...] = (
    (
        REFERENTS,
        REFERENTS_POLICY,
        replicas.record_referents,
        "ReferentUpserted: who may sign in to the catalogue, and their structure.",
    ),
    (
        CANDIDATES,
        PERSONS_POLICY,
        replicas.record_persons,
        "ProfileUpserted, ProfileErased: who may be registered, by which structure;"
        " an erasure cancels the person's registrations (tombstones skipped).",
    ),
    # The coordination view's counts (handlers/coordination.py): proposals, their follow-up,
    # and the matches and hirings on trades proposed to discover.
    (
        ACTION_PROPOSALS,
        event_policy("actions", ActionProposed, ACTION_PROPOSALS),
        coordination.record_proposals,
        "ActionProposed: trade, wish or discovery, when (coordination counts).",
    ),
    (
        ACTION_FEEDBACK,
        event_policy("actions", ActionProposalFeedbackGiven, ACTION_FEEDBACK),
        coordination.record_follow_ups,
        "ActionProposalFeedbackGiven: inscrit / pas pertinent and why (coordination counts).",
    ),
    (
        MATCHES,
        event_policy("actions", MatchFound, MATCHES),
        coordination.record_matches,
        "MatchFound on a trade proposed to discover before (coordination counts).",
    ),
    (
        FEEDBACK,
        event_policy("actions", MatchFeedbackGiven, FEEDBACK),
        coordination.record_match_decisions,
        "MatchFeedbackGiven: hired on such a match (coordination counts).",
    ),
)


def register(broker: KafkaBroker, get: Callable[[], Services], *, group: str = "actions") -> None:
    for topic, policy, handle, description in SUBSCRIPTIONS:
        subscribe_batches(
            broker,
            topic,
            _storing(get, handle),
            policy,
            service="actions",
            group=group,
            description=description,
        )


def _storing(get: Callable[[], Services], handle: Handle) -> Callable[[list[Any]], Awaitable[None]]:
    async def store(events: list[Any]) -> None:
        await handle(get(), events)

    return store
