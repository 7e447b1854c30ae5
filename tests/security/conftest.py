"""The attack suite: tries, as an attacker would, against the five services running on the real
local stack (`stack.sh services-up`), and prints how many attempts of each kind it made and how
many got through (the run fails if any did).

Every attack test records each attempt in the `attacks` ledger with its kind and whether it got
through, and keeps a positive control beside it: the same request with the right credential (or
a harmless value) must succeed, so that "refused" means refused and not "the route is broken".
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STACK = ["bash", str(REPO / "deploy" / "local" / "stack.sh")]

pytestmark = pytest.mark.security


@dataclass
class AttackLedger:
    """Counts attempts by kind; `through` lists those that got in (target, detail)."""

    attempts: Counter[str] = field(default_factory=Counter)
    through: list[tuple[str, str, str]] = field(default_factory=list)

    def record(self, kind: str, target: str, *, got_through: bool, detail: str = "") -> bool:
        self.attempts[kind] += 1
        if got_through:
            self.through.append((kind, target, detail))
        return got_through


_LEDGER = AttackLedger()


@pytest.fixture(scope="session")
def attacks() -> AttackLedger:
    return _LEDGER


def cli(module: str, *args: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """Runs `python -m <module> ...` as ops would; returns (stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )
    return done.stdout, done.stderr


@pytest.fixture(scope="session")
def service_urls(shared_data: Path) -> Iterator[dict[str, str]]:
    """Imports the referential, starts the five services (if not running) and gives their URLs
    by name; `make test` stops them with the stack."""
    py = sys.executable
    env = {**os.environ, "STACK_SERVICES": "1"}
    for args in (
        ("import-rome", str(shared_data / "rome")),
        ("import-communes", str(shared_data / "geo" / "communes_31.csv")),
    ):
        subprocess.run([py, "-m", "shared.referential", *args], cwd=REPO, check=True, env=env)
    subprocess.run([*STACK, "services-up"], cwd=REPO, check=True, env=env)
    base = int(os.environ.get("SPIE_SERVICE_PORT_BASE", "8000"))
    names = ("employer_intake", "candidate_profile", "matcher", "notifier", "actions")
    yield {name: f"http://127.0.0.1:{base + i}" for i, name in enumerate(names, start=1)}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _LEDGER.attempts:
        return
    write = terminalreporter.write_line
    terminalreporter.section("attack suite: attempts by kind")
    for kind, count in sorted(_LEDGER.attempts.items()):
        got = sum(1 for k, _, _ in _LEDGER.through if k == kind)
        write(f"{kind:<40} {count:>5} attempts, {got} got through")
    total = sum(_LEDGER.attempts.values())
    if _LEDGER.through:
        write(f"{len(_LEDGER.through)} of {total} attempts got through:")
        for kind, target, detail in _LEDGER.through:
            write(f"  {kind}: {target} {detail}")
    else:
        write(f"{total} attempts, none got through")
