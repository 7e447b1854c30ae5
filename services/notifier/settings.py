"""Settings of the notifier, read once at start (prefix SPIE_)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from shared.settings import BaseServiceSettings


class NotifierSettings(BaseServiceSettings):
    http_port: int = Field(default=8004, ge=1, le=65535)
    max_body_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Largest request body (413 beyond)."
    )
    public_url: str = Field(
        default="http://127.0.0.1:8004",
        description="Address of the inbox as référents reach it; used in e-mails and links.",
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)  # the local stack's mail sink
    smtp_from: str = "SPIE Haute-Garonne <alertes@spie31.invalid>"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=15, gt=0)
    webhook_secret: SecretStr | None = Field(
        default=None, description="Key of the X-Spie-Signature HMAC; defaults to secret_key."
    )
    webhook_attempts: int = Field(default=3, ge=1, le=10)
    webhook_backoff_seconds: float = Field(default=1.0, ge=0)
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    delivery_workers: int = Field(default=2, ge=1, le=16)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_token_days: int = Field(
        default=7, ge=1, le=30, description="Life of a sign-in link (single-use)."
    )
    consumer_group: str = "notifier"

    @property
    def webhook_key(self) -> bytes:
        secret = self.webhook_secret or self.secret_key
        return secret.get_secret_value().encode()

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


def load_settings() -> NotifierSettings:
    return NotifierSettings()
