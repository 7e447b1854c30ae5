"""Settings of the candidate profile service, read once at start (prefix SPIE_)."""

from __future__ import annotations

from pydantic import Field, model_validator

from shared.settings import BaseServiceSettings

SCHEMA = "profiles"


class ProfileSettings(BaseServiceSettings):
    http_port: int = Field(default=8002, ge=1, le=65535)
    max_body_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Largest request body (413 beyond)."
    )
    http_host: str = "127.0.0.1"
    retention_every_seconds: float = Field(
        default=300.0, gt=0, description="How often expired consents and old data are erased."
    )
    inactivity_days: int = Field(
        default=730, ge=1, description="A profile unchanged this long is erased."
    )
    token_days: int = Field(default=90, ge=1, le=3650, description="Life of a bearer token.")
    login_token_days: int = Field(
        default=7, ge=1, le=30, description="Life of the inbox sign-in link (single-use)."
    )
    idempotency_keep_hours: float = Field(default=24.0, ge=0)
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    consumer_group: str = Field(
        default="candidate_profile", description="Kafka group reading the registrations."
    )
    webhook_allow_loopback: bool = Field(
        default=False,
        description="Development and tests only: a webhook URL may point at 127.0.0.1 or ::1.",
    )

    @model_validator(mode="after")
    def _no_loopback_webhooks_in_production(self) -> ProfileSettings:
        if self.environment == "production" and self.webhook_allow_loopback:
            raise ValueError("SPIE_WEBHOOK_ALLOW_LOOPBACK is refused in production")
        return self


def load_settings() -> ProfileSettings:
    return ProfileSettings()
