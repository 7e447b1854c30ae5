"""Event contracts of the product: one envelope, payloads in the minimum contract of DOMAIN.md.

Every event travels on the topic of `shared.topics`, keyed by its entity id (`Event.key()`).
"""

from shared.contracts.common import ContractType, Schedule
from shared.contracts.envelope import Event, EventEnvelope
from shared.contracts.federations import (
    FederationUserUpserted,
    NeedReachComputed,
    NeedReachPayload,
    WhatIf,
)
from shared.contracts.matches import MatchFound, NeedSummary, ScoreParts
from shared.contracts.needs import ComplianceFlag, NeedClosed, NeedPayload, NeedPosted, NeedUpdated
from shared.contracts.notifications import (
    AlertChannel,
    AlertSent,
    FeedbackDecision,
    MatchFeedbackGiven,
)
from shared.contracts.profiles import ConsentState, ProfileErased, ProfilePayload, ProfileUpserted
from shared.contracts.referents import AlertPreferences, ReferentUpserted
from shared.contracts.registry import (
    EVENT_TYPES,
    TOPIC_OF_EVENT,
    UnknownEventError,
    decode_event,
    encode_event,
)
from shared.contracts.trades import NeedTradesPayload, NeedTradesRead, TradeRead

__all__ = [
    "EVENT_TYPES",
    "TOPIC_OF_EVENT",
    "AlertChannel",
    "AlertPreferences",
    "AlertSent",
    "ComplianceFlag",
    "ConsentState",
    "ContractType",
    "Event",
    "EventEnvelope",
    "FederationUserUpserted",
    "FeedbackDecision",
    "MatchFeedbackGiven",
    "MatchFound",
    "NeedClosed",
    "NeedPayload",
    "NeedPosted",
    "NeedReachComputed",
    "NeedReachPayload",
    "NeedSummary",
    "NeedTradesPayload",
    "NeedTradesRead",
    "NeedUpdated",
    "ProfileErased",
    "ProfilePayload",
    "ProfileUpserted",
    "ReferentUpserted",
    "Schedule",
    "ScoreParts",
    "TradeRead",
    "UnknownEventError",
    "WhatIf",
    "decode_event",
    "encode_event",
]
