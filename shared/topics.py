"""Every Kafka topic of the product, declared once: name, partitions, cleanup policy, retention.

`python -m shared.topics ensure` creates the missing ones (stack-up calls it), sets the declared
configuration on those that exist (retention bounds are erasure bounds: a topic created with an
older declaration must not keep data longer), and reports partition counts that differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS
# Topics that carry a candidate's data beyond the pseudonymous id (README, "Erasure"): what an
# erasure leaves there is gone within PERSONAL_RETENTION_MS + PERSONAL_SEGMENT_MS (7 days).
# Kafka deletes whole segments only, so a record lives until its segment is rolled
# (segment.ms) and the whole segment is older than retention.ms.
PERSONAL_RETENTION_MS = 6 * DAY_MS
PERSONAL_SEGMENT_MS = DAY_MS
# The compacted candidates topic: an erased key's earlier values are compacted away within
# max.compaction.lag.ms (the cleaner rolls the active segment for it); its tombstone, which
# holds the id alone, stays delete.retention.ms more so that every consumer sees the erasure.
COMPACTION_LAG_MS = DAY_MS
TOMBSTONE_RETENTION_MS = 7 * DAY_MS


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int = 3
    compacted: bool = False
    retention_ms: int = 30 * DAY_MS
    dead_letter: bool = False  # whether a `<name>.dlq` companion exists (consumed topics)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def config(self) -> dict[str, str]:
        cfg = {
            "cleanup.policy": "compact" if self.compacted else "delete",
            "retention.ms": "-1" if self.compacted else str(self.retention_ms),
        }
        if self.compacted:
            # Tombstones of erased profiles must stay long enough for every consumer to see them.
            cfg["delete.retention.ms"] = str(TOMBSTONE_RETENTION_MS)
        cfg.update(self.extra)
        return cfg

    @property
    def erasure_bound_ms(self) -> int | None:
        """How long an erased candidate's data may stay on this topic (None: no bound set)."""
        cfg = self.config
        if self.compacted:
            lag = cfg.get("max.compaction.lag.ms")
            return int(lag) if lag is not None else None
        return self.retention_ms + int(cfg.get("segment.ms", 7 * DAY_MS))

    @property
    def dlq(self) -> Topic:
        # A dead letter is any event as it was (a profile, a match): the personal bound.
        return Topic(
            name=f"{self.name}.dlq",
            partitions=1,
            retention_ms=PERSONAL_RETENTION_MS,
            extra=_PERSONAL_SEGMENTS,
        )


_PERSONAL_SEGMENTS = {"segment.ms": str(PERSONAL_SEGMENT_MS)}

NEEDS = Topic("spie.needs.v1", partitions=6, dead_letter=True)
CANDIDATES = Topic(
    "spie.candidates.v1",
    partitions=6,
    compacted=True,
    dead_letter=True,
    extra={
        "max.compaction.lag.ms": str(COMPACTION_LAG_MS),
        "segment.ms": str(COMPACTION_LAG_MS),
        "min.cleanable.dirty.ratio": "0.1",
    },
)
REFERENTS = Topic("spie.referents.v1", partitions=1, compacted=True, dead_letter=True)
# MatchFound: the explanation (the person's skills, km from home), score parts, candidate id.
MATCHES = Topic(
    "spie.matches.v1",
    partitions=6,
    retention_ms=PERSONAL_RETENTION_MS,
    dead_letter=True,
    extra=_PERSONAL_SEGMENTS,
)
# AlertSent: alert, match and référent ids, a channel and a status: no candidate data.
ALERTS = Topic("spie.alerts.v1", partitions=3, retention_ms=90 * DAY_MS)
# MatchFeedbackGiven: the candidate id beside the référent's decision; the lasting record of
# the decision is the matcher's log (without the person), so the topic keeps the personal bound.
FEEDBACK = Topic(
    "spie.feedback.v1",
    partitions=3,
    retention_ms=PERSONAL_RETENTION_MS,
    dead_letter=True,
    extra=_PERSONAL_SEGMENTS,
)

# NeedTradesRead: the matcher's reading of a need's trade (codes, probabilities), no person.
# Compacted by need id: only the latest reading of each need matters, and a consumer that
# starts afresh (a new schema, a new service) gets every need's latest without a replay.
NEED_TRADES = Topic("spie.need-trades.v1", partitions=6, compacted=True, dead_letter=True)

# FederationUserUpserted: a federation's user (name, e-mail, role), for the notifier's sign-in.
FEDERATION_USERS = Topic("spie.federation-users.v1", partitions=1, compacted=True, dead_letter=True)
# NeedReachComputed: counts per need that name no one (compatible profiles, what-if, outcomes).
# Compacted by need id: only the latest counts matter.
NEED_REACH = Topic("spie.need-reach.v1", partitions=6, compacted=True, dead_letter=True)

# The banque d'actions commune (services/actions). ActionPublished: an action and its sessions,
# naming no one; compacted by action id (a new consumer gets the whole catalogue).
ACTIONS = Topic("spie.actions.v1", partitions=3, compacted=True, dead_letter=True)
# ActionProposed: a session proposed to a person (candidate id, distance, transferable skills).
ACTION_PROPOSALS = Topic(
    "spie.action-proposals.v1",
    partitions=6,
    retention_ms=PERSONAL_RETENTION_MS,
    dead_letter=True,
    extra=_PERSONAL_SEGMENTS,
)
# ActionProposalFeedbackGiven: the référent's follow-up of a proposal, beside the candidate id.
ACTION_FEEDBACK = Topic(
    "spie.action-feedback.v1",
    partitions=3,
    retention_ms=PERSONAL_RETENTION_MS,
    dead_letter=True,
    extra=_PERSONAL_SEGMENTS,
)
# RegistrationChanged: a person's registration to a session (candidate id, status, outcome).
REGISTRATIONS = Topic(
    "spie.registrations.v1",
    partitions=6,
    retention_ms=PERSONAL_RETENTION_MS,
    dead_letter=True,
    extra=_PERSONAL_SEGMENTS,
)

TOPICS: tuple[Topic, ...] = (
    NEEDS,
    CANDIDATES,
    REFERENTS,
    MATCHES,
    ALERTS,
    FEEDBACK,
    NEED_TRADES,
    FEDERATION_USERS,
    NEED_REACH,
    ACTIONS,
    ACTION_PROPOSALS,
    ACTION_FEEDBACK,
    REGISTRATIONS,
)


def all_topics() -> list[Topic]:
    """The declared topics followed by the dead-letter topics of the consumed ones."""
    return [*TOPICS, *(t.dlq for t in TOPICS if t.dead_letter)]


def _main() -> None:
    """`python -m shared.topics ensure [BOOTSTRAP]`: create the missing topics."""
    import asyncio
    import sys

    from shared.kafka.admin import ensure_topics
    from shared.settings import load_base_settings

    args = sys.argv[1:]
    if not args or args[0] != "ensure":
        sys.exit("usage: python -m shared.topics ensure [BOOTSTRAP]")
    settings = load_base_settings()
    bootstrap = args[1] if len(args) > 1 else settings.kafka_bootstrap
    for report in asyncio.run(ensure_topics(bootstrap, security=settings.kafka_security())):
        print(f"  topic {report.name:<28} {report.action}")


if __name__ == "__main__":
    _main()
