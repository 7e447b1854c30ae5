"""Kafka stopped while référents keep working: every change goes out once, in order, afterwards.

It stops and restarts the broker of the stack (stack.sh kafka-down / kafka-up), so it runs with
the recovery tests, last and alone: `pytest -m recovery`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contracts import ProfileUpserted, decode_event
from tests.integration.candidate_profile.helpers import CandidatesTopic, profile_body

pytestmark = pytest.mark.recovery

REPO = Path(__file__).resolve().parents[3]
PROFILES, UPDATES = 5, 10
Login = Callable[[str], Coroutine[Any, Any, dict[str, str]]]


async def _stack(command: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        "bash", str(REPO / "deploy" / "local" / "stack.sh"), command,
        cwd=REPO, env={**os.environ, "STACK_SERVICES": "0"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()


async def test_fifty_updates_made_while_kafka_is_down_go_out_once_in_order(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic,
    kafka_bootstrap: str, unique: str,
) -> None:  # fmt: skip
    headers = await login(f"CD{unique}")
    consent = {"purposes": ["matching"], "expires_at": (datetime.now(UTC) + timedelta(days=90))
               .isoformat()}  # fmt: skip
    ids = []
    for i in range(PROFILES):
        body = profile_body(f"Out{i}{unique}", consent=consent)
        ids.append(
            (await client.post("/profiles", json=body, headers=headers)).json()["candidate_id"]
        )
    for candidate_id in ids:
        await candidates.of(candidate_id, until=lambda v: len(v) == 1)
    offsets = await candidates.positions()

    await _stack("kafka-down")
    try:
        for version in range(2, UPDATES + 2):
            for i, candidate_id in enumerate(ids):
                body = profile_body(f"Out{i}{unique}", mobility_km=version)
                response = await client.put(f"/profiles/{candidate_id}", json=body, headers=headers)
                assert response.status_code == 200 and response.json()["version"] == version
    finally:
        await _stack("kafka-up")

    after = CandidatesTopic(kafka_bootstrap)
    await after.start(from_offsets=offsets)
    try:
        for candidate_id in ids:
            await after.of(candidate_id, until=lambda v: len(v) >= UPDATES, within=90)
        await after.drain(2)  # anything arriving now would be a duplicate
    finally:
        await after.consumer.stop()
    events = [decode_event(v or b"") for k, v in after.records if k.decode() in ids]
    assert len(events) == PROFILES * UPDATES
    assert len({e.event_id for e in events}) == len(events)
    for candidate_id in ids:
        mine = [e for e in events if str(e.payload.candidate_id) == candidate_id]
        assert all(isinstance(e, ProfileUpserted) for e in mine)
        assert [e.payload.version for e in mine] == list(range(2, UPDATES + 2))
