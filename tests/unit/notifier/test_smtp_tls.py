"""Alerts go to the mail relay encrypted: STARTTLS by default and never a fallback to clear
text, TLS from the first byte when asked, clear text only when set explicitly (the local mail
sink), and never in production."""

from __future__ import annotations

import secrets
import socket
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from pydantic import ValidationError

from services.notifier.adapters.smtp import EmailRejected, SmtpSender, SmtpTls
from services.notifier.settings import NotifierSettings


class Inbox:
    """Keeps each message it accepts, and whether its session was encrypted."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bool]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.received.append((envelope.rcpt_tos[0], encrypted))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: the relay's, and the authority the client trusts."""
    folder = tmp_path_factory.mktemp("relay")
    cert, key = folder / "relay.pem", folder / "relay.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def relay(inbox: Inbox, **tls: Any) -> Iterator[Controller]:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **tls)
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def plain_relay() -> Iterator[tuple[Inbox, Controller]]:
    """A server that offers no STARTTLS, like the local mail sink."""
    inbox = Inbox()
    for controller in relay(inbox):
        yield inbox, controller


@pytest.fixture
def starttls_relay(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, Controller]]:
    inbox = Inbox()
    for controller in relay(inbox, tls_context=server_context(certificate), require_starttls=True):
        yield inbox, controller


@pytest.fixture
def implicit_relay(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, Controller]]:
    inbox = Inbox()
    for controller in relay(inbox, ssl_context=server_context(certificate)):
        yield inbox, controller


def sender(controller: Controller, tls: SmtpTls, ca: Path | None = None) -> SmtpSender:
    return SmtpSender(
        host="127.0.0.1",
        port=controller.port,
        sender="alertes@spie31.invalid",
        tls=tls,
        ca_file=str(ca) if ca else None,
    )


async def send(s: SmtpSender) -> str:
    to = f"claire-{uuid.uuid4().hex[:8]}@cd31.fr"
    await s.send(to=to, subject="Alerte", body="Une offre correspond.", message_id=f"<{to}>")
    await s.close()
    return to


async def test_starttls_by_default_delivers_over_an_encrypted_session(
    starttls_relay: tuple[Inbox, Controller], certificate: tuple[Path, Path]
) -> None:
    inbox, controller = starttls_relay
    default = SmtpSender(
        host="127.0.0.1",
        port=controller.port,
        sender="alertes@spie31.invalid",
        ca_file=str(certificate[0]),
    )
    to = await send(default)
    assert inbox.received == [(to, True)]
    assert NotifierSettings.model_fields["smtp_tls"].default == "starttls"


async def test_a_server_without_starttls_gets_no_message_in_clear(
    plain_relay: tuple[Inbox, Controller],
) -> None:
    inbox, controller = plain_relay
    with pytest.raises(aiosmtplib.SMTPException, match="STARTTLS"):
        await send(sender(controller, "starttls"))
    assert inbox.received == []
    # Positive control: the same server takes the message when clear text is asked for.
    to = await send(sender(controller, "none"))
    assert inbox.received == [(to, False)]


async def test_a_relay_whose_certificate_is_not_trusted_gets_nothing(
    starttls_relay: tuple[Inbox, Controller],
) -> None:
    inbox, controller = starttls_relay
    with pytest.raises(ssl.SSLCertVerificationError):
        await send(sender(controller, "starttls"))  # the system authorities do not know it
    assert inbox.received == []


async def test_implicit_tls_delivers_over_tls_from_the_first_byte(
    implicit_relay: tuple[Inbox, Controller], certificate: tuple[Path, Path]
) -> None:
    inbox, controller = implicit_relay
    to = await send(sender(controller, "implicit", certificate[0]))
    assert inbox.received == [(to, True)]


async def test_clear_text_to_a_relay_that_requires_starttls_is_refused(
    starttls_relay: tuple[Inbox, Controller],
) -> None:
    inbox, controller = starttls_relay
    with pytest.raises((EmailRejected, aiosmtplib.SMTPException)):
        await send(sender(controller, "none"))
    assert inbox.received == []


def production(**values: Any) -> NotifierSettings:
    return NotifierSettings(
        _env_file=None,  # type: ignore[call-arg]
        environment="production",
        secret_key=secrets.token_urlsafe(48),
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="notifier",
        kafka_sasl_password=secrets.token_urlsafe(24),
        **values,
    )


def test_production_refuses_smtp_without_tls_and_names_the_variable() -> None:
    with pytest.raises(ValidationError, match="SPIE_SMTP_TLS=none"):
        production(smtp_tls="none")


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_production_accepts_smtp_with_tls(mode: str) -> None:
    assert production(smtp_tls=mode).smtp_tls == mode
