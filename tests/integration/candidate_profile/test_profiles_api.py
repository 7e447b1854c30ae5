"""Référents keep profiles over HTTP; only consented ones leave, erasure leaves nothing behind."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.candidate_profile.bootstrap import Services
from shared.contracts import ProfileErased, ProfileUpserted, decode_event
from shared.db.pool import connect
from tests.integration.candidate_profile.helpers import (
    CandidatesTopic,
    personal_data_left,
    profile_body,
)

Login = Callable[[str], Coroutine[Any, Any, dict[str, str]]]


def _in(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _consent(days: float = 180) -> dict[str, Any]:
    return {"purposes": ["matching"], "expires_at": _in(days)}


def _erased_then_tombstone(values: list[bytes | None]) -> bool:
    return len(values) >= 2 and values[-1] is None


async def test_a_consented_profile_is_published_without_its_first_name(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic, unique: str
) -> None:
    headers = await login(f"CD{unique}")
    body = profile_body(f"Samira{unique}", consent=_consent())
    created = await client.post("/profiles", json=body, headers=headers)
    assert created.status_code == 201, created.text
    profile = created.json()
    assert profile["desired_rome_codes"] == ["F1703"] and profile["published_for_matching"]

    values = await candidates.of(profile["candidate_id"], until=lambda v: len(v) == 1)
    assert values[0] is not None
    event = decode_event(values[0])
    assert isinstance(event, ProfileUpserted) and event.payload.version == 1
    for private in (f"Samira{unique}", body["contact_email"], body["notes"]):
        assert private not in values[0].decode()


async def test_a_profile_without_consent_is_kept_but_published_only_once_consent_is_granted(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic, unique: str
) -> None:
    headers = await login(f"CD{unique}")
    created = await client.post("/profiles", json=profile_body(f"Léa{unique}"), headers=headers)
    candidate_id = created.json()["candidate_id"]
    assert created.status_code == 201 and not created.json()["published_for_matching"]
    await asyncio.sleep(1.5)  # several relay polls: nothing may come out
    assert await candidates.of(candidate_id, until=lambda v: True) == []

    granted = await client.post(
        f"/profiles/{candidate_id}/consent", json=_consent(), headers=headers
    )
    assert granted.status_code == 200, granted.text
    values = await candidates.of(candidate_id, until=lambda v: len(v) == 1)
    event = decode_event(values[0] or b"")
    assert isinstance(event, ProfileUpserted) and event.payload.version == 2
    history = await client.get(f"/profiles/{candidate_id}/consent", headers=headers)
    assert [h["action"] for h in history.json()] == ["granted"]


async def _assert_erased_everywhere(
    client: httpx.AsyncClient, services: Services, candidates: CandidatesTopic,
    headers: dict[str, str], profile: dict[str, Any], reason: str,
) -> None:  # fmt: skip
    candidate_id = profile["candidate_id"]
    values = await candidates.of(candidate_id, until=_erased_then_tombstone)
    erased = decode_event(values[-2] or b"")
    assert isinstance(erased, ProfileErased)
    assert erased.payload.reason == reason and erased.payload.version == profile["version"]
    assert (await client.get(f"/profiles/{candidate_id}", headers=headers)).status_code == 404

    needles = [candidate_id, profile["first_name"], profile["notes"], profile["contact_email"]]
    conn = await connect(services.settings.dsn)
    try:
        # The retention job deletes the outbox rows of the erasure once they are published.
        for _ in range(20):
            left = await personal_data_left(conn, needles)
            if not left:
                break
            await asyncio.sleep(0.5)
        assert left == []
        assert await conn.fetchval("select count(*) from profiles.erasures where reason = $1"
                                   " and version = $2", reason, profile["version"])  # fmt: skip
    finally:
        await conn.close()


async def test_withdrawal_erases_the_profile_from_the_topic_and_the_database(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic, services: Services,
    unique: str,
) -> None:  # fmt: skip
    headers = await login(f"CD{unique}")
    body = profile_body(f"Nadia{unique}", consent=_consent())
    created = (await client.post("/profiles", json=body, headers=headers)).json()
    candidate_id = created["candidate_id"]
    key = {"Idempotency-Key": f"withdraw-{unique}"}
    withdrawn = await client.post(
        f"/profiles/{candidate_id}/consent/withdraw", headers=headers | key
    )
    assert withdrawn.status_code == 200 and withdrawn.json() == {"erased": True, "profile": None}
    await _assert_erased_everywhere(client, services, candidates, headers, created, "withdrawn")
    ledger = await services.pool.fetch(
        "select action from profiles.consent_ledger l join profiles.erasures e"
        " using (subject_hash) where e.erased_at > now() - interval '1 minute' order by l.id"
    )
    assert "withdrawn" in [r["action"] for r in ledger]  # the proof of consent outlives it


async def test_a_consent_expired_is_erased_by_the_scheduled_job(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic, services: Services,
    unique: str,
) -> None:  # fmt: skip
    headers = await login(f"CD{unique}")
    body = profile_body(f"Inès{unique}", consent=_consent(days=2 / 86400))  # two seconds
    created = (await client.post("/profiles", json=body, headers=headers)).json()
    await _assert_erased_everywhere(client, services, candidates, headers, created, "expired")


async def test_deleting_a_profile_erases_it_like_a_withdrawal(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic, services: Services,
    unique: str,
) -> None:  # fmt: skip
    headers = await login(f"CD{unique}")
    body = profile_body(f"Awa{unique}", consent=_consent())
    created = (await client.post("/profiles", json=body, headers=headers)).json()
    deleted = await client.delete(f"/profiles/{created['candidate_id']}", headers=headers)
    assert deleted.status_code == 204
    await _assert_erased_everywhere(client, services, candidates, headers, created, "deleted")


async def test_another_structure_sees_a_profile_only_while_it_is_shared(
    client: httpx.AsyncClient, login: Login, unique: str
) -> None:
    owner, other = await login(f"CD{unique}"), await login(f"FT{unique}")
    consent = {"purposes": ["matching", "sharing_with_partners"], "expires_at": _in(180)}
    body = profile_body(f"Jo{unique}", consent=consent)
    created = await client.post("/profiles", json=body, headers=owner)
    url = f"/profiles/{created.json()['candidate_id']}"
    update = profile_body(f"Jo{unique}", mobility_km=40)
    assert (await client.get(url, headers=other)).status_code == 404
    assert (await client.put(url, json=update, headers=other)).status_code == 404
    assert (await client.delete(url, headers=other)).status_code == 404

    shared = await client.post(f"{url}/shares", json={"structure": f"FT{unique}"}, headers=owner)
    assert shared.status_code == 200 and shared.json()["shared_with"] == [f"FT{unique}"]
    seen = await client.get(url, headers=other)
    assert seen.status_code == 200 and seen.json()["notes"] is None  # notes stay with the owner
    listed = await client.get("/profiles", headers=other)
    assert [p["candidate_id"] for p in listed.json()["items"]] == [created.json()["candidate_id"]]

    revoked = await client.delete(f"{url}/shares/FT{unique}", headers=owner)
    assert revoked.status_code == 200 and revoked.json()["shared_with"] == []
    assert (await client.get(url, headers=other)).status_code == 404
    assert (await client.put(url, json=update, headers=other)).status_code == 404
    assert (await client.get(url, headers=owner)).json()["version"] == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"commune_insee": "31999"}, "commune_insee"),
        ({"commune_insee": "Toulouse"}, "commune_insee"),
        ({"mobility_km": 201}, "mobility_km"),
        ({"mobility_km": -5}, "mobility_km"),
        ({"desired_jobs": []}, "desired_jobs"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"experience": "x" * 5001}, "experience"),
        ({"skills": ["x" * 121]}, "skills"),
        ({"nir": "185057800608436"}, "nir"),
        ({"health": "RQTH"}, "health"),
        ({"family_situation": "mère isolée"}, "family_situation"),
        ({"contact_email": "pas-un-mail"}, "contact_email"),
        ({"unavailable_schedules": ["sometimes"]}, "unavailable_schedules"),
        ({"desired_rome_codes": ["Z9999"]}, "desired_rome_codes"),
        ({"consent": {"purposes": ["matching"], "expires_at": _in(800)}}, "consent"),
        ({"consent": {"purposes": ["spam"], "expires_at": _in(10)}}, "consent"),
    ],
)
async def test_an_invalid_field_is_refused_with_its_name(
    client: httpx.AsyncClient, login: Login, unique: str, changes: dict[str, Any], field: str
) -> None:
    headers = await login(f"CD{unique}")
    response = await client.post(
        "/profiles", json={**profile_body(f"Bad{unique}"), **changes}, headers=headers
    )
    assert response.status_code == 422
    assert field in [e["loc"][1] for e in response.json()["detail"]]
    listed = await client.get("/profiles", headers=headers)
    assert listed.json()["items"] == []  # nothing stored


async def test_a_retried_creation_with_the_same_key_creates_one_profile(
    client: httpx.AsyncClient, login: Login, unique: str
) -> None:
    headers = await login(f"CD{unique}") | {"Idempotency-Key": f"create-{unique}"}
    body = profile_body(f"Zoé{unique}")
    first = await client.post("/profiles", json=body, headers=headers)
    again = await client.post("/profiles", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert json.loads(again.content) == first.json()
    other = await client.post("/profiles", json={**body, "mobility_km": 3}, headers=headers)
    assert other.status_code == 422 and other.json()["detail"][0]["loc"][1] == "Idempotency-Key"
    assert len((await client.get("/profiles", headers=headers)).json()["items"]) == 1


async def test_without_a_valid_token_nothing_is_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/profiles")).status_code == 401
    bad = {"Authorization": "Bearer spie_not-a-token"}
    assert (await client.get("/profiles", headers=bad)).status_code == 401


async def test_a_profile_unchanged_for_two_years_is_erased_as_inactive(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic, services: Services,
    unique: str,
) -> None:  # fmt: skip
    headers = await login(f"CD{unique}")
    body = profile_body(f"Rose{unique}", consent=_consent())
    created = (await client.post("/profiles", json=body, headers=headers)).json()
    await services.pool.execute(
        "update profiles.profiles set updated_at = now() - interval '731 days'"
        " where candidate_id = $1",
        uuid.UUID(created["candidate_id"]),
    )
    await _assert_erased_everywhere(client, services, candidates, headers, created, "inactive")
