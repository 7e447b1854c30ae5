"""The matcher as it runs: events in on the real Kafka, audit in PostgreSQL, MatchFound out."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import FastAPI

from services.matcher.entrypoints.app import create_app
from services.matcher.settings import MatcherSettings
from shared import topics
from shared.contracts import (
    MatchFound,
    NeedClosed,
    NeedPosted,
    ProfileErased,
    ProfileUpserted,
    decode_event,
    encode_event,
)
from shared.identity import Role, issue
from shared.kafka.broker import make_broker, publish_event

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


def assertion(role: Role, scope: str) -> dict[str, str]:
    """What candidate_profile, employer_intake or the CLI would hand the caller."""
    token = issue(MatcherSettings().keyring(), role=role, subject="it", scope=scope)
    return {"Authorization": f"Bearer {token}"}


def auditor() -> dict[str, str]:
    return assertion("auditor", "*")


@pytest.fixture(scope="module")
async def service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FastAPI]:
    settings = MatcherSettings(
        embedder="fake",
        index_path=Path(tmp_path_factory.mktemp("index")),
        consumer_group=f"matcher-it-{uuid.uuid4().hex[:8]}",
        offset_reset="latest",
        threshold=0.3,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await _until_consuming(app, settings)
        yield app


@pytest.fixture(scope="module")
async def producer(service: FastAPI) -> AsyncIterator[Any]:
    broker = make_broker(MatcherSettings().kafka_bootstrap, client_id="matcher-it")
    await broker.connect()
    yield broker
    await broker.stop()


async def _until_consuming(app: FastAPI, settings: MatcherSettings) -> None:
    """With offset_reset=latest, publish harmless probes until both subscribers handle one."""
    broker = make_broker(settings.kafka_bootstrap, client_id="matcher-probe")
    await broker.connect()
    pool = app.state.container.deps.pool
    try:
        for _ in range(60):
            need, cand = uuid.uuid4(), uuid.uuid4()
            await publish_event(
                broker,
                NeedClosed(
                    producer="it",
                    payload={"need_id": need, "version": 1, "federation": "IT", "reason": "filled"},
                ),
            )
            await publish_event(
                broker,
                ProfileErased(
                    producer="it", payload={"candidate_id": cand, "version": 1, "reason": "deleted"}
                ),
            )
            await asyncio.sleep(1)
            seen = await pool.fetchval(
                "select count(*) from matcher.versions where entity_id = any($1::text[])",
                [str(need), str(cand)],
            )
            if seen == 2:
                return
        raise TimeoutError("the matcher never started consuming")
    finally:
        await broker.stop()


@pytest.fixture
async def matches() -> AsyncIterator[AIOKafkaConsumer]:
    """A reader of spie.matches.v1 from its current end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=MatcherSettings().kafka_bootstrap)
    await consumer.start()
    parts = [TopicPartition(topics.MATCHES.name, p) for p in range(topics.MATCHES.partitions)]
    consumer.assign(parts)
    await consumer.seek_to_end(*parts)
    for p in parts:
        await consumer.position(p)
    yield consumer
    await consumer.stop()


async def found_for(
    consumer: AIOKafkaConsumer, need_id: uuid.UUID | set[uuid.UUID], *, wait: float
) -> list[MatchFound]:
    need_ids = need_id if isinstance(need_id, set) else {need_id}
    found: list[MatchFound] = []
    deadline = asyncio.get_running_loop().time() + wait
    while asyncio.get_running_loop().time() < deadline:
        batch = await consumer.getmany(timeout_ms=500)
        for records in batch.values():
            for r in records:
                event = decode_event(r.value)
                if isinstance(event, MatchFound) and event.payload.need_id in need_ids:
                    found.append(event)
    return found


