"""With Kafka stopped the API still answers 201; the events go out once when it is back."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest

from .conftest import need_body, read_needs_topic

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[3]


def _stack_env(kafka_bootstrap: str) -> dict[str, str]:
    """stack.sh must address this run's broker: its ports follow SPIE_KAFKA_BOOTSTRAP."""
    port = int(kafka_bootstrap.split(",")[0].rsplit(":", 1)[1])
    env = {**os.environ, "STACK_SERVICES": "0"}
    env.setdefault("SPIE_KAFKA_PORT", str(port))
    env.setdefault("SPIE_KAFKA_CONTROLLER_PORT", str(port + 1))
    return env


async def _stack(command: str, kafka_bootstrap: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        "bash",
        str(REPO / "deploy" / "local" / "stack.sh"),
        command,
        cwd=REPO,
        env=_stack_env(kafka_bootstrap),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=180)
    assert proc.returncode == 0, f"stack.sh {command} failed:\n{out.decode(errors='replace')}"


async def test_50_needs_posted_while_kafka_is_down_give_exactly_50_events_when_it_is_back(
    client: httpx.AsyncClient, headers: dict[str, str], federation: str, kafka_bootstrap: str
) -> None:
    await _stack("kafka-down", kafka_bootstrap)
    try:
        statuses = [
            (await client.post("/needs", json=need_body(), headers=headers)).status_code
            for _ in range(50)
        ]
    finally:
        await _stack("kafka-up", kafka_bootstrap)
    assert statuses == [201] * 50

    events = await read_needs_topic(kafka_bootstrap, federation, expected=50, wait_seconds=120)
    assert len(events) == 50
    assert len({e["event_id"] for e in events}) == 50
    assert len({e["payload"]["need_id"] for e in events}) == 50
