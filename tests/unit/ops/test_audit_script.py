"""`make audit` runs pip-audit when the vulnerability database answers, and says plainly that it
skipped and why when it does not (a failure instead with AUDIT_REQUIRED=1)."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def audit(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO / "deploy" / "audit.sh"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "AUDIT_PROBE_TIMEOUT": "3", **env},
        timeout=120,
    )


class _Answers200(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"vulnerabilities": []}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def database() -> Iterator[str]:
    """A stand-in vulnerability database that answers."""
    server = HTTPServer(("127.0.0.1", 0), _Answers200)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/pypi/pip/json"
    server.shutdown()


def test_an_unreachable_database_skips_the_audit_with_the_reason() -> None:
    done = audit(AUDIT_PROBE_URL="http://127.0.0.1:9/pypi/pip/json")
    assert done.returncode == 0
    assert done.stdout.startswith("audit skipped: the pypi vulnerability database")
    assert "could not be reached" in done.stdout


def test_a_skip_fails_when_the_audit_is_required() -> None:
    done = audit(AUDIT_PROBE_URL="http://127.0.0.1:9/pypi/pip/json", AUDIT_REQUIRED="1")
    assert done.returncode == 1
    assert "audit skipped" in done.stdout


def test_a_reachable_database_runs_pip_audit(database: str) -> None:
    # `--help` reaches pip-audit itself and stops there: no real audit in a unit test.
    done = audit("--help", AUDIT_PROBE_URL=database)
    assert "audit skipped" not in done.stdout
    assert "audit: pip-audit --strict" in done.stdout
    assert "usage: pip-audit" in done.stdout
    assert done.returncode == 0
