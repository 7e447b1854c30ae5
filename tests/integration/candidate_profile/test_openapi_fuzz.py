"""Schemathesis on /openapi.json of the service run as its own process: no request gives a 5xx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shared.destinations import literal_address
from shared.ops_access import issue_ops
from shared.settings import load_base_settings

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = 25  # per operation: the whole run stays well under a minute


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "services.candidate_profile", *args],
        cwd=REPO, env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return out.stdout.strip()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The service started as `python -m services.candidate_profile serve`, and a token."""
    port = _free_port()
    env = {**os.environ, "SPIE_HTTP_PORT": str(port)}
    unique = uuid.uuid4().hex[:8]
    token = _cli("create-referent", "--structure", f"FZ{unique}", "--email",
                 f"fuzz.{unique}@example.org", "--name", "Fuzz Test", env=env)  # fmt: skip
    # The log goes to a file: an unread pipe would fill up and stall the server.
    log = (tmp_path_factory.mktemp("served") / "service.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.candidate_profile", "serve"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, f"the service exited, see {log.name}"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)
        yield base, {"Authorization": f"Bearer {token}"}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _no_dns_lookup(body: object) -> None:
    """A generated webhook URL naming a host would make the service ask the DNS (the save-time
    SSRF check resolves names): tests send no traffic off the machine, so it names an address."""
    if isinstance(body, dict) and isinstance(body.get("webhook_url"), str):
        try:
            host = urlsplit(body["webhook_url"]).hostname or ""
        except ValueError:
            return  # not a URL: refused by the schema before any check
        if literal_address(host) is None:
            body["webhook_url"] = "http://10.1.2.3/alertes"


def test_no_generated_request_gets_a_server_error(served: tuple[str, dict[str, str]]) -> None:
    base, auth = served
    ops = issue_ops(load_base_settings().keyring(), name="schemathesis", days=1)
    schema = schemathesis.openapi.from_url(
        f"{base}/openapi.json", headers={"Authorization": f"Bearer {ops}"}
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES * len(operations),
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        _no_dns_lookup(case.body)
        response = case.call(base_url=base, headers=auth, timeout=10)
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

    run()
    assert failures == []
