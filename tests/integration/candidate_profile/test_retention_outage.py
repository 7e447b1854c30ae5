"""The retention job lives through a PostgreSQL restart: a consent that expired meanwhile is
erased once the database is back (it used to stop for good on the restart's InterfaceError).

PostgreSQL is stopped and started with `deploy/local/stack.sh pg-down / pg-up`."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from services.candidate_profile.bootstrap import Services
from services.candidate_profile.entrypoints import tasks
from tests.integration.candidate_profile.helpers import CandidatesTopic, profile_body
from tests.integration.candidate_profile.test_profiles_api import (
    _assert_erased_everywhere,
    _consent,
)

Login = Callable[[str], Coroutine[Any, Any, dict[str, str]]]
REPO = Path(__file__).resolve().parents[3]


def stack(command: str) -> None:
    subprocess.run(
        ["bash", str(REPO / "deploy/local/stack.sh"), command],
        cwd=REPO,
        check=True,
        env={**os.environ, "STACK_SERVICES": "0"},
        stdout=subprocess.DEVNULL,
    )


async def test_the_retention_job_survives_a_postgresql_restart_and_erases_what_expired_meanwhile(
    app: FastAPI,
    client: httpx.AsyncClient,
    login: Login,
    candidates: CandidatesTopic,
    services: Services,
    unique: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = await login(f"CD{unique}")
    body = profile_body(f"Maëlle{unique}", consent=_consent(days=8 / 86400))  # eight seconds
    created = (await client.post("/profiles", json=body, headers=headers)).json()

    # What a pooled connection raises once PostgreSQL has restarted under it, for sure once
    # (a real restart raises it only when a pass holds a connection at that moment).
    real, cut = tasks.run_retention, []

    async def cut_once(*args: Any, **kwargs: Any) -> Any:
        if not cut:
            cut.append(1)
            raise asyncpg.InterfaceError("cannot perform operation: connection is closed")
        return await real(*args, **kwargs)

    monkeypatch.setattr(tasks, "run_retention", cut_once)
    await asyncio.to_thread(stack, "pg-down")
    try:
        await asyncio.sleep(10)  # the consent expires while PostgreSQL is away
    finally:
        await asyncio.to_thread(stack, "pg-up")

    await _assert_erased_everywhere(client, services, candidates, headers, created, "expired")
    assert cut == [1]
    # Waited out by the job itself, not by its supervisor restarting it.
    assert app.state.workers.states()["retention"] == "running"
    assert app.state.workers.restarts()["retention"] == 0
