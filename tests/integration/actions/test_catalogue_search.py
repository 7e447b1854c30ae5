"""Anyone signed in finds every partner's open actions by trade, place, dates, public and kind;
each day of these tests is its own, so a search on it sees only the test's actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.actions.bootstrap import Services
from tests.integration.actions.catalogue_helpers import action_body, search_day, session
from tests.integration.actions.conftest import MakeReferent, SignedIn

pytestmark = pytest.mark.integration
TOULOUSE, COLOMIERS = "31555", "31149"


async def publish(client: httpx.AsyncClient, who: SignedIn, body: dict[str, Any]) -> str:
    created = await client.post("/actions/api/actions", json=body, headers=who.api)
    assert created.status_code == 201, created.text
    return str(created.json()["action_id"])


async def found(client: httpx.AsyncClient, who: SignedIn, **params: Any) -> list[str]:
    response = await client.get("/actions/api/actions", params=params, headers=who.api)
    assert response.status_code == 200, response.text
    return [r["action_id"] for r in response.json()["results"]]


async def test_an_action_10_km_away_is_found_within_20_km_not_within_5(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    assert 7 < services.referential.distance_km(TOULOUSE, COLOMIERS) < 13
    provider = await make_referent(f"AFPA{unique}")
    searcher = await make_referent(f"CREPI{unique}")
    day = search_day()
    colomiers = await publish(client, provider, action_body(day, commune_insee=COLOMIERS))
    remote = await publish(
        client, provider, action_body(day, commune_insee=None, remote=True, kind="webinaire")
    )
    when = {"date_from": day.date().isoformat(), "date_to": day.date().isoformat()}
    wide = await found(client, searcher, trade="maçonne", commune=TOULOUSE, km=20, **when)
    assert wide == [colomiers]
    assert await found(client, searcher, trade="F1703", commune=TOULOUSE, km=5, **when) == []
    # À distance, when asked, besides the places within the radius.
    near_or_remote = await found(client, searcher, commune=TOULOUSE, km=5, remote=True, **when)
    assert near_or_remote == [remote]
    assert set(await found(client, searcher, **when)) == {colomiers, remote}


async def test_a_search_keeps_the_dates_public_and_kind_asked(
    client: httpx.AsyncClient, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    day = search_day()
    for_all = await publish(client, provider, action_body(day))
    for_over_50 = await publish(
        client, provider, action_body(day, publics=["50_ans_et_plus"], kind="atelier")
    )
    later = await publish(client, provider, action_body(day + timedelta(days=2)))
    first_day = {"date_from": day.date().isoformat(), "date_to": day.date().isoformat()}
    assert set(await found(client, provider, **first_day)) == {for_all, for_over_50}
    to_later = (day + timedelta(days=2)).date().isoformat()
    both_days = {"date_from": day.date().isoformat(), "date_to": to_later}
    assert set(await found(client, provider, **both_days)) == {for_all, for_over_50, later}
    # An action for everyone is for the over-50s too; one for the over-50s is not for the young.
    over_50 = await found(client, provider, public="50_ans_et_plus", **first_day)
    assert set(over_50) == {for_all, for_over_50}
    assert await found(client, provider, public="jeunes", **first_day) == [for_all]
    assert await found(client, provider, kind="atelier", **both_days) == [for_over_50]


async def test_results_come_next_session_first_with_the_places_left_and_closed_ones_go(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    day = search_day()
    afternoon = await publish(
        client, provider, action_body(day, sessions=[session(day, hours=5, capacity=4)])
    )
    morning = await publish(client, provider, action_body(day))
    async with services.transaction() as conn:
        await conn.execute(
            "update actions.sessions set registered = 3 where action_id = $1::uuid", afternoon
        )
    when = {"date_from": day.date().isoformat(), "date_to": day.date().isoformat()}
    response = await client.get("/actions/api/actions", params=when, headers=provider.api)
    results = response.json()["results"]
    assert [r["action_id"] for r in results] == [morning, afternoon]
    assert [r["next_session"]["places_left"] for r in results] == [10, 1]
    await client.post(f"/actions/api/actions/{morning}/cloture", headers=provider.api)
    assert await found(client, provider, **when) == [afternoon]


async def test_a_search_with_an_unknown_commune_or_trade_says_which(
    client: httpx.AsyncClient, make_referent: MakeReferent, unique: str
) -> None:
    searcher = await make_referent(f"CREPI{unique}")
    response = await client.get(
        "/actions/api/actions",
        params={"commune": "Atlantide", "trade": "zzzz"},
        headers=searcher.api,
    )
    assert response.status_code == 422
    assert {e["loc"][1] for e in response.json()["detail"]} == {"commune", "trade"}
