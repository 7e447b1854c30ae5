"""Every Kafka client gets the same TLS/SASL options from the settings, and production refuses
a protocol that sends events in clear."""

from __future__ import annotations

import secrets
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import ValidationError

from shared.kafka.broker import make_broker
from shared.kafka.security import PLAINTEXT, KafkaSecurity
from shared.settings import BaseServiceSettings

REAL_SECRET = secrets.token_urlsafe(48)


def settings(**values: Any) -> BaseServiceSettings:
    return BaseServiceSettings(_env_file=None, **values)  # type: ignore[call-arg]


def production(**values: Any) -> BaseServiceSettings:
    return settings(environment="production", secret_key=REAL_SECRET, **values)


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate standing for the brokers' private authority."""
    folder = tmp_path_factory.mktemp("ca")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=spie-test-ca", "-keyout", str(folder / "ca.key"),
         "-out", str(folder / "ca.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder / "ca.pem"


def test_plaintext_the_local_default_adds_no_option_to_any_client() -> None:
    security = settings().kafka_security()
    assert security == PLAINTEXT
    assert security.client_options() == {}
    assert security.broker_security() is None


def test_sasl_ssl_with_scram_gives_the_clients_credentials_and_a_verifying_tls_context(
    authority: Path,
) -> None:
    options = (
        settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="SCRAM-SHA-256",
            kafka_sasl_username="spie-matcher",
            kafka_sasl_password="s3cret",
            kafka_ssl_cafile=authority,
        )
        .kafka_security()
        .client_options()
    )
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-256"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "spie-matcher",
        "s3cret",
    )
    context = options["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "spie-test-ca"),),)]


@pytest.mark.parametrize(
    ("protocol", "mechanism", "tls"),
    [
        ("SASL_PLAINTEXT", "SCRAM-SHA-512", False),
        ("SASL_SSL", "SCRAM-SHA-512", True),
        ("SASL_SSL", "PLAIN", True),
    ],
)
def test_each_sasl_protocol_and_mechanism_maps_to_the_same_names_aiokafka_uses(
    protocol: Any, mechanism: Any, tls: bool
) -> None:
    security = KafkaSecurity(protocol=protocol, mechanism=mechanism, username="u", password="p")
    options = security.client_options()
    assert options["security_protocol"] == protocol
    assert options["sasl_mechanism"] == mechanism
    assert isinstance(options["ssl_context"], ssl.SSLContext) is tls


def test_ssl_alone_encrypts_without_sasl() -> None:
    options = KafkaSecurity(protocol="SSL").client_options()
    assert options["security_protocol"] == "SSL"
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert "sasl_mechanism" not in options


async def test_producers_consumers_admins_and_the_broker_accept_the_options() -> None:
    security = KafkaSecurity(protocol="SASL_SSL", username="u", password="p")
    options = security.client_options()
    # Constructed, not started: aiokafka checks the combination of options in its constructors.
    producer = AIOKafkaProducer(bootstrap_servers="kafka:9093", **options)
    consumer = AIOKafkaConsumer(bootstrap_servers="kafka:9093", **options)
    admin = AIOKafkaAdminClient(bootstrap_servers="kafka:9093", **options)
    assert producer.client._security_protocol == "SASL_SSL"
    assert consumer._client._sasl_mechanism == "SCRAM-SHA-512"
    assert admin._client._sasl_plain_username == "u"
    await producer.stop()
    await consumer.stop()
    await admin.close()
    broker = make_broker("kafka:9093", client_id="test", security=security)
    # What FastStream will hand to aiokafka when the broker connects.
    assert broker._connection_kwargs["security_protocol"] == "SASL_SSL"
    assert broker._connection_kwargs["sasl_plain_password"] == "p"


def test_sasl_without_a_password_is_refused_with_the_variables_named() -> None:
    with pytest.raises(ValidationError, match="SPIE_KAFKA_SASL_PASSWORD"):
        settings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="spie")


@pytest.mark.parametrize("protocol", ["PLAINTEXT", "SASL_PLAINTEXT"])
def test_production_refuses_a_kafka_protocol_without_tls(protocol: str) -> None:
    with pytest.raises(ValidationError, match=f"SPIE_KAFKA_SECURITY_PROTOCOL={protocol}"):
        production(
            kafka_security_protocol=protocol, kafka_sasl_username="u", kafka_sasl_password="p"
        )


def test_production_accepts_sasl_ssl() -> None:
    chosen = production(
        kafka_security_protocol="SASL_SSL", kafka_sasl_username="u", kafka_sasl_password="p"
    )
    assert chosen.kafka_security().uses_tls


def test_production_accepts_plaintext_only_with_the_explicit_override() -> None:
    chosen = production(kafka_security_protocol="PLAINTEXT", kafka_allow_plaintext=True)
    assert chosen.kafka_security().client_options() == {}


def test_development_keeps_plaintext_for_the_local_stack() -> None:
    assert settings(environment="development").kafka_security_protocol == "PLAINTEXT"


def test_a_service_reads_its_kafka_security_from_the_spie_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "SPIE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "SPIE_KAFKA_SASL_MECHANISM": "PLAIN",
        "SPIE_KAFKA_SASL_USERNAME": "spie-notifier",
        "SPIE_KAFKA_SASL_PASSWORD": "from-the-vault",
    }.items():
        monkeypatch.setenv(name, value)
    options = settings().kafka_security().client_options()
    assert (options["security_protocol"], options["sasl_mechanism"]) == ("SASL_SSL", "PLAIN")
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "spie-notifier",
        "from-the-vault",
    )
    assert "from-the-vault" not in repr(settings())  # a SecretStr in the settings
