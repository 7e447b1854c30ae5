"""The fault suite runs on the full local stack (Kafka, PostgreSQL, mail sink, the four services
as processes) on the ports of SPIE_*; only with `-m chaos` (`make chaos`): it kills processes."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from shared.settings import load_base_settings
from tests.chaos._flow import Actors, create_actors
from tests.chaos._stack import stack


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "chaos" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="fault suite: run it with -m chaos (make chaos)")
    for item in items:
        if "chaos" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def bootstrap() -> str:
    return load_base_settings().kafka_bootstrap


@pytest.fixture(scope="session")
def full_stack(shared_data: Path) -> str:
    """Kafka, PostgreSQL and the referential first (the services load it at start), then all."""
    import subprocess

    subprocess.run(["bash", "deploy/local/stack.sh", "up"], check=True, env=_env(services=False))
    for args in (
        ("import-rome", str(shared_data / "rome")),
        ("import-communes", str(shared_data / "geo" / "communes_31.csv")),
    ):
        subprocess.run(
            [sys.executable, "-m", "shared.referential", *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    stack("up")
    return "up"


def _env(*, services: bool) -> dict[str, str]:
    import os

    return {**os.environ, "STACK_SERVICES": "1" if services else "0"}


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(20, connect=5)) as client:
        yield client


@pytest.fixture(scope="session")
async def actors(full_stack: str, http: httpx.AsyncClient) -> Actors:
    return await create_actors(http)