def profile_event(
    cid: uuid.UUID,
    *,
    version: int = 1,
    commune: str = "31555",
    mobility: float = 30,
    structure: str = "CD31",
    shared_with: tuple[str, ...] = (),
) -> ProfileUpserted:
    return ProfileUpserted(
        producer="it",
        payload={
            "candidate_id": cid,
            "version": version,
            "referent_id": uuid.uuid4(),
            "structure": structure,
            "shared_with": list(shared_with),
            "consent": {
                "granted_at": NOW - timedelta(days=5),
                "expires_at": NOW + timedelta(days=300),
            },
            "desired_jobs": ["Maçonne"],
            "experience": "3 ans de gros œuvre, coulage de béton",
            "skills": ["lecture de plans"],
            "commune_insee": commune,
            "mobility_km": mobility,
            "has_driving_licence": True,
        },
    )


def need_event(nid: uuid.UUID, version: int = 1) -> NeedPosted:
    return NeedPosted(
        producer="it",
        payload={
            "need_id": nid,
            "version": version,
            "federation": "BTP31",
            "employer_name": "Bâtir SARL",
            "title": "Maçon / Maçonne",
            "skills": ["lecture de plans", "coulage de béton"],
            "commune_insee": "31395",
            "contract_type": "CDD",
            "hours_per_week": 35,
        },
    )


async def test_a_need_yields_one_explained_match_for_the_compatible_profile_only(
    service: FastAPI, producer: Any, matches: AIOKafkaConsumer
) -> None:
    near, far, nid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, profile_event(near))
    await publish_event(producer, profile_event(far, commune="31483", mobility=20))
    await asyncio.sleep(2)  # the profiles' partitions are consumed independently of the need's
    await publish_event(producer, need_event(nid))
    found = await found_for(matches, nid, wait=8)
    assert [f.payload.candidate_id for f in found] == [near]
    assert found[0].payload.explanation.startswith("Même métier : Maçon / Maçonne (F1703) · 19 km")
    # Replaying the same events emits nothing new.
    await publish_event(producer, profile_event(near))
    await publish_event(producer, need_event(nid))
    assert await found_for(matches, nid, wait=5) == []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(service), base_url="http://m") as c:
        audit = (await c.get("/matches", params={"need_id": str(nid)}, headers=auditor())).json()
    assert len(audit) == 1 and audit[0]["inputs_hash"] and audit[0]["model_version"]


async def test_an_erased_profile_is_not_brought_back_by_an_older_upsert(
    service: FastAPI, producer: Any, matches: AIOKafkaConsumer
) -> None:
    cid, nid = uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, profile_event(cid, version=2))
    await publish_event(
        producer,
        ProfileErased(
            producer="it", payload={"candidate_id": cid, "version": 3, "reason": "withdrawn"}
        ),
    )
    await publish_event(producer, profile_event(cid, version=3))
    await asyncio.sleep(2)
    await publish_event(producer, need_event(nid))
    found = await found_for(matches, nid, wait=6)
    assert cid not in {f.payload.candidate_id for f in found}


async def test_a_poison_message_is_dead_lettered_and_consumption_goes_on(
    service: FastAPI, producer: Any
) -> None:
    marker = uuid.uuid4().hex
    dlq = AIOKafkaConsumer(bootstrap_servers=MatcherSettings().kafka_bootstrap)
    await dlq.start()
    part = TopicPartition(topics.NEEDS.dlq.name, 0)
    dlq.assign([part])
    await dlq.seek_to_end(part)
    await dlq.position(part)
    try:
        await producer.publish(f'{{"poison": "{marker}"'.encode(), topics.NEEDS.name)
        nid = uuid.uuid4()
        await publish_event(producer, need_event(nid))
        reasons = []
        for _ in range(20):
            for records in (await dlq.getmany(timeout_ms=500)).values():
                reasons += [
                    dict(r.headers)["dlq.reason"] for r in records if marker.encode() in r.value
                ]
            if reasons:
                break
        assert reasons and reasons[0].startswith(b"not JSON")
        pool = service.state.container.deps.pool
        for _ in range(20):
            if await pool.fetchval("select 1 from matcher.versions where entity_id = $1", str(nid)):
                break
            await asyncio.sleep(0.5)
        else:
            pytest.fail("the need after the poison message was never handled")
    finally:
        await dlq.stop()


