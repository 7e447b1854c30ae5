"""Every Kafka topic of the product, declared once: name, partitions, cleanup policy, retention.

`python -m shared.topics ensure` creates the missing ones (stack-up calls it) and reports
the ones whose declaration differs from what the broker has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DAY_MS = 24 * 3600 * 1000


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
            cfg["delete.retention.ms"] = str(7 * DAY_MS)
        cfg.update(self.extra)
        return cfg

    @property
    def dlq(self) -> Topic:
        return Topic(name=f"{self.name}.dlq", partitions=1, retention_ms=90 * DAY_MS)


NEEDS = Topic("spie.needs.v1", partitions=6, dead_letter=True)
CANDIDATES = Topic("spie.candidates.v1", partitions=6, compacted=True, dead_letter=True)
REFERENTS = Topic("spie.referents.v1", partitions=1, compacted=True, dead_letter=True)
MATCHES = Topic("spie.matches.v1", partitions=6, retention_ms=90 * DAY_MS, dead_letter=True)
ALERTS = Topic("spie.alerts.v1", partitions=3, retention_ms=90 * DAY_MS)
FEEDBACK = Topic("spie.feedback.v1", partitions=3, retention_ms=365 * DAY_MS, dead_letter=True)

TOPICS: tuple[Topic, ...] = (NEEDS, CANDIDATES, REFERENTS, MATCHES, ALERTS, FEEDBACK)


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
