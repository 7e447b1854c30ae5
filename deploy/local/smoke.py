"""The demo's smoke scenario until the services run: a need crosses the real Kafka and the
referential answers from the real PostgreSQL."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer
from rich.console import Console
from rich.table import Table

from shared.contracts import NeedPosted, decode_event
from shared.db.pool import connect
from shared.kafka.broker import make_broker, publish_event
from shared.settings import load_base_settings
from shared.topics import NEEDS


async def main() -> None:
    console = Console()
    settings = load_base_settings()
    need = NeedPosted(
        producer="demo",
        correlation_id=uuid.uuid4(),
        payload={
            "need_id": uuid.uuid4(),
            "version": 1,
            "federation": "BTP31",
            "employer_name": "Bâtir Garonne (démo)",
            "title": "Maçon / Maçonne",
            "description": "Rénovation de logements sociaux, équipe de 6.",
            "rome_code": "F1703",
            "skills": ["lecture de plans", "coulage de béton"],
            "commune_insee": "31395",
            "contract_type": "CDD",
            "hours_per_week": 35,
            "schedules": ["day", "early_morning"],
            "open_to_beginners": True,
        },
    )
    consumer = AIOKafkaConsumer(
        NEEDS.name,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=f"demo-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="latest",
    )
    await consumer.start()
    broker = make_broker(settings.kafka_bootstrap, client_id="demo")
    t0 = time.perf_counter()
    try:
        await consumer.seek_to_end()
        async with broker:
            await broker.start()
            await publish_event(broker, need)
        while True:
            record = await asyncio.wait_for(consumer.getone(), timeout=30)
            if decode_event(record.value).event_id == need.event_id:
                break
    finally:
        await consumer.stop()
    elapsed_ms = (time.perf_counter() - t0) * 1000

    conn = await connect(settings.dsn)
    try:
        counts = {
            "fiches ROME": await conn.fetchval("select count(*) from referential.fiches"),
            "appellations": await conn.fetchval("select count(*) from referential.appellations"),
            "communes": await conn.fetchval("select count(*) from referential.communes"),
        }
    finally:
        await conn.close()

    table = Table(title="SPIE Haute-Garonne — smoke scenario")
    table.add_column("what")
    table.add_column("result")
    table.add_row("NeedPosted round trip on spie.needs.v1", f"{elapsed_ms:.0f} ms")
    for name, count in counts.items():
        table.add_row(name, str(count))
    console.print(table)


if __name__ == "__main__":
    asyncio.run(main())
