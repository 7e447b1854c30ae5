"""schemathesis against /openapi.json of the service run as a process on the real stack:
no 5xx, no response that breaks the documented schema."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks as sc

from shared.ops_access import issue_ops
from shared.settings import load_base_settings

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[3]
EXAMPLES = int(os.environ.get("INTAKE_SCHEMATHESIS_EXAMPLES", "30"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "SPIE_HTTP_PORT": str(port), "SPIE_RATE_LIMIT_PER_SECOND": "0"}
    cmd = [sys.executable, "-m", "services.employer_intake", "serve"]
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full pipe would
    # block the service's logging, hence its event loop.
    log_path = tmp_path_factory.mktemp("intake") / "service.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-3000:]
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the service did not start in 60 s"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def api_key(service_url: str) -> str:
    federation = f"S{os.getpid()}{int(time.time())}"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.employer_intake",
            "create-api-key",
            "--federation",
            federation,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def _seed_need(url: str, api_key: str) -> str:
    body = {
        "employer_name": "Schema SARL",
        "title": "Maçon",
        "commune_insee": "31555",
        "contract_type": "CDI",
        "hours_per_week": 35,
    }
    response = httpx.post(f"{url}/needs", json=body, headers={"X-API-Key": api_key})
    need_id: str = response.raise_for_status().json()["need_id"]
    return need_id


def _towards_success(case: schemathesis.Case, need_id: str) -> None:
    """Random UUIDs and INSEE codes all give 404 and 422: point most cases at a real need
    and a real commune so that the success paths are generated too."""
    if case.path_parameters and "need_id" in case.path_parameters:
        case.path_parameters["need_id"] = need_id
    if isinstance(case.body, dict) and "commune_insee" in case.body:
        case.body["commune_insee"] = "31555"
        case.body.pop("rome_code", None)


CHECKS = [
    sc.not_a_server_error,
    sc.status_code_conformance,
    sc.content_type_conformance,
    sc.response_headers_conformance,
    sc.response_schema_conformance,
]


def _runner(operation: Any, need_id: str, api_key: str) -> Callable[[], None]:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        _towards_success(case, need_id)
        case.call_and_validate(headers={"X-API-Key": api_key}, checks=CHECKS)

    return run  # type: ignore[no-any-return]


def test_the_api_answers_every_generated_request_within_its_schema(
    service_url: str, api_key: str
) -> None:
    # schemathesis' own pytest plugin does not run under pytest 9 yet: drive hypothesis here.
    ops = issue_ops(load_base_settings().keyring(), name="schemathesis", days=1)
    schema = schemathesis.openapi.from_url(
        f"{service_url}/openapi.json", headers={"Authorization": f"Bearer {ops}"}
    )
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    need_ids = {op.label: _seed_need(service_url, api_key) for op in operations}
    for operation in operations:
        run = _runner(operation, need_ids[operation.label], api_key)
        try:
            run()
        except Exception as exc:  # one report for every operation that failed
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
