"""A need's results, on the real Kafka and PostgreSQL: the matcher's counts consumed from
spie.need-reach.v1 by the intake's lifespan, the newest kept per need, shown to the need's own
federation in the results fragment with every count under 5 masked; another federation: 404."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from shared.contracts import NeedReachComputed, NeedReachPayload, WhatIf
from shared.kafka.broker import make_broker, publish_event

from .conftest import MakeKey, need_body
from .portal import portal_user

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


async def signed_in(app: FastAPI, federation: str) -> dict[str, Any]:
    """A user of `federation` (a row of the intake's table) as the front door vouches for them,
    with a session cookie."""
    container = app.state.container
    session = await portal_user(container.pool, container.keyring, federation)
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    return {"headers": {**session.headers, "Cookie": cookie}}


def counts(need_id: str, federation: str, at: datetime, **changes: Any) -> NeedReachComputed:
    payload: dict[str, Any] = {
        "need_id": uuid.UUID(need_id),
        "federation": federation,
        "computed_at": at,
        "compatible": 12,
        "what_if": [
            WhatIf(relaxation="sans_permis", compatible=24),
            WhatIf(relaxation="plus_10_km", compatible=14),  # 2 more: masked
            WhatIf(relaxation="sans_horaire:night", compatible=19),
        ],
        "proposals": 3,  # masked
        "outcomes": {"proposed_to_employer": 6, "interview": 1, "hired": 5},
    }
    return NeedReachComputed(
        producer="matcher", payload=NeedReachPayload.model_validate(payload | changes)
    )


async def publish(kafka_bootstrap: str, *events: NeedReachComputed) -> None:
    broker = make_broker(kafka_bootstrap, client_id="test-matcher")
    async with broker:
        await broker.start()
        for event in events:
            await publish_event(broker, event)


async def fragment_once(
    client: httpx.AsyncClient, need_id: str, who: dict[str, Any], marker: str, wait: float = 60
) -> str:
    """The fragment once it shows `marker` (the counts travel through Kafka first)."""
    url = f"/federation/besoins/{need_id}/resultats"
    async with asyncio.timeout(wait):
        while True:
            r = await client.get(url, **who)
            assert r.status_code == 200, r.status_code
            if marker in r.text:
                return r.text
            await asyncio.sleep(0.25)


async def _post_need(client: httpx.AsyncClient, make_key: MakeKey, federation: str) -> str:
    r = await client.post(
        "/needs", json=need_body(), headers={"X-API-Key": await make_key(federation)}
    )
    assert r.status_code == 201, r.status_code
    return str(r.json()["need_id"])


async def test_the_counts_published_by_the_matcher_show_in_the_fragment_small_ones_masked(
    client: httpx.AsyncClient,
    intake_app: FastAPI,
    make_key: MakeKey,
    kafka_bootstrap: str,
    federation: str,
) -> None:
    need_id = await _post_need(client, make_key, federation)
    me = await signed_in(intake_app, federation)
    before = await client.get(f"/federation/besoins/{need_id}/resultats", **me)
    assert before.status_code == 200 and "arrivent quelques minutes" in before.text

    await publish(kafka_bootstrap, counts(need_id, federation, NOW))
    page = await fragment_once(client, need_id, me, "Sans permis exigé")

    assert "<html" not in page  # a fragment, no layout
    assert "<dd>12</dd>" in page  # compatible today
    assert "Sans permis exigé : 12 profils de plus" in page
    assert "Sans le travail de nuit : 7 profils de plus" in page
    assert "Avec 10 km de plus de trajet accepté : moins de 5 profils de plus" in page
    assert '<th scope="row">Propositions envoyées aux référents</th><td>moins de 5</td>' in page
    assert '<th scope="row">Proposé au recruteur</th><td>6</td>' in page
    assert '<th scope="row">Entretien</th><td>moins de 5</td>' in page
    assert '<th scope="row">Embauché</th><td>5</td>' in page
    assert 'role="img"' in page and '<title id="graphique-titre">' in page
    for small in (">1<", ">2<", ">3<"):
        assert small not in page


async def test_the_export_carries_the_counts_masked_under_five(
    client: httpx.AsyncClient,
    intake_app: FastAPI,
    make_key: MakeKey,
    kafka_bootstrap: str,
    federation: str,
) -> None:
    need_id = await _post_need(client, make_key, federation)
    uncounted = await _post_need(client, make_key, federation)
    me = await signed_in(intake_app, federation)
    await publish(kafka_bootstrap, counts(need_id, federation, NOW))
    await fragment_once(client, need_id, me, "<dd>12</dd>")
    export = await client.get("/federation/export.csv", **me)
    rows = {
        r["besoin"]: r
        for r in csv.DictReader(io.StringIO(export.text.removeprefix("\ufeff")), delimiter=";")
    }
    counted = rows[need_id]
    assert (counted["profils_compatibles"], counted["propositions"]) == ("12", "moins de 5")
    assert (counted["entretiens"], counted["embauches"]) == ("moins de 5", "5")
    # A need the matcher has not counted yet: empty cells, not zeros.
    assert rows[uncounted]["profils_compatibles"] == "" and rows[uncounted]["embauches"] == ""


async def test_older_counts_arriving_late_never_replace_newer_ones(
    client: httpx.AsyncClient,
    intake_app: FastAPI,
    make_key: MakeKey,
    kafka_bootstrap: str,
    federation: str,
) -> None:
    need_id = await _post_need(client, make_key, federation)
    me = await signed_in(intake_app, federation)
    newer = counts(need_id, federation, NOW, compatible=40)
    older = counts(need_id, federation, NOW - timedelta(minutes=5), compatible=30)
    await publish(kafka_bootstrap, newer, older)
    await fragment_once(client, need_id, me, "<dd>40</dd>")
    # A marker published after the older one: once it shows, the older one was consumed too.
    await publish(
        kafka_bootstrap, counts(need_id, federation, NOW + timedelta(seconds=1), compatible=41)
    )
    page = await fragment_once(client, need_id, me, "<dd>41</dd>")
    assert "<dd>30</dd>" not in page


async def test_another_federations_user_gets_a_404_on_the_need_and_none_of_its_counts(
    client: httpx.AsyncClient,
    intake_app: FastAPI,
    make_key: MakeKey,
    kafka_bootstrap: str,
    federation: str,
) -> None:
    need_id = await _post_need(client, make_key, federation)
    await publish(kafka_bootstrap, counts(need_id, federation, NOW, compatible=77))
    await fragment_once(client, need_id, await signed_in(intake_app, federation), "<dd>77</dd>")

    other = await client.get(
        f"/federation/besoins/{need_id}/resultats", **await signed_in(intake_app, f"{federation}X")
    )
    assert other.status_code == 404 and "77" not in other.text
    nobody = await client.get(f"/federation/besoins/{need_id}/resultats")
    assert nobody.status_code == 303 and "77" not in nobody.text


async def test_the_federations_weekly_totals_add_up_its_needs_counts_and_mask_small_ones(
    client: httpx.AsyncClient,
    intake_app: FastAPI,
    make_key: MakeKey,
    kafka_bootstrap: str,
    federation: str,
) -> None:
    first = await _post_need(client, make_key, federation)
    second = await _post_need(client, make_key, federation)
    me = await signed_in(intake_app, federation)
    await publish(
        kafka_bootstrap,
        counts(first, federation, NOW, proposals=6, outcomes={"hired": 2, "interview": 4}),
        counts(second, federation, NOW, proposals=5, outcomes={"hired": 1, "interview": 1}),
    )
    await fragment_once(client, second, me, "Sans permis exigé")
    await fragment_once(client, first, me, "Sans permis exigé")

    page = (await client.get("/federation/resultats", **me)).text
    [row] = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    # Posted 2 (masked), 11 proposals, 5 interviews, 3 hired (masked), none not relevant.
    assert cells == ["moins de 5", "11", "5", "moins de 5", "moins de 5"]
    assert 'role="img"' in page and "<h1>Résultats de la fédération</h1>" in page
    elsewhere = await client.get(
        "/federation/resultats", **await signed_in(intake_app, f"{federation}X")
    )
    # Another federation sees none of these weeks (its own page is empty).
    assert "Aucun besoin publié" in elsewhere.text and "<td>11</td>" not in elsewhere.text
