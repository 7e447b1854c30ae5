"""How every Kafka client of the product authenticates and encrypts: one mapping from the
settings to client options, so the FastStream brokers, the outbox relays, the admin and the
readers all connect the same way.

`SPIE_KAFKA_SECURITY_PROTOCOL`: PLAINTEXT (the local stack), SSL, SASL_SSL or SASL_PLAINTEXT;
SASL takes `SPIE_KAFKA_SASL_MECHANISM` (SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN) with
`SPIE_KAFKA_SASL_USERNAME` / `SPIE_KAFKA_SASL_PASSWORD`; TLS trusts `SPIE_KAFKA_SSL_CAFILE` (else
the system's authorities) and presents `SPIE_KAFKA_SSL_CERTFILE` / `SPIE_KAFKA_SSL_KEYFILE` when
the brokers ask for a client certificate. In production, a protocol without TLS is refused
unless `SPIE_KAFKA_ALLOW_PLAINTEXT=true` says the network itself is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from aiokafka.helpers import create_ssl_context
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512
from pydantic import BaseModel, Field, FilePath, SecretStr

Protocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
Mechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]
_SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


@dataclass(frozen=True)
class KafkaSecurity:
    """What a client needs to connect; `PLAINTEXT` (the default) adds no option at all."""

    protocol: Protocol = "PLAINTEXT"
    mechanism: Mechanism = "SCRAM-SHA-512"
    username: str | None = None
    password: str | None = None
    cafile: Path | None = None
    certfile: Path | None = None
    keyfile: Path | None = None

    @property
    def uses_tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    def broker_security(self) -> BaseSecurity | None:
        """The FastStream form (KafkaBroker(security=...)); None for PLAINTEXT."""
        if self.protocol == "PLAINTEXT":
            return None
        context = (
            create_ssl_context(
                cafile=_str(self.cafile), certfile=_str(self.certfile), keyfile=_str(self.keyfile)
            )
            if self.uses_tls
            else None
        )
        if self.protocol == "SSL":
            return BaseSecurity(ssl_context=context, use_ssl=True)
        if self.username is None or self.password is None:
            raise ValueError(f"{self.protocol} needs a SASL username and password")
        return _SASL[self.mechanism](
            self.username, self.password, ssl_context=context, use_ssl=self.uses_tls
        )

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient:
        FastStream's own translation of `broker_security()`, so both kinds of client agree."""
        return parse_security(self.broker_security())


PLAINTEXT = KafkaSecurity()


def _str(path: Path | None) -> str | None:
    return None if path is None else str(path)


class KafkaSecuritySettings(BaseModel):
    """The `SPIE_KAFKA_*` security fields every service's settings carry."""

    kafka_security_protocol: Protocol = Field(
        default="PLAINTEXT", description="PLAINTEXT, SSL, SASL_SSL or SASL_PLAINTEXT."
    )
    kafka_sasl_mechanism: Mechanism = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: FilePath | None = Field(
        default=None, description="Authorities trusted for the brokers; default: the system's."
    )
    kafka_ssl_certfile: FilePath | None = None
    kafka_ssl_keyfile: FilePath | None = None
    kafka_allow_plaintext: bool = Field(
        default=False,
        description="Production only: accept a protocol without TLS (a network trusted as such).",
    )

    def kafka_security(self) -> KafkaSecurity:
        password = self.kafka_sasl_password
        return KafkaSecurity(
            protocol=self.kafka_security_protocol,
            mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_sasl_username,
            password=None if password is None else password.get_secret_value(),
            cafile=self.kafka_ssl_cafile,
            certfile=self.kafka_ssl_certfile,
            keyfile=self.kafka_ssl_keyfile,
        )

    def kafka_security_problem(self, environment: str) -> str | None:
        """Why these settings must not start (None: fine), with the variables named."""
        protocol = self.kafka_security_protocol
        if protocol.startswith("SASL_") and not (
            self.kafka_sasl_username and self.kafka_sasl_password
        ):
            return (
                f"SPIE_KAFKA_SECURITY_PROTOCOL={protocol} needs SPIE_KAFKA_SASL_USERNAME"
                " and SPIE_KAFKA_SASL_PASSWORD"
            )
        if environment == "production" and protocol in ("PLAINTEXT", "SASL_PLAINTEXT"):
            if not self.kafka_allow_plaintext:
                return (
                    f"SPIE_KAFKA_SECURITY_PROTOCOL={protocol} sends events (and SASL passwords)"
                    " in clear: use SSL or SASL_SSL in production, or set"
                    " SPIE_KAFKA_ALLOW_PLAINTEXT=true if the network is trusted as such"
                )
        return None
