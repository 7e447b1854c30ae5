"""The e-mail sender keeps its connections open, and survives a server that dropped them."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from services.notifier.adapters.smtp import EmailRejected, SmtpSender


class Inbox:
    def __init__(self) -> None:
        # The session objects themselves: an id() of a closed session can be reused by the next.
        self.sessions: list[Any] = []
        self.messages: list[str] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("unknown"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not any(s is session for s in self.sessions):
            self.sessions.append(session)
        self.messages.extend(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[Inbox, Controller]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller
    controller.stop()


def sender(controller: Controller) -> SmtpSender:
    # The test server offers no TLS: clear text must be asked for (the default is STARTTLS).
    return SmtpSender(
        host="127.0.0.1", port=controller.port, sender="alertes@spie31.invalid", tls="none"
    )


async def send(s: SmtpSender, to: str) -> None:
    await s.send(
        to=to, subject="Alerte", body="Un profil correspond.", message_id=f"<{uuid.uuid4()}@t>"
    )


async def test_messages_in_a_row_share_one_connection(server: tuple[Inbox, Controller]) -> None:
    inbox, controller = server
    s = sender(controller)
    for i in range(5):
        await send(s, f"referente{i}@cd31.fr")
    await s.close()
    assert len(inbox.messages) == 5
    assert len(inbox.sessions) == 1


async def test_a_connection_the_server_dropped_is_replaced_and_the_message_goes() -> None:
    inbox, port = Inbox(), free_port()
    first = Controller(inbox, hostname="127.0.0.1", port=port)
    first.start()
    s = sender(first)
    await send(s, "avant@cd31.fr")
    first.stop()  # the server goes away (a restart, an idle timeout): the kept one is dead
    second = Controller(inbox, hostname="127.0.0.1", port=port)
    second.start()
    try:
        await send(s, "apres@cd31.fr")
        await s.close()
    finally:
        second.stop()
    assert inbox.messages == ["avant@cd31.fr", "apres@cd31.fr"]
    assert len(inbox.sessions) == 2


async def test_a_refused_recipient_is_final_and_the_next_message_still_goes(
    server: tuple[Inbox, Controller],
) -> None:
    inbox, controller = server
    s = sender(controller)
    with pytest.raises(EmailRejected):
        await send(s, "unknown@cd31.fr")
    await send(s, "connue@cd31.fr")
    await s.close()
    assert inbox.messages == ["connue@cd31.fr"]