async def test_a_batch_with_a_poison_record_matches_the_others_and_a_replay_emits_nothing_twice(
    service: FastAPI, producer: Any, matches: AIOKafkaConsumer
) -> None:
    cid, first, second = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, profile_event(cid))
    await asyncio.sleep(2)
    # One produce request to one partition: the matcher reads the three records as one batch.
    batch = [encode_event(need_event(first)), b"{poison", encode_event(need_event(second))]
    await producer.publish_batch(*batch, topic=topics.NEEDS.name, partition=0)
    found = [
        f
        for f in await found_for(matches, {first, second}, wait=8)
        if f.payload.candidate_id == cid
    ]
    assert sorted(str(f.payload.need_id) for f in found) == sorted([str(first), str(second)])

    await producer.publish_batch(*batch, topic=topics.NEEDS.name, partition=0)  # replayed
    assert await found_for(matches, {first, second}, wait=5) == []


async def test_the_audit_log_shows_a_referent_only_its_structures_rows_and_a_federation_counts(
    service: FastAPI, producer: Any, matches: AIOKafkaConsumer
) -> None:
    run = uuid.uuid4().hex[:6].upper()
    ours, theirs = f"IT{run}A", f"IT{run}B"
    mine, other, nid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, profile_event(mine, structure=ours))
    await publish_event(producer, profile_event(other, structure=theirs))
    await asyncio.sleep(2)
    await publish_event(producer, need_event(nid))
    assert {mine, other} <= {f.payload.candidate_id for f in await found_for(matches, nid, wait=8)}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(service), base_url="http://m") as c:

        async def candidates(headers: dict[str, str], **query: str) -> set[uuid.UUID]:
            r = await c.get("/matches", params=query, headers=headers)
            assert r.status_code == 200, r.text
            return {uuid.UUID(str(m["candidate_id"])) for m in r.json()}

        # Positive controls: the auditor sees both; each structure sees its own candidate.
        assert {mine, other} <= await candidates(auditor(), need_id=str(nid))
        assert await candidates(assertion("referent", ours), need_id=str(nid)) == {mine}
        assert await candidates(assertion("referent", theirs), need_id=str(nid)) == {other}
        asked = await candidates(assertion("referent", ours), candidate_id=str(other))
        assert asked == set()
        assert (await c.get("/matches", params={"need_id": str(nid)})).status_code == 401
        federation = assertion("federation", "BTP31")
        r = await c.get("/matches", params={"need_id": str(nid)}, headers=federation)
        assert r.status_code == 403

        # A federation: counts by decision for its own need, small ones hidden, no candidate.
        r = await c.get("/matches/summary", params={"need_id": str(nid)}, headers=federation)
        assert r.status_code == 200, r.text
        assert r.json()["decisions"]["awaiting_decision"] == "moins de 5"
        assert str(mine) not in r.text and "explanation" not in r.text
        r = await c.get(
            "/matches/summary", params={"need_id": str(nid)}, headers=assertion("federation", "CCI")
        )
        assert set(r.json()["decisions"].values()) == {0}

        # Shared with our structure, then no longer: its rows follow at once.
        await publish_event(producer, profile_event(other, version=2, structure=theirs,
                                                    shared_with=(ours,)))  # fmt: skip
        await _until(lambda: candidates(assertion("referent", ours), candidate_id=str(other)))
        await publish_event(producer, profile_event(other, version=3, structure=theirs))
        await _until(
            lambda: _empty(candidates(assertion("referent", ours), candidate_id=str(other)))
        )
        assert other in await candidates(assertion("referent", theirs), candidate_id=str(other))


async def _empty(found: Any) -> bool:
    return not await found


async def _until(check: Any, *, within: float = 15) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail("waited in vain")
        await asyncio.sleep(0.5)
