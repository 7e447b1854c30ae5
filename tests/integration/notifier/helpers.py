"""What the notifier's integration tests share: events to publish, an SMTP inbox, a topic watcher,
a failing webhook receiver."""

from __future__ import annotations

import asyncio
import email
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage, Message
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from faststream.kafka import KafkaBroker

from shared.contracts import ProfileUpserted, ReferentUpserted
from shared.kafka.broker import publish_event
from tests.events import match_event

__all__ = ["match_event"]


def referent_event(
    referent_id: uuid.UUID, structure: str, name: str, **prefs: Any
) -> ReferentUpserted:
    preferences = {"quiet_start": None, "quiet_end": None, **prefs}
    return ReferentUpserted(
        producer="test",
        payload={
            "referent_id": referent_id,
            "structure": structure,
            "name": name,
            "email": f"{referent_id.hex[:12]}@example.org",
            "preferences": preferences,
        },
    )


class SmtpInbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.content, policy=policy.default),
            )
        )
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for rcpt, m in self.messages if address in rcpt]


def body_of(message: Message) -> str:
    assert isinstance(message, EmailMessage)
    return str(message.get_content())


async def eventually(check: Callable[[], Awaitable[Any]], *, within: float = 30) -> Any:
    """Poll until `check` returns something truthy."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.2)


@dataclass
class TopicWatcher:
    """Reads a topic from its end at start, keeping every record seen."""

    bootstrap: str
    topic: str
    partitions: int
    records: list[ConsumerRecord] = field(default_factory=list)
    consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self.consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await self.consumer.start()
        tps = [TopicPartition(self.topic, p) for p in range(self.partitions)]
        self.consumer.assign(tps)
        await self.consumer.seek_to_end(*tps)
        for tp in tps:
            await self.consumer.position(tp)

    async def find(
        self, predicate: Callable[[ConsumerRecord], bool], *, within: float = 60, count: int = 1
    ) -> list[ConsumerRecord]:
        assert self.consumer is not None
        deadline = asyncio.get_running_loop().time() + within
        while True:
            found = [r for r in self.records if predicate(r)]
            if len(found) >= count:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"{count} record(s) not seen on {self.topic}, got {len(found)}"
                )
            batch = await self.consumer.getmany(timeout_ms=300)
            self.records += [r for recs in batch.values() for r in recs]

    async def stop(self) -> None:
        if self.consumer is not None:
            await self.consumer.stop()


class FailingWebhook:
    """An HTTP endpoint on loopback that answers 500 to every POST and counts them."""

    def __init__(self) -> None:
        self.hits = 0
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        await reader.readexactly(length)
        self.hits += 1
        writer.write(
            b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        )
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


def profile_shared(
    candidate_id: uuid.UUID,
    referent_id: uuid.UUID,
    structure: str,
    shared_with: list[str],
    *,
    version: int,
) -> ProfileUpserted:
    """A ProfileUpserted as the candidate profile service publishes it after a (un)share."""
    now = datetime.now(UTC)
    return ProfileUpserted(
        producer="test",
        payload={
            "candidate_id": candidate_id,
            "version": version,
            "referent_id": referent_id,
            "structure": structure,
            "shared_with": shared_with,
            "consent": {"granted_at": now, "expires_at": now + timedelta(days=365)},
            "desired_jobs": ["Maçonne"],
            "commune_insee": "31555",
            "mobility_km": 20,
        },
    )


async def known_referent(
    broker: KafkaBroker, db: asyncpg.Connection, structure: str, **prefs: Any
) -> uuid.UUID:
    """A référent published on Kafka, once the notifier has stored it."""
    referent_id = uuid.uuid4()
    await publish_event(broker, referent_event(referent_id, structure, "Claire Dupuy", **prefs))
    await eventually(
        lambda: db.fetchval("select 1 from notifier.referents where referent_id = $1", referent_id)
    )
    return referent_id
