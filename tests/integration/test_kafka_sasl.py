"""The Kafka security settings work against a real broker: a second single-node Kafka (the
stack's jars) listening only on SASL_SSL with SCRAM-SHA-512, started by this module.

The product's own clients, built from the settings — the topic admin, the FastStream broker
and an aiokafka consumer — create a topic, publish and read back over it; a wrong password and
a client without TLS/SASL get nothing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka.admin import ensure_topics
from shared.kafka.broker import make_broker
from shared.kafka.security import KafkaSecurity
from shared.settings import BaseServiceSettings
from shared.topics import Topic

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CLASSPATH = REPO / ".stack" / "kafka" / "classpath.txt"
USER, PASSWORD = "spie-matcher", f"pw-{uuid.uuid4().hex}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_certificate(folder: Path) -> tuple[Path, Path]:
    """The broker's key and certificate in one PEM file (its keystore), and the certificate
    alone (the authority the clients trust)."""
    key, cert = folder / "broker.key", folder / "broker.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    keystore = folder / "broker.pem"
    keystore.write_text(key.read_text() + cert.read_text())
    return keystore, cert


def write_config(folder: Path, port: int, controller: int, keystore: Path, authority: Path) -> Path:
    jaas = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
        f' username="{USER}" password="{PASSWORD}";'
    )
    config = folder / "server.properties"
    config.write_text(
        f"""process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:{controller}
listeners=SASL_SSL://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=SASL_SSL://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config={jaas}
ssl.keystore.type=PEM
ssl.keystore.location={keystore}
ssl.truststore.type=PEM
ssl.truststore.location={authority}
log.dirs={folder / "data"}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
"""
    )
    return config


def security(password: str = PASSWORD, *, cafile: Path) -> KafkaSecurity:
    """What a service builds from its SPIE_KAFKA_* settings."""
    return BaseServiceSettings(
        _env_file=None,  # type: ignore[call-arg]
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username=USER,
        kafka_sasl_password=password,
        kafka_ssl_cafile=cafile,
    ).kafka_security()


async def answers(bootstrap: str, chosen: KafkaSecurity) -> bool:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=3000, **chosen.client_options()
    )
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return cluster["controller_id"] not in (None, -1)
    except Exception:
        return False
    finally:
        await admin.close()


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(bootstrap, authority file) of a SASL_SSL-only broker, stopped at the end."""
    if not CLASSPATH.is_file():
        pytest.skip("no Kafka jars yet: run `bash deploy/local/stack.sh up` once")
    folder = tmp_path_factory.mktemp("kafka-sasl")
    port, controller = free_port(), free_port()
    keystore, authority = write_certificate(folder)
    config = write_config(folder, port, controller, keystore, authority)
    classpath = CLASSPATH.read_text().strip()
    log4j = f"-Dlog4j2.configurationFile={REPO / '.stack' / 'kafka' / 'log4j2.properties'}"
    subprocess.run(
        ["java", log4j, "-cp", classpath, "kafka.tools.StorageTool", "format",
         "--config", str(config), "--cluster-id", "spie-sasl-test-cluster1",
         "--standalone", "--add-scram", f"SCRAM-SHA-512=[name={USER},password={PASSWORD}]"],
        check=True, capture_output=True,
    )  # fmt: skip
    with (folder / "kafka.log").open("wb") as log:
        process = subprocess.Popen(
            ["java", "-Xms128m", "-Xmx256m", log4j, "-cp", classpath, "kafka.Kafka", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    bootstrap = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not asyncio.run(answers(bootstrap, security(cafile=authority))):
            assert process.poll() is None, (folder / "kafka.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the SASL_SSL broker did not answer in 90 s"
            time.sleep(0.5)
        yield bootstrap, authority
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def test_the_products_clients_create_publish_and_read_over_sasl_ssl(
    sasl_broker: tuple[str, Path],
) -> None:
    bootstrap, authority = sasl_broker
    chosen = security(cafile=authority)
    topic = Topic(f"spie.sasl-test-{uuid.uuid4().hex[:8]}", partitions=1)
    reports = await ensure_topics(bootstrap, [topic], security=chosen)
    assert [r.action for r in reports] == ["created"]

    broker = make_broker(bootstrap, client_id="sasl-test", security=chosen)
    await broker.start()
    try:
        await broker.publish(b"over TLS, authenticated", topic.name, key=b"k")
    finally:
        await broker.stop()

    consumer = AIOKafkaConsumer(
        topic.name,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        **chosen.client_options(),
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), 30)
    finally:
        await consumer.stop()
    assert record.value == b"over TLS, authenticated"


async def test_a_wrong_password_gets_nothing(sasl_broker: tuple[str, Path]) -> None:
    bootstrap, authority = sasl_broker
    assert not await answers(bootstrap, security("not-the-password", cafile=authority))
    assert await answers(bootstrap, security(cafile=authority))  # positive control


async def test_a_client_without_tls_and_sasl_gets_nothing(sasl_broker: tuple[str, Path]) -> None:
    bootstrap, _ = sasl_broker
    assert not await answers(bootstrap, KafkaSecurity())
