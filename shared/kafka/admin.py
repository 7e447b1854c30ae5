"""Creates the declared topics that are missing, and reports those that differ."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from shared.kafka.security import PLAINTEXT, KafkaSecurity
from shared.topics import Topic, all_topics


@dataclass(frozen=True)
class TopicReport:
    name: str
    action: str  # "created" | "exists" | "differs: ..."


async def ensure_topics(
    bootstrap: str,
    declared: list[Topic] | None = None,
    *,
    security: KafkaSecurity = PLAINTEXT,
) -> list[TopicReport]:
    declared = declared if declared is not None else all_topics()
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=15000, **security.client_options()
    )
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(Exception),
        stop=stop_after_delay(30),
        wait=wait_exponential(max=2),
        reraise=True,
    ):
        with attempt:
            await admin.start()
    try:
        existing = await admin.describe_topics([t.name for t in declared])
        partitions = {
            d["topic"]: len(d["partitions"]) for d in existing if d.get("error_code", 0) == 0
        }
        missing = [t for t in declared if t.name not in partitions]
        reports = [
            TopicReport(t.name, _compare(t, partitions[t.name]))
            for t in declared
            if t.name in partitions
        ]
        if missing:
            new = [
                NewTopic(t.name, t.partitions, replication_factor=1, topic_configs=t.config)
                for t in missing
            ]
            try:
                await admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass  # another replica created it between describe and create
            reports += [TopicReport(t.name, "created") for t in missing]
        return reports
    finally:
        await admin.close()


def _compare(topic: Topic, actual_partitions: int) -> str:
    if actual_partitions != topic.partitions:
        return f"differs: {actual_partitions} partitions, declared {topic.partitions}"
    return "exists"
