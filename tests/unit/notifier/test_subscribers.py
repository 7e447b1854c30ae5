"""The subscribers' edge, in memory: what cannot be understood goes to the .dlq topic."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.notifier.entrypoints.subscribers import register
from shared.contracts import ReferentUpserted, encode_event
from shared.topics import CANDIDATES, FEDERATION_USERS, MATCHES


def broker_with_dlq_spy() -> tuple[KafkaBroker, list[tuple[str, Any]]]:
    broker = KafkaBroker("127.0.0.1:1")

    def no_notifier() -> Any:
        raise AssertionError("a bad message must not reach the handlers")

    register(broker, no_notifier)
    seen: list[tuple[str, Any]] = []

    async def spy(message: KafkaMessage) -> None:
        seen.append((message.raw_message.topic, message.headers))

    for topic in (MATCHES.dlq.name, CANDIDATES.dlq.name, FEDERATION_USERS.dlq.name):
        broker.subscriber(topic)(spy)

    return broker, seen


async def test_a_message_that_is_not_json_goes_to_the_dead_letter_topic_with_the_reason() -> None:
    broker, seen = broker_with_dlq_spy()
    async with TestKafkaBroker(broker) as br:
        await br.publish(b"{oops", MATCHES.name, key=b"k")
    [(topic, headers)] = seen
    assert topic == MATCHES.dlq.name
    assert headers["dlq.reason"].startswith("not JSON")
    assert headers["dlq.original_topic"] == MATCHES.name


async def test_an_event_on_the_wrong_topic_is_dead_lettered_not_retried() -> None:
    broker, seen = broker_with_dlq_spy()
    wrong = b'{"event_type": "NeedClosed", "producer": "x", "payload": {}}'
    async with TestKafkaBroker(broker) as br:
        await br.publish(wrong, CANDIDATES.name, key=b"k")
    [(topic, headers)] = seen
    assert topic == CANDIDATES.dlq.name and "invalid NeedClosed" in headers["dlq.reason"]


async def test_a_referent_on_the_federation_users_topic_is_dead_lettered() -> None:
    broker, seen = broker_with_dlq_spy()
    referent = ReferentUpserted(
        producer="test",
        payload={"referent_id": uuid4(), "structure": "CD31", "name": "Claire", "email": "c@x.fr"},
    )
    async with TestKafkaBroker(broker) as br:
        await br.publish(encode_event(referent), FEDERATION_USERS.name, key=b"k")
    [(topic, headers)] = seen
    assert topic == FEDERATION_USERS.dlq.name
    assert headers["dlq.reason"] == f"unexpected ReferentUpserted on {FEDERATION_USERS.name}"
