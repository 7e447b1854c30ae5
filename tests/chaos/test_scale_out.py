"""Two matcher processes in one consumer group share the 6 partitions of the needs topic; when
one is killed, the other takes its partitions over and no need is lost."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

from shared.settings import load_base_settings
from shared.topics import NEEDS
from tests.chaos._checks import drained, verdict
from tests.chaos._flow import Actors, run_flow
from tests.chaos._stack import STACK_DIR, ExtraMatcher, base_port

pytestmark = pytest.mark.chaos


async def needs_partitions_per_member(bootstrap: str, group: str = "matcher") -> list[int]:
    """How many needs partitions each member of the group holds (members holding some)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
        counts = []
        for described in response.groups:
            for member in described[5]:  # (member_id, ..., metadata, assignment)
                raw = member[-1]
                if not raw:
                    continue
                assignment = ConsumerProtocolMemberAssignment.decode(raw)
                held = sum(len(p) for t, p in assignment.assignment if t == NEEDS.name)
                if held:
                    counts.append(held)
        return sorted(counts)
    finally:
        await admin.close()


async def until(check: object, within: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < within:
        if await check():  # type: ignore[operator]
            return time.monotonic() - start
        await asyncio.sleep(0.5)
    raise AssertionError(f"not within {within} s")


async def test_two_matchers_share_the_needs_and_one_takes_over_when_the_other_dies(
    bootstrap: str, http: httpx.AsyncClient, actors: Actors
) -> None:
    second = ExtraMatcher(base_port() + 13, STACK_DIR / "matcher" / "index-replica")
    try:
        booted = await asyncio.to_thread(second.start)

        async def shared() -> bool:
            counts = await needs_partitions_per_member(bootstrap)
            return len(counts) == 2 and sum(counts) == NEEDS.partitions

        await until(shared, 60)
        print(f"\n[chaos] scale-out: 2nd matcher up in {booted:.1f} s; needs partitions split "
              f"{await needs_partitions_per_member(bootstrap)}")  # fmt: skip

        since_ms = int(time.time() * 1000) - 1000
        flow = asyncio.create_task(run_flow(http, actors, seconds=8))
        await asyncio.sleep(3)
        second.kill()

        async def alone() -> bool:
            return await needs_partitions_per_member(bootstrap) == [NEEDS.partitions]

        takeover = await until(alone, 60)
        outcome = await flow
        caught_up = await drained(bootstrap, outcome, since_ms)
        v = await verdict(bootstrap, outcome, since_ms, actors.email)
        conn = await asyncpg.connect(load_base_settings().dsn)
        try:
            seen = {
                r["entity_id"]
                for r in await conn.fetch(
                    "select entity_id from matcher.versions where kind = 'need'"
                    " and entity_id = any($1::text[])",
                    list(outcome.needs),
                )
            }
        finally:
            await conn.close()
        print(f"[chaos] scale-out: SIGKILL of one matcher, the other held all {NEEDS.partitions}"
              f" partitions {takeover:.1f} s later, backlog drained {caught_up:.1f} s after that;"
              f" {len(outcome.needs)} needs, {v.matches} matches")  # fmt: skip
        assert seen == set(outcome.needs), f"{len(set(outcome.needs) - seen)} needs never matched"
        assert not v.lost_needs and not v.lost_versions
        assert v.duplicate_matches == 0 and v.duplicate_emails == 0
    finally:
        second.stop()
