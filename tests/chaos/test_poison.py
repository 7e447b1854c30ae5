"""Poison messages of each kind land in the dead-letter topic of the topic they were sent to,
with their reason and original bytes, and the consumer (matcher, notifier) goes on."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts.registry import MAX_EVENT_BYTES
from shared.topics import MATCHES, NEEDS, Topic
from tests.chaos._checks import lag, mails_settled, read_since
from tests.chaos._flow import Actors, need_body
from tests.chaos._stack import url

pytestmark = pytest.mark.chaos


def poisons(template: dict[str, object]) -> dict[str, bytes]:
    """One message of each kind that can never be processed, built from a valid event."""
    return {
        "not JSON": b"\xff{ not json",
        "unknown event_type": json.dumps({**template, "event_type": "NeedTeleported"}).encode(),
        "unknown schema_version": json.dumps({**template, "schema_version": 99}).encode(),
        "too large": json.dumps({**template, "pad": "x" * (MAX_EVENT_BYTES + 10)}).encode(),
        "failing validation": json.dumps({**template, "payload": {"nonsense": 1}}).encode(),
    }


async def template_of(bootstrap: str, topic: Topic) -> dict[str, object]:
    for record in reversed(await read_since(bootstrap, topic.name, 0)):
        try:
            return dict(json.loads(record.value or b""))
        except ValueError:
            continue
    raise AssertionError(f"no valid event on {topic.name} to build poison from")


@pytest.mark.parametrize("topic", [NEEDS, MATCHES], ids=["matcher", "notifier"])
async def test_poison_messages_are_dead_lettered_with_their_reason_and_consuming_goes_on(
    topic: Topic, bootstrap: str, http: httpx.AsyncClient, actors: Actors
) -> None:
    since_ms = int(time.time() * 1000) - 1000
    run = uuid.uuid4().hex
    sent = {
        f"{kind}|{run}".encode(): raw
        for kind, raw in poisons(await template_of(bootstrap, topic)).items()
    }
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=2 * 1024 * 1024)
    await producer.start()
    try:
        for key, raw in sent.items():
            await producer.send_and_wait(topic.name, raw, key=key)
    finally:
        await producer.stop()

    # The consumer goes on: a need posted after the poison still reaches the référent.
    before = time.monotonic()
    r = await http.post(
        f"{url('employer_intake')}/needs",
        headers={"X-API-Key": actors.api_key},
        json=need_body(actors.run, 900_000 + int(run[:4], 16)),
    )
    assert r.status_code == 201, r.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if await lag(bootstrap) == 0:
            break
        await asyncio.sleep(1)
    await mails_settled(actors.email, quiet=2)

    letters = {
        r.key: r for r in await read_since(bootstrap, topic.dlq.name, since_ms) if r.key in sent
    }
    print(f"\n[chaos] poison on {topic.name}: dead-lettered in {time.monotonic() - before:.1f} s")
    assert set(letters) == set(sent), f"missing: {set(sent) - set(letters)}"
    for key, record in letters.items():
        headers = {k: v.decode(errors="replace") for k, v in record.headers}
        print(f"  {key.decode().split('|')[0]:<24} -> {headers['dlq.reason'][:90]}")
        assert record.value == sent[key]
        assert headers["dlq.original_topic"] == topic.name
    assert await lag(bootstrap) == 0
