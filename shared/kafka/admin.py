"""Creates the declared topics that are missing, sets the declared configuration on the others,
and reports those whose partition count differs (that one is never changed here)."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from shared.kafka.security import PLAINTEXT, KafkaSecurity
from shared.topics import Topic, all_topics


@dataclass(frozen=True)
class TopicReport:
    name: str
    action: str  # "created" | "exists" | "configured: ..." | "differs: ..."


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
        present = [t for t in declared if t.name in partitions]
        changed = await _configure(admin, present)
        reports = [
            TopicReport(t.name, changed.get(t.name) or _compare(t, partitions[t.name]))
            for t in present
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


async def _configure(admin: AIOKafkaAdminClient, present: list[Topic]) -> dict[str, str]:
    """Set the declared configuration where the broker's differs; what changed, by topic."""
    if not present:
        return {}
    actual = await _topic_configs(admin, [t.name for t in present])
    stale = {
        t.name: {k: v for k, v in t.config.items() if actual.get(t.name, {}).get(k) != v}
        for t in present
    }
    stale = {name: keys for name, keys in stale.items() if keys}
    if stale:
        # AlterConfigs replaces a topic's whole dynamic configuration: the declared one in full.
        declared = {t.name: t.config for t in present}
        await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, n, configs=declared[n]) for n in stale]
        )
    return {n: "configured: " + ", ".join(f"{k}={v}" for k, v in keys.items())
            for n, keys in stale.items()}  # fmt: skip


async def _topic_configs(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    responses = await admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, n) for n in names]
    )
    configs: dict[str, dict[str, str]] = {}
    for response in responses:
        for _code, _msg, _type, name, entries in response.resources:
            configs[name] = {e[0]: e[1] for e in entries}
    return configs


async def topic_configs(bootstrap: str, names: list[str]) -> dict[str, dict[str, str]]:
    """The broker's configuration of each topic (for checks and tests)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        return await _topic_configs(admin, names)
    finally:
        await admin.close()
