"""MatchFound taken in batches (one transaction each) keep the guarantees of one at a time:
a replayed batch alerts nobody twice, an erased candidate stays erased, and a poison record
goes to its dead-letter topic while the batch's other records are stored."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker

from services.notifier.bootstrap import prepare_database
from services.notifier.entrypoints.subscribers import MATCH_POLICY
from services.notifier.handlers import (
    handle_matches_found,
    handle_profile_erased,
    handle_referent_upserted,
)
from shared.contracts import encode_event
from shared.db.pool import create_pool
from shared.kafka.batch import BatchPolicy, consume_batch
from shared.topics import MATCHES

from .helpers import match_event, referent_event

pytestmark = pytest.mark.integration
KEY = b"test-key"


def clock() -> datetime:
    return datetime(2026, 11, 27, 10, tzinfo=UTC)


@pytest_asyncio.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(dsn)
    await prepare_database(p)
    yield p
    await p.close()


async def _inbox_events(pool: asyncpg.Pool, match_ids: list[uuid.UUID]) -> int:
    """AlertSent rows in the outbox for these matches (the inbox channel, at once)."""
    ids = [str(m) for m in match_ids]
    count: int = await pool.fetchval(
        "select count(*) from notifier.outbox where topic = 'spie.alerts.v1'"
        " and convert_from(value, 'UTF8')::jsonb -> 'payload' ->> 'match_id' = any($1::text[])",
        ids,
    )
    return count


async def test_a_replayed_batch_alerts_each_pair_once_and_emits_nothing_twice(
    pool: asyncpg.Pool, unique: str
) -> None:
    referent_id = uuid.uuid4()
    structure = f"CD31-{unique}"
    await handle_referent_upserted(
        referent_event(referent_id, structure, "Claire"), pool=pool, clock=clock
    )
    batch = [match_event(referent_id, structure) for _ in range(20)]
    # The same pair met again later in the batch (another profile version): one alert only.
    again = match_event(
        referent_id,
        structure,
        need_id=batch[0].payload.need_id,
        candidate_id=batch[0].payload.candidate_id,
    )
    first = await handle_matches_found([*batch, again], pool=pool, hash_key=KEY, clock=clock)
    replay = await handle_matches_found([*batch, again], pool=pool, hash_key=KEY, clock=clock)

    assert [a.match_id for a in first] == [e.payload.match_id for e in batch]
    assert replay == []
    match_ids = [e.payload.match_id for e in [*batch, again]]
    assert await _inbox_events(pool, match_ids) == 20
    deliveries = await pool.fetchval(
        "select count(*) from notifier.deliveries where referent_id = $1", referent_id
    )
    assert deliveries == 20  # one e-mail each, planned in the same transaction


async def test_an_alert_of_a_referent_not_known_yet_waits_and_is_planned_when_they_arrive(
    pool: asyncpg.Pool, unique: str
) -> None:
    known, later = uuid.uuid4(), uuid.uuid4()
    structure = f"CD31-{unique}"
    claire = referent_event(known, structure, "Claire")
    await handle_referent_upserted(claire, pool=pool, clock=clock)
    batch = [match_event(known, structure), match_event(later, structure)]
    await handle_matches_found(batch, pool=pool, hash_key=KEY, clock=clock)

    async def planned_and_deliveries(referent_id: uuid.UUID) -> tuple[bool, int]:
        row = await pool.fetchrow(
            "select bool_and(a.planned) as planned, count(d.delivery_id) as deliveries"
            " from notifier.alerts a left join notifier.deliveries d using (alert_id)"
            " where a.referent_id = $1",
            referent_id,
        )
        return row["planned"], row["deliveries"]

    assert await planned_and_deliveries(known) == (True, 1)  # stored planned, e-mail queued
    assert await planned_and_deliveries(later) == (False, 0)
    arrived = referent_event(later, structure, "Jules")
    assert await handle_referent_upserted(arrived, pool=pool, clock=clock) == 1
    assert await planned_and_deliveries(later) == (True, 1)


async def test_a_batch_brings_back_no_alert_of_an_erased_candidate(
    pool: asyncpg.Pool, unique: str
) -> None:
    referent_id = uuid.uuid4()
    structure = f"CD31-{unique}"
    erased, kept = match_event(referent_id, structure), match_event(referent_id, structure)
    await handle_profile_erased(erased.payload.candidate_id, 1, pool=pool, hash_key=KEY)

    stored = await handle_matches_found([erased, kept], pool=pool, hash_key=KEY, clock=clock)

    assert [a.match_id for a in stored] == [kept.payload.match_id]


def _record(value: bytes, offset: int) -> ConsumerRecord[Any, Any]:
    return ConsumerRecord(
        topic=MATCHES.name,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=value,
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(value),
        headers=[],
    )


async def test_a_poison_record_goes_to_the_dead_letters_and_the_rest_of_its_batch_is_stored(
    pool: asyncpg.Pool, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    referent_id = uuid.uuid4()
    structure = f"CD31-{unique}"
    good = [match_event(referent_id, structure) for _ in range(3)]
    # Valid JSON the contracts accept, that PostgreSQL refuses (a NUL byte in a text column).
    refused = match_event(referent_id, structure, explanation="nul \x00 octet")
    records = [
        _record(encode_event(good[0]), 10),
        _record(b"{oops", 11),
        _record(encode_event(refused), 12),
        _record(encode_event(good[1]), 13),
        _record(encode_event(good[2]), 14),
    ]
    dead: list[tuple[int, str]] = []

    async def to_dlq(_producer: object, record: Any, *, reason: str, service: str) -> None:
        dead.append((record.offset, reason))

    monkeypatch.setattr("shared.kafka.batch.send_to_dead_letter", to_dlq)

    async def handle(events: list[Any]) -> None:
        await handle_matches_found(events, pool=pool, hash_key=KEY, clock=clock)

    policy: BatchPolicy[Any] = MATCH_POLICY
    await consume_batch(KafkaBroker("127.0.0.1:1"), records, handle, policy)

    assert [offset for offset, _ in dead] == [11, 12]
    assert dead[0][1].startswith("not JSON")
    assert dead[1][1].startswith("refused by the database")
    stored = await pool.fetch(
        "select match_id from notifier.alerts where referent_id = $1", referent_id
    )
    assert {r["match_id"] for r in stored} == {e.payload.match_id for e in good}
