"""Driving the local stack from the fault suite: stack.sh commands, SIGKILL by pid file, and a
second matcher process for the scale-out scenario."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
STACK_DIR = REPO / ".stack"
HOST = "127.0.0.1"


def base_port() -> int:
    return int(os.environ.get("SPIE_SERVICE_PORT_BASE", "8000"))


PORT_OFFSET = {
    "employer_intake": 1,
    "candidate_profile": 2,
    "matcher": 3,
    "notifier": 4,
    "actions": 5,
}


def url(service: str) -> str:
    return f"http://{HOST}:{base_port() + PORT_OFFSET[service]}"


def stack(*command: str) -> float:
    """Runs `stack.sh COMMAND`; returns how long it took (it waits for readiness)."""
    start = time.monotonic()
    subprocess.run(
        ["bash", str(REPO / "deploy/local/stack.sh"), *command],
        cwd=REPO,
        check=True,
        env={**os.environ, "STACK_SERVICES": "1"},
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - start


def pid_of(part: str) -> int:
    return int((STACK_DIR / "pids" / f"{part}.pid").read_text().strip())


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def sigkill(part: str) -> int:
    """SIGKILL the process a pid file names (ours: stack.sh wrote it) and wait until it is gone."""
    pid = pid_of(part)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pid


def cli(module: str, *args: str) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=True, cwd=REPO
    )
    return done.stdout, done.stderr


class ExtraMatcher:
    """A second matcher process in the same consumer group, with its own port and index."""

    def __init__(self, port: int, index: Path) -> None:
        self.port, self.index = port, index
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = STACK_DIR / "logs" / f"matcher-{port}.log"

    def start(self, timeout: float = 120) -> float:
        started = time.monotonic()
        env = {**os.environ, "SPIE_HTTP_PORT": str(self.port), "SPIE_INDEX_PATH": str(self.index)}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "services.matcher", "serve"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"second matcher exited, see {self.log}")
            try:
                if httpx.get(f"http://{HOST}:{self.port}/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError("second matcher not healthy")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
