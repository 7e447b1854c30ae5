"""E-mail through SMTP (aiosmtplib), encrypted by default: STARTTLS is required (a server that
does not offer it gets nothing, never a message in clear), or TLS from the first byte
(`implicit`, port 465); `none` is for the local mail sink only. Login when the settings ask.

Connections are kept open and reused (a few, one per concurrent sender): opening one per
message costs a TCP handshake, the greeting, EHLO, STARTTLS and login each time, which at a
few hundred alerts a second is most of the sending work, and mail relays throttle connection
rates. A kept connection the server has dropped meanwhile fails on first use: the message is
then sent once more on a new connection, at once.
"""

from __future__ import annotations

import contextlib
from email.message import EmailMessage
from email.utils import formatdate
from typing import Literal

import aiosmtplib

from ..domain.messages import header_text

SmtpTls = Literal["starttls", "implicit", "none"]


class EmailRejected(Exception):
    """The server refused the message for good (5xx): retrying would not help."""


# What a connection dropped by the server while idle raises on its next use.
_STALE = (aiosmtplib.SMTPServerDisconnected, ConnectionError)


class SmtpSender:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        tls: SmtpTls = "starttls",
        ca_file: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 15.0,
        keep: int = 4,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.tls, self.ca_file = tls, ca_file
        self.username, self._password = username, password
        self.timeout = timeout
        self._keep = keep
        self._idle: list[aiosmtplib.SMTP] = []

    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        """Send one message; a stable Message-ID lets a mail system drop a rare resend.
        EmailRejected, at once, for a message that cannot be written (retrying would not help)."""
        try:
            message = self._message(to=to, subject=subject, body=body, message_id=message_id)
        except (ValueError, TypeError, UnicodeError) as exc:
            raise EmailRejected(f"message impossible à écrire : {type(exc).__name__}") from exc
        client = self._idle.pop() if self._idle else None
        if client is not None:
            try:
                await self._send_on(client, message)
                return
            except _STALE:
                pass  # dropped while idle: the message was not taken, send it anew below
            except aiosmtplib.SMTPResponseException as exc:
                if exc.code != 421:  # 421: the server is closing this (idle) connection
                    raise
        await self._send_on(await self._connect(), message)

    def _message(self, *, to: str, subject: str, body: str, message_id: str) -> EmailMessage:
        # Headers from data pass through header_text whatever the caller did: a line break in
        # a need title must never add a header (nor make the email package raise).
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = header_text(to)
        message["Subject"] = header_text(subject)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = header_text(message_id)
        message["Content-Language"] = "fr"
        message.set_content(body, charset="utf-8")
        return message

    async def _send_on(self, client: aiosmtplib.SMTP, message: EmailMessage) -> None:
        try:
            await client.send_message(message)
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPSenderRefused) as exc:
            await _close(client)
            raise EmailRejected(type(exc).__name__) from exc
        except aiosmtplib.SMTPResponseException as exc:
            await _close(client)
            if 500 <= exc.code < 600:
                raise EmailRejected(f"SMTP {exc.code}") from exc
            raise
        except BaseException:
            await _close(client)
            raise
        if len(self._idle) < self._keep:
            self._idle.append(client)
        else:
            await _close(client)

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.tls == "implicit",
            # True, not aiosmtplib's None ("if offered"): no silent fallback to clear text.
            start_tls=self.tls == "starttls",
            cert_bundle=self.ca_file,
            timeout=self.timeout,
        )
        await client.connect()
        if self.username is not None and self._password is not None:
            await client.login(self.username, self._password)
        return client

    async def close(self) -> None:
        """Say goodbye on the kept connections (at shutdown)."""
        idle, self._idle = self._idle, []
        for client in idle:
            await _close(client)


async def _close(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(Exception):
        if client.is_connected:
            await client.quit()
    client.close()
