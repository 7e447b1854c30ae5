"""The matcher as it runs: events in on the real Kafka, audit in PostgreSQL, MatchFound out."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import FastAPI

from services.matcher import handlers
from services.matcher.entrypoints.app import create_app
from services.matcher.settings import MatcherSettings
from shared import topics
from shared.contracts import (
    MatchFound,
    NeedClosed,
    NeedPosted,
    NeedTradesRead,
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


@asynccontextmanager
async def running_matcher(index_dir: Path, group: str) -> AsyncIterator[FastAPI]:
    """The matcher app (fake encoder, its own consumer group), once it consumes."""
    settings = MatcherSettings(
        embedder="fake",
        index_path=index_dir,
        consumer_group=f"{group}-{uuid.uuid4().hex[:8]}",
        offset_reset="latest",
        threshold=0.3,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await _until_consuming(app, settings)
        yield app


@asynccontextmanager
async def reading_matches() -> AsyncIterator[AIOKafkaConsumer]:
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


@pytest.fixture(scope="module")
async def service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FastAPI]:
    async with running_matcher(Path(tmp_path_factory.mktemp("index")), "matcher-it") as app:
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
    deps = app.state.container.deps
    pool = deps.pool
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
            # An erased profile is remembered by its keyed hash only (its id leaves the schema).
            seen = await pool.fetchval(
                "select (select count(*) from matcher.versions where entity_id = $1)"
                " + (select count(*) from matcher.erased_profiles where candidate_hash = $2)",
                str(need),
                deps.candidate_hashes(str(cand))[0],
            )
            if seen == 2:
                return
        raise TimeoutError("the matcher never started consuming")
    finally:
        await broker.stop()


@pytest.fixture
async def matches() -> AsyncIterator[AIOKafkaConsumer]:
    async with reading_matches() as consumer:
        yield consumer


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
    # Replaying the same events emits nothing new, while a new need (the positive control,
    # read in the same window) is matched.
    await publish_event(producer, profile_event(near))
    await publish_event(producer, need_event(nid))
    control = uuid.uuid4()
    await publish_event(producer, need_event(control))
    again = await found_for(matches, {nid, control}, wait=8)
    assert [(f.payload.need_id, f.payload.candidate_id) for f in again] == [(control, near)]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(service), base_url="http://m") as c:
        audit = (await c.get("/matches", params={"need_id": str(nid)}, headers=auditor())).json()
    assert len(audit) == 1 and audit[0]["inputs_hash"] and audit[0]["model_version"]


async def test_an_erased_profile_is_not_brought_back_by_an_older_upsert(
    service: FastAPI, producer: Any, matches: AIOKafkaConsumer
) -> None:
    cid, nid, control = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, profile_event(control))  # never erased: it is matched
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
    found = {f.payload.candidate_id for f in await found_for(matches, nid, wait=6)}
    assert control in found and cid not in found


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
    control = uuid.uuid4()  # read in the same window: a new need is matched
    await producer.publish_batch(
        encode_event(need_event(control)), topic=topics.NEEDS.name, partition=0
    )
    again = [
        f.payload.need_id
        for f in await found_for(matches, {first, second, control}, wait=8)
        if f.payload.candidate_id == cid
    ]
    assert again == [control]


async def _until(pool: Any, query: str, *args: Any, wait: float = 10) -> None:
    for _ in range(int(wait / 0.25)):
        if await pool.fetchval(query, *args):
            return
        await asyncio.sleep(0.25)
    pytest.fail(f"never true: {query}")


async def _traces(pool: Any, cid: uuid.UUID) -> dict[str, int]:
    """Rows of each matcher table whose text (or outbox key/value bytes) holds the id."""
    found = {}
    for table in ("versions", "matches", "erased_profiles", "index_models"):
        found[table] = await pool.fetchval(
            f"select count(*) from matcher.{table} t where t::text like $1",
            f"%{cid}%",
        )
    found["outbox"] = await pool.fetchval(
        "select count(*) from matcher.outbox where position($1::bytea in key) > 0"
        " or position($1::bytea in coalesce(value, ''::bytea)) > 0",
        str(cid).encode(),
    )
    return found


async def test_an_erasure_leaves_the_match_log_without_the_person_and_a_tombstone_alone_erases(
    service: FastAPI, producer: Any, matches: AIOKafkaConsumer
) -> None:
    deps = service.state.container.deps
    pool = deps.pool
    cid, nid = uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, profile_event(cid))
    await asyncio.sleep(2)
    await publish_event(producer, need_event(nid))
    assert cid in {f.payload.candidate_id for f in await found_for(matches, nid, wait=8)}
    before = await _traces(pool, cid)
    assert before["matches"] and before["versions"] and before["outbox"]  # the scan sees it

    await publish_event(
        producer,
        ProfileErased(
            producer="it", payload={"candidate_id": cid, "version": 1, "reason": "withdrawn"}
        ),
    )
    digest = deps.candidate_hashes(str(cid))[0]
    await _until(pool, "select 1 from matcher.matches where candidate_hash = $1", digest)
    assert await _traces(pool, cid) == dict.fromkeys(before, 0)
    row = await pool.fetchrow("select * from matcher.matches where candidate_hash = $1", digest)
    assert row["explanation"] is None and row["inputs_hash"] is None
    assert "distance_km" not in row["score_parts"] and row["model_version"]
    assert (row["score"], row["referential_version"]) != (None, None)

    # The bare tombstone (as a consumer meets it once compaction took the ProfileErased away),
    # for this erased candidate (a no-op) and for a matched one whose ProfileErased is gone.
    other, nid2 = uuid.uuid4(), uuid.uuid4()
    await publish_event(producer, profile_event(other))
    await asyncio.sleep(2)
    await publish_event(producer, need_event(nid2))
    assert other in {f.payload.candidate_id for f in await found_for(matches, nid2, wait=8)}
    for gone in (cid, other):
        await producer.publish(b"", topics.CANDIDATES.name, key=str(gone).encode())
    other_digest = deps.candidate_hashes(str(other))[0]
    await _until(pool, "select 1 from matcher.matches where candidate_hash = $1", other_digest)
    assert await _traces(pool, other) == dict.fromkeys(before, 0)
    kept = "select count(*) from matcher.matches where candidate_hash = $1"
    assert await pool.fetchval(kept, digest) == before["matches"]  # the replay changed nothing

    # Neither comes back with a replayed upsert; a new candidate still matches (the control).
    fresh, nid3 = uuid.uuid4(), uuid.uuid4()
    for again in (cid, other, fresh):
        await publish_event(producer, profile_event(again))
    await asyncio.sleep(2)
    await publish_event(producer, need_event(nid3))
    proposed = {f.payload.candidate_id for f in await found_for(matches, nid3, wait=8)}
    assert fresh in proposed and not {cid, other} & proposed


async def test_a_profile_erased_before_the_log_was_anonymised_is_anonymised_at_start(
    service: FastAPI,
) -> None:
    deps = service.state.container.deps
    pool = deps.pool
    old, alive = str(uuid.uuid4()), str(uuid.uuid4())
    await pool.execute(
        "insert into matcher.versions (kind, entity_id, version, erased_version)"
        " values ('profile', $1, 2, 2), ('profile', $2, 1, null)",
        old,
        alive,
    )
    for cid in (old, alive):
        await pool.execute(
            "insert into matcher.matches (match_id, need_id, candidate_id, need_version,"
            " profile_version, direction, rank, score, threshold, score_parts, explanation,"
            " model_version, referential_version, inputs_hash) values ($1, $2, $3, 1, 1,"
            " 'need_to_profiles', 1, 0.9, 0.5, '{\"distance_km\": 3}', 'à 3 km', 'm', 'r', 'h')",
            uuid.uuid4(),
            uuid.uuid4(),
            uuid.UUID(cid),
        )
    await handlers.erase_left_over(deps)
    assert await _traces(pool, uuid.UUID(old)) == dict.fromkeys(
        await _traces(pool, uuid.UUID(old)), 0
    )
    assert (await _traces(pool, uuid.UUID(alive)))["matches"] == 1  # the others stay as they are
    digest = deps.candidate_hashes(old)[0]
    assert (
        await pool.fetchval(
            "select version from matcher.erased_profiles where candidate_hash = $1", digest
        )
        == 2
    )


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
        # The stack's other profiles may fit this need too: compare with what the auditor sees.
        rows = await c.get("/matches", params={"need_id": str(nid)}, headers=auditor())
        awaiting = sum(1 for m in rows.json() if not (m.get("feedback") or {}).get("decision"))
        assert awaiting >= 2  # ours and theirs, not decided yet
        shown = r.json()["decisions"]["awaiting_decision"]
        assert shown == ("moins de 5" if awaiting < 5 else awaiting), (shown, awaiting)
        assert str(mine) not in r.text and "explanation" not in r.text
        r = await c.get(
            "/matches/summary", params={"need_id": str(nid)}, headers=assertion("federation", "CCI")
        )
        assert set(r.json()["decisions"].values()) == {0}

        # Shared with our structure, then no longer: its rows follow at once.
        await publish_event(producer, profile_event(other, version=2, structure=theirs,
                                                    shared_with=(ours,)))  # fmt: skip
        await _eventually(lambda: candidates(assertion("referent", ours), candidate_id=str(other)))
        await publish_event(producer, profile_event(other, version=3, structure=theirs))
        await _eventually(
            lambda: _empty(candidates(assertion("referent", ours), candidate_id=str(other)))
        )
        assert other in await candidates(assertion("referent", theirs), candidate_id=str(other))


async def _empty(found: Any) -> bool:
    return not await found


async def _eventually(check: Any, *, within: float = 15) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail("waited in vain")
        await asyncio.sleep(0.5)


async def test_each_need_version_indexed_publishes_its_trades_for_the_intake(
    service: FastAPI, producer: Any
) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=MatcherSettings().kafka_bootstrap)
    await consumer.start()
    topic = topics.NEED_TRADES
    parts = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
    consumer.assign(parts)
    await consumer.seek_to_end(*parts)
    for p in parts:
        await consumer.position(p)
    nid = uuid.uuid4()
    try:
        await publish_event(producer, need_event(nid))
        await publish_event(producer, need_event(nid, version=2))
        await publish_event(producer, need_event(nid))  # a replay of version 1: nothing more
        read: list[NeedTradesRead] = []
        deadline = asyncio.get_running_loop().time() + 10
        while asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                read += [
                    e
                    for r in records
                    if isinstance(e := decode_event(r.value), NeedTradesRead)
                    and e.payload.need_id == nid
                    and r.key == str(nid).encode()
                ]
    finally:
        await consumer.stop()
    assert [r.payload.need_version for r in read] == [1, 2]
    pipeline = service.state.container.deps.pipeline
    assert read[0].payload.model_version == pipeline.model_version
    assert read[0].payload.trades, "the fixture need reads as some trade"
