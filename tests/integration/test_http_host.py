"""Every service listens where SPIE_HTTP_HOST says: on every interface with 0.0.0.0 (as in the
images, where a published port, a Kubernetes Service and the probes reach it), on loopback only
by default. 127.0.0.2 is a loopback address the default 127.0.0.1 does not cover."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

pytestmark = pytest.mark.integration
SERVICES = ("employer_intake", "candidate_profile", "matcher", "notifier", "actions")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(host: str, port: int) -> bool:
    try:
        return httpx.get(f"http://{host}:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def serving(service: str, host: str | None) -> Iterator[int]:
    """The service as its image runs it (`python -m services.<name> serve`), until healthy."""
    port = _free_port()
    env = {**os.environ, "SPIE_HTTP_PORT": str(port), "SPIE_SMTP_TLS": "none"}
    env.pop("SPIE_HTTP_HOST", None)
    if host is not None:
        env["SPIE_HTTP_HOST"] = host
    process = subprocess.Popen(
        [sys.executable, "-m", f"services.{service}", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while not _answers("127.0.0.1", port):
            assert process.poll() is None, f"{service} exited while starting"
            assert time.monotonic() < deadline, f"{service} never answered /healthz"
            time.sleep(0.5)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_told_every_interface_answers_on_another_address_and_by_default_only_loopback(
    service: str,
) -> None:
    with serving(service, "0.0.0.0") as port:
        assert _answers("127.0.0.2", port)
    with serving(service, None) as port:
        assert _answers("127.0.0.1", port)  # positive control: it runs
        assert not _answers("127.0.0.2", port)
