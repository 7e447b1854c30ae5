"""E-mail through SMTP (aiosmtplib); STARTTLS and login when the settings ask for them."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib


class EmailRejected(Exception):
    """The server refused the message for good (5xx): retrying would not help."""


@dataclass(frozen=True)
class SmtpSender:
    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 15.0

    async def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        """Send one message; a stable Message-ID lets a mail system drop a rare resend."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = message_id
        message["Content-Language"] = "fr"
        message.set_content(body, charset="utf-8")
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                start_tls=self.starttls,
                username=self.username,
                password=self.password,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPSenderRefused) as exc:
            raise EmailRejected(type(exc).__name__) from exc
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise EmailRejected(f"SMTP {exc.code}") from exc
            raise
