"""Settings of the actions service (the banque d'actions commune), read once at start (SPIE_)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import BaseServiceSettings

SCHEMA = "actions"
PRODUCER = "actions"


class ActionsSettings(BaseServiceSettings):
    http_port: int = Field(default=8005, ge=1, le=65535, description="HTTP port of the service.")
    http_host: str = Field(default="127.0.0.1", description="Address the service listens on.")
    max_body_bytes: int = Field(
        default=2 * 1024 * 1024, ge=1024, description="Largest request body (a catalogue CSV)."
    )
    pool_size: int = Field(default=10, ge=1, le=100)
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    consumer_group: str = Field(
        default="actions", description="Kafka group reading référents and consented profiles."
    )


def load_settings() -> ActionsSettings:
    return ActionsSettings()
