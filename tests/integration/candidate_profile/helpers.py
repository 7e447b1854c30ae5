"""Helpers of the candidate profile integration tests: request bodies, the candidates topic."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared import topics


def profile_body(first_name: str, **changes: Any) -> dict[str, Any]:
    return {
        "first_name": first_name,
        "contact_email": f"{first_name.lower()}@example.org",
        "notes": f"notes privées de {first_name}",
        "desired_jobs": ["Maçonne"],
        "experience": "3 ans de gros œuvre",
        "commune_insee": "31555",
        "mobility_km": 25,
        **changes,
    }


class CandidatesTopic:
    """Reads spie.candidates.v1 from where it ended when the watch began."""

    def __init__(self, bootstrap: str) -> None:
        self.consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self.records: list[tuple[bytes, bytes | None]] = []

    async def start(self, from_offsets: dict[int, int] | None = None) -> None:
        await self.consumer.start()
        parts = [TopicPartition(topics.CANDIDATES.name, p) for p in range(6)]
        self.consumer.assign(parts)
        if from_offsets is not None:
            for part in parts:
                self.consumer.seek(part, from_offsets[part.partition])
            return
        await self.consumer.seek_to_end(*parts)
        for part in parts:  # resolve the end offsets now, before anything is published
            await self.consumer.position(part)

    async def drain(self, seconds: float) -> None:
        """Read whatever else arrives for `seconds` (duplicates would show up here)."""
        end = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < end:
            batch = await self.consumer.getmany(timeout_ms=300)
            self.records += [(r.key, r.value) for rs in batch.values() for r in rs]

    async def positions(self) -> dict[int, int]:
        return {p.partition: await self.consumer.position(p) for p in self.consumer.assignment()}

    async def of(
        self, key: str, *, until: Callable[[list[bytes | None]], bool], within: float = 30
    ) -> list[bytes | None]:
        """The values under `key` once `until` holds for them (or fail after `within` seconds)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            values = [v for k, v in self.records if k == key.encode()]
            if until(values):
                return values
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, f"timed out with {len(values)} records under {key}"
            batch = await self.consumer.getmany(timeout_ms=500)
            self.records += [(r.key, r.value) for rs in batch.values() for r in rs]


async def personal_data_left(conn: asyncpg.Connection, needles: list[str]) -> list[str]:
    """Every `table: needle` where a row of schema `profiles` still holds one of the needles."""
    tables = await conn.fetch(
        "select table_name from information_schema.tables where table_schema = 'profiles'"
    )
    found = []
    for t in tables:
        rows = await conn.fetch(f'select * from profiles."{t["table_name"]}"')
        for row in rows:
            text = " ".join(
                v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                for v in row.values()
            )
            found += [f"{t['table_name']}: {n}" for n in needles if n in text]
    return found
