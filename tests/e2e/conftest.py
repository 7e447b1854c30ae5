"""The four services as separate processes on the real stack (`stack.sh services-up`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from tests.e2e.browser import AXE, CHROMIUM, CHROMIUM_ARGS, front_url

REPO = Path(__file__).resolve().parents[2]
STACK = ["bash", str(REPO / "deploy" / "local" / "stack.sh")]


def _run(*args: str) -> None:
    subprocess.run(list(args), cwd=REPO, check=True, env={**os.environ, "STACK_SERVICES": "1"})


@pytest.fixture(scope="session")
def running_services(shared_data: Path) -> Iterator[str]:
    """Imports the official referential (the services load it at start), starts the four
    services, and gives the base of their ports; `make test` stops them with the stack."""
    py = sys.executable
    _run(py, "-m", "shared.referential", "import-rome", str(shared_data / "rome"))
    _run(
        py,
        "-m",
        "shared.referential",
        "import-communes",
        str(shared_data / "geo" / "communes_31.csv"),
    )
    _run(*STACK, "services-up")
    yield os.environ.get("SPIE_SERVICE_PORT_BASE", "8000")


@pytest.fixture(scope="session")
def mail_dir() -> Path:
    return REPO / ".stack" / "mail"


@pytest.fixture(scope="session")
def front(running_services: str) -> str:
    """The front door, once it routes to the notifier."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is not installed: `apt-get install chromium` (deploy/local/prereqs.sh)"
        )
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make setup` (npm, tests/e2e/package.json)")
    url = front_url()
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/connexion", timeout=2).status_code == 200:
                return url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the front door does not answer at {url}")
        time.sleep(0.5)


@pytest_asyncio.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()
