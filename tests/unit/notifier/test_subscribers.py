"""The subscribers' edge, in memory: what cannot be understood goes to the .dlq topic."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
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


async def test_sharings_are_kept_in_runs_and_an_erasure_in_its_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from services.notifier import handlers
    from services.notifier.entrypoints import subscribers

    calls: list[tuple[str, Any]] = []

    async def shared(run: list[handlers.Sharing], **_: Any) -> int:
        calls.append(("shared", [(s.candidate_id, s.version) for s in run]))
        return len(run)

    async def erased(candidate_id: Any, version: Any, **_: Any) -> int:
        calls.append(("erased", (candidate_id, version)))
        return 0

    monkeypatch.setattr(handlers, "handle_profiles_shared", shared)
    monkeypatch.setattr(handlers, "handle_profile_erased", erased)
    a, b, c = uuid4(), uuid4(), uuid4()
    events: list[Any] = [
        handlers.Sharing(a, 1, "CD31", []),
        handlers.Sharing(b, 3, "CD31", ["MLT"]),
        subscribers.Erasure(a, None),
        handlers.Sharing(a, 2, "CD31", []),
        handlers.Sharing(c, 1, "CD31", []),
    ]
    notifier: Any = type("N", (), {"pool": None, "hash_key": b"k"})()
    await subscribers.handle_candidates(events, notifier)
    assert calls == [
        ("shared", [(a, 1), (b, 3)]),
        ("erased", (a, None)),  # after the sharings before it, before those after it
        ("shared", [(a, 2), (c, 1)]),
    ]
