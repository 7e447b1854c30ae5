"""Typed settings shared by every service: read once, by a function, never at import."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "dev-only-change-me"  # noqa: S105 - refused outside development


class BaseServiceSettings(BaseSettings):
    """What every process of the product needs to find Kafka and PostgreSQL.

    Environment variables carry the `SPIE_` prefix, e.g. `SPIE_KAFKA_BOOTSTRAP`.
    """

    model_config = SettingsConfigDict(env_prefix="SPIE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092", description="Comma-separated host:port of Kafka brokers."
    )
    database_url: SecretStr = Field(
        default=SecretStr("postgresql://postgres@127.0.0.1:55432/spie"),
        description="PostgreSQL DSN (asyncpg).",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SECRET),
        description="Key for HMAC signatures and token hashing pepper.",
    )
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _no_placeholder_secret_outside_development(self) -> BaseServiceSettings:
        if (
            self.environment == "production"
            and self.secret_key.get_secret_value() == PLACEHOLDER_SECRET
        ):
            raise ValueError("SPIE_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def dsn(self) -> str:
        return self.database_url.get_secret_value()


def load_base_settings() -> BaseServiceSettings:
    return BaseServiceSettings()
