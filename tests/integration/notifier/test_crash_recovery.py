"""The notifier SIGKILLed in the middle of a batch of 200 alerts, then restarted: every alert
arrives, in exactly one e-mail (alerts due together share one, up to 20). The notifier runs as its
own process, with one delivery worker, and is killed while it is talking to the SMTP server (what
a worker spends its time on)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from shared.kafka.broker import make_broker, publish_event

from .helpers import SmtpInbox, eventually, match_event, referent_event

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[3]
BATCH = 200


class KillingInbox(SmtpInbox):
    """Kills the notifier when the message after the `after`-th to `address` is half-way
    through (the notifier also sends what other tests left pending in the database)."""

    def __init__(self, after: int, address: str) -> None:
        super().__init__()
        self.after, self.address = after, address
        self.pid: int | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.pid is not None and len(self.to(self.address)) >= self.after:
            os.kill(self.pid, signal.SIGKILL)
            self.pid = None
        envelope.rcpt_tos.append(address)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_notifier(smtp_port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SPIE_HTTP_PORT": str(free_port()),
        "SPIE_SMTP_PORT": str(smtp_port),
        "SPIE_SMTP_TLS": "none",  # the test server offers no TLS
        "SPIE_CONSUMER_GROUP": "notifier-crash-test",
        "SPIE_DELIVERY_WORKERS": "1",
        "SPIE_DELIVERY_POLL_SECONDS": "0.2",
        # 200 alerts to one référent: what this checks is loss and duplicates, not the spacing
        # of her e-mails (test_digest.py), which would stretch them over ten minutes.
        "SPIE_EMAIL_SPACING_SECONDS": "0",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "services.notifier", "serve"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_a_notifier_killed_mid_batch_delivers_every_email_once_after_restart(
    kafka_bootstrap: str, tmp_path: Path, unique: str
) -> None:
    smtp_port = free_port()
    referent_id = uuid.uuid4()
    address = f"{referent_id.hex[:12]}@example.org"
    inbox = KillingInbox(after=3, address=address)
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    log = tmp_path / "notifier.log"
    process = start_notifier(smtp_port, log)
    inbox.pid = process.pid
    try:
        broker = make_broker(kafka_bootstrap, client_id=f"crash-{unique}")
        await broker.start()
        try:
            await publish_event(broker, referent_event(referent_id, f"CD31-{unique}", "Claire"))
            for i in range(BATCH):
                await publish_event(
                    broker, match_event(referent_id, f"CD31-{unique}", explanation=f"piste {i}")
                )
        finally:
            await broker.stop()
        await eventually(lambda: _now(process.poll() is not None), within=120)
        before = _pistes(inbox.to(address))
        assert 3 <= len(inbox.to(address)) and len(before) < BATCH, "not killed mid-batch"
        process = start_notifier(smtp_port, log)
        await eventually(lambda: _now(len(_pistes(inbox.to(address))) >= BATCH), within=180)
        await asyncio.sleep(3)  # time for a duplicate to show up, if one were sent
    finally:
        process.kill()
        process.wait(timeout=30)
        controller.stop()
    pistes = _pistes(inbox.to(address))
    assert len(pistes) == BATCH, log.read_text()[-3000:]  # none twice
    assert set(pistes) == {f"piste {i}" for i in range(BATCH)}  # none lost


def _pistes(messages: list[Any]) -> list[str]:
    """Why each alert was sent, for every alert of every e-mail received."""
    body = "".join(m.get_content() for m in messages)
    return [part.splitlines()[0] for part in body.split("Pourquoi cette piste : ")[1:]]


async def _now(value: Any) -> Any:
    return value
