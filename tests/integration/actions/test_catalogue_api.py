"""The catalogue's JSON API on the real PostgreSQL: référents of the providing structure publish
and change their actions, each change published once through the outbox."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from services.actions.bootstrap import Services
from tests.integration.actions.catalogue_helpers import (
    action_body,
    far_day,
    fields_in_error,
    published,
    session,
)
from tests.integration.actions.conftest import MakeReferent

pytestmark = pytest.mark.integration


async def test_a_new_action_is_published_as_version_1_and_an_edit_as_version_2(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    created = await client.post(
        "/actions/api/actions", json=action_body(far_day()), headers=provider.api
    )
    assert created.status_code == 201, created.text
    action_id = created.json()["action_id"]
    assert created.json()["provider_structure"] == provider.structure
    edited = await client.put(
        f"/actions/api/actions/{action_id}",
        json=action_body(far_day(), title="Découvrir le BTP, saison 2") | {"sessions": None},
        headers=provider.api,
    )
    assert edited.status_code == 422  # sessions are not part of an edit
    body = action_body(far_day(), title="Découvrir le BTP, saison 2")
    del body["sessions"]
    edited = await client.put(f"/actions/api/actions/{action_id}", json=body, headers=provider.api)
    assert edited.status_code == 200, edited.text
    events = await published(services, action_id)
    assert [(e["version"], e["title"]) for e in events] == [
        (1, "Découvrir les métiers du BTP"),
        (2, "Découvrir le BTP, saison 2"),
    ]
    assert events[0]["sessions"][0]["places_left"] == 10


async def test_another_structures_referent_cannot_change_an_action_its_provider_can(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    other = await make_referent(f"CREPI{unique}")
    created = await client.post(
        "/actions/api/actions", json=action_body(far_day()), headers=provider.api
    )
    action_id = created.json()["action_id"]
    edit = action_body(far_day(), title="Détournée")
    del edit["sessions"]
    url = f"/actions/api/actions/{action_id}"
    assert (await client.put(url, json=edit, headers=other.api)).status_code == 404
    more = session(far_day())
    assert (await client.post(f"{url}/sessions", json=more, headers=other.api)).status_code == 404
    assert (await client.post(f"{url}/cloture", headers=other.api)).status_code == 404
    # Reading the shared catalogue is open to anyone signed in.
    assert (await client.get(url, headers=other.api)).json()["title"] != "Détournée"
    assert [e["version"] for e in await published(services, action_id)] == [1]
    # The provider's référent does all three.
    assert (await client.put(url, json=edit, headers=provider.api)).status_code == 200
    added = await client.post(f"{url}/sessions", json=more, headers=provider.api)
    assert added.status_code == 201 and len(added.json()["sessions"]) == 2
    closed = await client.post(f"{url}/cloture", headers=provider.api)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    # A closed action is no one else's business any more; its provider still reads it.
    assert (await client.get(url, headers=other.api)).status_code == 404
    assert (await client.get(url, headers=provider.api)).json()["status"] == "closed"
    assert (await client.put(url, json=edit, headers=provider.api)).status_code == 409
    assert [e["version"] for e in await published(services, action_id)] == [1, 2, 3, 4]


async def test_bad_fields_are_refused_with_each_field_named_and_nothing_stored(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    title = f"Refusée {unique}"
    past = session(far_day()) | {"starts_at": "2020-01-01T09:00:00+01:00"}
    bad = action_body(
        far_day(), title=title, rome_codes=["maçonnerie de rêve"], publics=[], sessions=[past]
    )
    refused = await client.post("/actions/api/actions", json=bad, headers=provider.api)
    assert refused.status_code == 422
    assert fields_in_error(refused) == {"rome_codes", "publics"}
    bad = action_body(far_day(), title=title, sessions=[past])
    refused = await client.post("/actions/api/actions", json=bad, headers=provider.api)
    assert fields_in_error(refused) == {"sessions.0.starts_at"}
    assert "à venir" in refused.json()["detail"][0]["msg"]
    async with services.pool.acquire() as conn:
        stored = await conn.fetchval("select count(*) from actions.actions where title = $1", title)
    assert stored == 0
    good = await client.post(
        "/actions/api/actions", json=action_body(far_day(), title=title), headers=provider.api
    )
    assert good.status_code == 201


async def test_a_capacity_below_the_places_taken_is_refused_on_the_field(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    created = await client.post(
        "/actions/api/actions", json=action_body(far_day()), headers=provider.api
    )
    action_id = created.json()["action_id"]
    session_id = created.json()["sessions"][0]["session_id"]
    async with services.transaction() as conn:  # three places taken, as registrations do
        await conn.execute(
            "update actions.sessions set registered = 3 where session_id = $1", session_id
        )
    url = f"/actions/api/actions/{action_id}/sessions/{session_id}"
    refused = await client.put(url, json={"capacity": 2}, headers=provider.api)
    assert refused.status_code == 422
    assert fields_in_error(refused) == {"capacity"}
    assert "3 places déjà prises" in refused.json()["detail"][0]["msg"]
    accepted = await client.put(url, json={"capacity": 3}, headers=provider.api)
    assert accepted.status_code == 200
    assert (
        accepted.json()["sessions"][0] | {"places_left": 0, "capacity": 3}
        == (accepted.json()["sessions"][0])
    )
    assert [e["version"] for e in await published(services, action_id)] == [1, 2]


async def test_the_api_refuses_a_caller_without_a_referents_assertion(
    client: httpx.AsyncClient, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    body = action_body(far_day())
    assert (await client.post("/actions/api/actions", json=body)).status_code == 401
    forged = {"Authorization": provider.api["Authorization"][:-4] + "AAAA"}
    assert (await client.post("/actions/api/actions", json=body, headers=forged)).status_code == 401
    assert (await client.get("/actions/api/actions", headers=provider.api)).status_code == 200


async def test_a_201st_session_is_refused_as_the_published_action_holds_200(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    day = far_day()
    created = await client.post("/actions/api/actions", json=action_body(day), headers=provider.api)
    action_id = created.json()["action_id"]
    async with services.transaction() as conn:  # 199 more, as earlier additions would have made
        await conn.executemany(
            "insert into actions.sessions (session_id, action_id, starts_at, ends_at, capacity)"
            " values (gen_random_uuid(), $1::uuid, $2, $3, 5)",
            [
                (action_id, day + timedelta(days=i), day + timedelta(days=i, hours=2))
                for i in range(1, 200)
            ],
        )
    url = f"/actions/api/actions/{action_id}/sessions"
    refused = await client.post(url, json=session(day - timedelta(days=1)), headers=provider.api)
    assert refused.status_code == 422 and fields_in_error(refused) == {"starts_at"}
    async with services.transaction() as conn:
        await conn.execute(
            "update actions.sessions set cancelled = true where action_id = $1::uuid"
            " and starts_at = $2",
            action_id,
            day + timedelta(days=5),
        )
    added = await client.post(url, json=session(day - timedelta(days=1)), headers=provider.api)
    assert added.status_code == 201 and len(added.json()["sessions"]) == 200
    await client.post(f"/actions/api/actions/{action_id}/cloture", headers=provider.api)
