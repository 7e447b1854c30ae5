"""Settings of the notifier, read once at start (prefix SPIE_)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, FilePath, SecretStr, model_validator

from shared.settings import BaseServiceSettings


class NotifierSettings(BaseServiceSettings):
    http_port: int = Field(default=8004, ge=1, le=65535)
    http_host: str = Field(default="127.0.0.1", description="Address the pages listen on.")
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
    smtp_tls: Literal["starttls", "implicit", "none"] = Field(
        default="starttls",
        description="starttls (required, never a fallback to clear text), implicit (port 465)"
        " or none (the local mail sink only; refused in production).",
    )
    smtp_ca_file: FilePath | None = Field(
        default=None, description="Authorities trusted for the mail relay; default: the system's."
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=15, gt=0)
    # Webhooks are signed with each structure's own secret (`webhook-secret create`), never
    # with a key derived from secret_key.
    webhook_attempts: int = Field(default=3, ge=1, le=10)
    webhook_backoff_seconds: float = Field(
        default=30.0, ge=0, description="First wait before a failed webhook is tried again."
    )
    webhook_timeout_seconds: float = Field(
        default=5.0, gt=0, le=30, description="Whole POST, connection included."
    )
    webhook_connect_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    webhook_lease_seconds: float = Field(
        default=60.0, gt=0, description="A claimed webhook not settled by then is taken again."
    )
    webhook_workers: int = Field(default=2, ge=1, le=16)
    webhook_breaker_failures: int = Field(
        default=5, ge=1, description="Failures in a row after which a destination is paused."
    )
    webhook_breaker_seconds: float = Field(default=300.0, gt=0, description="The pause.")
    webhook_allow_loopback: bool = Field(
        default=False,
        description="Development and tests only: webhooks may go to 127.0.0.1 or ::1.",
    )
    delivery_workers: int = Field(default=2, ge=1, le=16)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)
    email_spacing_seconds: float = Field(
        default=60,
        ge=0,
        le=3600,
        description="At most one immediate e-mail a référent this often; the alerts that follow"
        " wait and go together in one e-mail (0: each due alert at once).",
    )
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_token_days: int = Field(
        default=7, ge=1, le=30, description="Life of a sign-in link (single-use)."
    )
    login_link_minutes: int = Field(
        default=30,
        ge=5,
        le=24 * 60,
        description="Life of a sign-in link asked for by e-mail at the front door (single-use).",
    )
    consumer_group: str = "notifier"

    @model_validator(mode="after")
    def _no_clear_text_smtp_in_production(self) -> NotifierSettings:
        if self.environment == "production" and self.smtp_tls == "none":
            raise ValueError(
                "SPIE_SMTP_TLS=none sends alerts and SMTP passwords in clear: use starttls or"
                " implicit in production"
            )
        return self

    @model_validator(mode="after")
    def _webhook_rules_hold(self) -> NotifierSettings:
        if self.environment == "production" and self.webhook_allow_loopback:
            raise ValueError("SPIE_WEBHOOK_ALLOW_LOOPBACK is refused in production")
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError("SPIE_WEBHOOK_LEASE_SECONDS must exceed SPIE_WEBHOOK_TIMEOUT_SECONDS")
        return self

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


def load_settings() -> NotifierSettings:
    return NotifierSettings()
