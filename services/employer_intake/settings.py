"""Settings of the employer intake service, read once at start (prefix `SPIE_`)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import BaseServiceSettings

SCHEMA = "intake"
PRODUCER = "employer_intake"


class IntakeSettings(BaseServiceSettings):
    http_port: int = Field(default=8001, ge=1, le=65535, description="HTTP port of the API.")
    http_host: str = Field(default="127.0.0.1", description="Address the API listens on.")
    rate_limit_per_second: float = Field(
        default=20.0, ge=0, description="Sustained requests per second per API key; 0 = no limit."
    )
    rate_limit_burst: int = Field(default=100, ge=1, description="Requests allowed in a burst.")
    max_json_bytes: int = Field(default=256 * 1024, ge=1024, description="Largest JSON body.")
    max_bulk_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="Largest bulk file (CSV or JSON Lines)."
    )
    max_bulk_rows: int = Field(default=10_000, ge=1, description="Most rows in one bulk file.")
    duplicate_window_days: int = Field(
        default=30, ge=0, description="Same SIRET + ROME + commune within this: a duplicate."
    )
    pool_size: int = Field(default=10, ge=1, le=100)
    consumer_group: str = Field(
        default="employer_intake", description="Kafka group reading the matcher's readings."
    )


def load_settings() -> IntakeSettings:
    return IntakeSettings()
