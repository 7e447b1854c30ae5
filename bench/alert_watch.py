"""Need → alert latency, collected while the load runs: one consumer on the matches and alerts
topics, positioned at their ends BEFORE the load starts, so no topic is ever read from the start.

AlertSent names a match, not a need: the MatchFound records seen on the way give match → need.
A record's timestamp (its producer's CreateTime, on this same host) marks when it was written."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.contracts import AlertSent, MatchFound, UnknownEventError, decode_event
from shared.dlq.store import partitions_of
from shared.topics import ALERTS, MATCHES


@dataclass
class AlertWatch:
    bootstrap: str
    need_of: dict[str, str] = field(default_factory=dict)  # match_id -> need_id
    first_match: dict[str, float] = field(default_factory=dict)  # need_id -> epoch s
    alerts: list[tuple[str, float]] = field(default_factory=list)  # (match_id, epoch s), sent
    alert_status: dict[str, int] = field(default_factory=dict)  # "sent" / "failed" -> count
    records: int = 0
    _consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        """Assigns every partition of both topics at its current end (before the load)."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await consumer.start()
        tps = [
            TopicPartition(topic, p)
            for topic in (MATCHES.name, ALERTS.name)
            for p in await partitions_of(self.bootstrap, topic)
        ]
        consumer.assign(tps)
        await consumer.seek_to_end(*tps)
        for tp in tps:  # resolve the end offsets now, not lazily at the first fetch
            await consumer.position(tp)
        self._consumer = consumer

    async def run(self, stop: asyncio.Event) -> None:
        """Reads until `stop` is set; then closes the consumer."""
        assert self._consumer is not None, "start() first"
        try:
            while not stop.is_set():
                batch = await self._consumer.getmany(timeout_ms=500, max_records=2000)
                for records in batch.values():
                    for r in records:
                        self._take(r.value or b"", r.timestamp / 1000)
        finally:
            await self._consumer.stop()

    def _take(self, value: bytes, at: float) -> None:
        self.records += 1
        try:
            event = decode_event(value)
        except UnknownEventError:
            return
        if isinstance(event, MatchFound):
            need = str(event.payload.need_id)
            self.need_of[str(event.payload.match_id)] = need
            self.first_match[need] = min(self.first_match.get(need, at), at)
        elif isinstance(event, AlertSent):
            status = event.payload.status
            self.alert_status[status] = self.alert_status.get(status, 0) + 1
            if status == "sent":
                self.alerts.append((str(event.payload.match_id), at))

    def first_alert(self) -> dict[str, float]:
        """need_id -> when its first alert was written (alerts of unseen matches are ignored)."""
        first: dict[str, float] = {}
        for match_id, at in self.alerts:
            need = self.need_of.get(match_id)
            if need is not None:
                first[need] = min(first.get(need, at), at)
        return first

    def alerted(self, needs: dict[str, float]) -> int:
        return len(needs.keys() & self.first_alert().keys())


async def wait_alerted(
    watch: AlertWatch, posted: dict[str, float], *, grace: float, quiet: float = 15.0
) -> float:
    """After the load: until every accepted need has an alert, or no match nor alert was written
    for `quiet` s, or `grace` s passed. Returns the seconds waited."""
    start = last_change = time.monotonic()
    seen = -1
    while time.monotonic() - start < grace:
        if watch.alerted(posted) == len(posted):
            break
        if watch.records != seen:
            seen, last_change = watch.records, time.monotonic()
        elif time.monotonic() - last_change >= quiet:
            break
        await asyncio.sleep(1)
    return time.monotonic() - start
