"""Typed settings shared by every service: read once, by a function, never at import."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.kafka.security import KafkaSecuritySettings
from shared.keys import Keyring

PLACEHOLDER_SECRET = "dev-only-change-me"  # noqa: S105 - refused outside development
MIN_SECRET_BYTES = 32  # 256 bits: every purpose key is derived from it (shared/keys.py)


class BaseServiceSettings(KafkaSecuritySettings, BaseSettings):
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
        description="Root secret: only shared/keys.py reads it, to derive one key per purpose.",
    )
    key_generations: dict[str, int] = Field(
        default_factory=dict,
        description='Current generation of each purpose key, e.g. {"session": 2} (shared/keys.py).',
    )
    log_level: str = "INFO"
    outbox_keep_seconds: float = Field(
        default=600.0,
        ge=0,
        description="A published outbox row (an event, often with a candidate's data) is"
        " deleted this long after Kafka acknowledged it: the outboxes' erasure bound.",
    )

    @model_validator(mode="after")
    def _production_ready(self) -> BaseServiceSettings:
        """Fail at start, naming the variable, rather than run weak in front of real people."""
        if self.environment in ("development", "test"):
            return self
        secret = self.secret_key.get_secret_value()
        if secret == PLACEHOLDER_SECRET:
            raise ValueError("SPIE_SECRET_KEY is the development placeholder: set a real secret")
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"SPIE_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes long")
        doubles = [f"{name}={value}" for name, value in self.test_doubles().items()]
        if doubles:
            raise ValueError(f"test doubles refused in {self.environment}: {', '.join(doubles)}")
        return self

    @model_validator(mode="after")
    def _kafka_security_fits_the_environment(self) -> BaseServiceSettings:
        problem = self.kafka_security_problem(self.environment)
        if problem is not None:
            raise ValueError(problem)
        return self

    def test_doubles(self) -> dict[str, str]:
        """Variable -> value of each setting that stands in for a real component (none here)."""
        return {}

    def keyring(self) -> Keyring:
        """The per-purpose keys derived from `secret_key` (never use the root key directly)."""
        return Keyring(self.secret_key.get_secret_value().encode(), self.key_generations)

    @property
    def dsn(self) -> str:
        return self.database_url.get_secret_value()


def load_base_settings() -> BaseServiceSettings:
    return BaseServiceSettings()
