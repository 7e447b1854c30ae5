"""The four services as separate processes on the real stack (`stack.sh services-up`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

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
