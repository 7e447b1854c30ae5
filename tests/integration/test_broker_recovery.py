"""What was acknowledged with acks=all survives a broker crash (SIGKILL) and `stack.sh up`.

It kills the broker of the running stack, so it runs last and alone: `pytest -m recovery`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.kafka.admin import ensure_topics
from shared.topics import Topic

pytestmark = pytest.mark.recovery

REPO = Path(__file__).resolve().parents[2]
KAFKA_PID = REPO / ".stack" / "pids" / "kafka.pid"
COUNT = 100


def _broker_pid() -> int:
    """The broker started by deploy/local/stack.sh; never kill a process we cannot vouch for."""
    if not KAFKA_PID.is_file():
        pytest.fail(f"{KAFKA_PID} is missing: this test needs the broker of deploy/local/stack.sh")
    pid = int(KAFKA_PID.read_text().strip())
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    assert b"kafka.Kafka" in cmdline, f"pid {pid} is not the Kafka broker: {cmdline[:200]!r}"
    return pid


def _gone(pid: int) -> bool:
    """Dead, or a zombie that its parent has not reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


async def _kill_broker() -> int:
    pid = _broker_pid()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not _gone(pid):
        assert time.monotonic() < deadline, f"broker pid {pid} survived SIGKILL"
        await asyncio.sleep(0.1)
    return pid


async def _stack_up() -> None:
    proc = await asyncio.create_subprocess_exec(
        "bash",
        str(REPO / "deploy" / "local" / "stack.sh"),
        "up",
        cwd=REPO,
        env={**os.environ, "STACK_SERVICES": "0"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=180)
    assert proc.returncode == 0, f"stack.sh up failed:\n{out.decode(errors='replace')}"


async def test_acknowledged_messages_survive_a_broker_sigkill(
    kafka_bootstrap: str, unique: str
) -> None:
    topic = f"test.recovery.{unique}"
    await ensure_topics(kafka_bootstrap, [Topic(topic, partitions=1)])

    sent = [(f"key-{i % 10}".encode(), f"message-{i:03d}".encode()) for i in range(COUNT)]
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        pending = [await producer.send(topic, value=value, key=key) for key, value in sent]
        await asyncio.gather(*pending)  # every record acknowledged (acks=all) before the crash
    finally:
        await producer.stop()

    killed = await _kill_broker()
    await _stack_up()
    assert _broker_pid() != killed

    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    received: list[tuple[int, bytes | None, bytes | None]] = []
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        deadline = time.monotonic() + 60
        while len(received) < COUNT and time.monotonic() < deadline:
            batches = await consumer.getmany(tp, timeout_ms=1000)
            received += [(r.offset, r.key, r.value) for r in batches.get(tp, [])]
    finally:
        await consumer.stop()

    assert [(k, v) for _, k, v in received] == sent  # all back, in the order produced
    assert [offset for offset, _, _ in received] == list(range(COUNT))
