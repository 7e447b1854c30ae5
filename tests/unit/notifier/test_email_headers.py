"""A need title with a line break (a CSV cell typed with Alt+Enter), a NUL or a header of its
own never reaches an e-mail header: control characters become spaces, whatever the caller."""

from __future__ import annotations

import email
import socket
import uuid
from collections.abc import Iterator
from email import policy
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from services.notifier.adapters.smtp import SmtpSender
from services.notifier.domain import messages
from tests.unit.notifier.test_messages_and_rules import NEED, alert

HOSTILE_TITLE = "Maçon\r\nBcc: x@y\x00\n\x85Fin"


class Keep:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


@pytest.fixture
def mail_server() -> Iterator[tuple[Keep, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    keep = Keep()
    controller = Controller(keep, hostname="127.0.0.1", port=port)
    controller.start()
    yield keep, port
    controller.stop()


def test_the_subject_of_a_hostile_title_is_one_line_without_control_characters() -> None:
    subject = messages.subject(alert(need={**NEED, "title": HOSTILE_TITLE}))
    assert subject.startswith("Nouvelle piste : Maçon Bcc: x@y Fin à Muret")
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in subject)


def test_an_ordinary_title_keeps_its_words() -> None:
    assert messages.header_text("Maçon / Maçonne  (H/F)") == "Maçon / Maçonne (H/F)"


async def test_a_header_injected_through_the_subject_adds_no_header_nor_recipient(
    mail_server: tuple[Keep, int],
) -> None:
    keep, port = mail_server
    sender = SmtpSender(host="127.0.0.1", port=port, sender="alertes@spie31.invalid", tls="none")
    try:
        await sender.send(
            to="claire@cd31.fr",
            subject=f"Nouvelle piste : {HOSTILE_TITLE}",  # as if nothing had cleaned it before
            body="Un profil correspond.\nDeuxième ligne.",
            message_id=f"<{uuid.uuid4()}@t>",
        )
    finally:
        await sender.close()
    [(recipients, message)] = keep.received
    assert recipients == ["claire@cd31.fr"]
    assert message["Bcc"] is None
    assert message["Subject"] == "Nouvelle piste : Maçon Bcc: x@y Fin"
    assert "Deuxième ligne." in str(message.get_body().get_content())  # type: ignore[union-attr]
