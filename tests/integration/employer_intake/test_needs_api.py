"""The federations' API on the real PostgreSQL and Kafka."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.contracts import NeedPayload

from .conftest import MakeKey, need_body, read_needs_topic

pytestmark = pytest.mark.integration


async def test_a_posted_need_appears_on_the_needs_topic_with_the_same_payload(
    client: httpx.AsyncClient, headers: dict[str, str], federation: str, kafka_bootstrap: str
) -> None:
    response = await client.post("/needs", json=need_body(), headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/needs/{body['need_id']}"
    assert (body["version"], body["federation"], body["rome_code"]) == (1, federation, "F1703")

    [event] = await read_needs_topic(kafka_bootstrap, federation, expected=1)
    assert event["event_type"] == "NeedPosted"
    assert event["producer"] == "employer_intake"
    assert event["payload"] == {k: body[k] for k in NeedPayload.model_fields}

    fetched = await client.get(f"/needs/{body['need_id']}", headers=headers)
    assert fetched.status_code == 200 and fetched.json() == body


async def test_another_federation_gets_404_on_a_need_it_does_not_own(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: MakeKey, unique: str
) -> None:
    need_id = (await client.post("/needs", json=need_body(), headers=headers)).json()["need_id"]
    other = {"X-API-Key": await make_key(f"O{unique}")}
    assert (await client.get(f"/needs/{need_id}", headers=other)).status_code == 404
    patch = await client.patch(f"/needs/{need_id}", json={"positions": 3}, headers=other)
    assert patch.status_code == 404
    close = await client.post(f"/needs/{need_id}/close", json={"reason": "filled"}, headers=other)
    assert close.status_code == 404
    assert (await client.get("/needs", headers=other)).json()["total"] == 0


async def test_no_key_a_bad_key_a_revoked_or_expired_key_get_401(
    client: httpx.AsyncClient, make_key: MakeKey, federation: str
) -> None:
    expired = await make_key(federation, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    forged = "spie_00000000_" + "x" * 43
    for headers in ({}, {"X-API-Key": "nonsense"}, {"X-API-Key": forged}, {"X-API-Key": expired}):
        response = await client.get("/needs", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "ApiKey"


INVALID: list[tuple[str, Any]] = [
    ("employer_name", ""),
    ("employer_name", "x" * 201),
    ("siret", "123 456"),
    ("title", None),
    ("description", "x" * 5001),
    ("rome_code", "F17"),
    ("rome_code", "A9999"),  # well formed, not in the referential
    ("skills", ["x" * 121]),
    ("skills", ["ok"] * 51),
    ("commune_insee", "ABCDE"),
    ("commune_insee", "75056"),  # Paris: not in the referential of Haute-Garonne
    ("contract_type", "FREELANCE"),
    ("hours_per_week", 0.5),
    ("hours_per_week", 49),
    ("positions", 0),
    ("driving_licence_required", "sometimes"),
    ("schedules", ["evening"]),
    ("start_date", "next monday"),
    ("open_to_beginners", "perhaps"),
    ("external_ref", ""),
    ("salary", 2000),
]


@pytest.mark.parametrize(("field", "value"), INVALID)
async def test_an_invalid_field_gets_422_naming_it_and_nothing_is_stored(
    client: httpx.AsyncClient, headers: dict[str, str], field: str, value: Any
) -> None:
    response = await client.post("/needs", json=need_body(**{field: value}), headers=headers)
    assert response.status_code == 422, response.text
    assert field in {e["loc"][1] for e in response.json()["detail"]}
    assert (await client.get("/needs", headers=headers)).json()["total"] == 0


async def test_a_missing_required_field_gets_422_naming_it(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = need_body()
    del body["commune_insee"], body["hours_per_week"]
    response = await client.post("/needs", json=body, headers=headers)
    assert response.status_code == 422
    assert {e["loc"][1] for e in response.json()["detail"]} == {"commune_insee", "hours_per_week"}


async def test_a_need_with_a_discriminating_sentence_is_accepted_and_flagged_in_the_event(
    client: httpx.AsyncClient, headers: dict[str, str], federation: str, kafka_bootstrap: str
) -> None:
    body = need_body(title="Maçonne", description="Chantier à Muret. Homme uniquement.")
    response = await client.post("/needs", json=body, headers=headers)
    assert response.status_code == 201
    flag = {"ground": "sex", "sentence": "Homme uniquement.", "article": "L1142-1"}
    # The federation sees its need as written, and which sentence is kept out of matching.
    assert response.json()["compliance_flags"] == [flag]
    assert response.json()["description"] == "Chantier à Muret. Homme uniquement."
    assert response.json()["screened"] == [
        {"field": "description", "sentence": "Homme uniquement.", "reason": "flagged"}
    ]
    assert response.json()["rome_code"] == "F1703"
    # The event (what the matcher embeds) carries the trade text and the ground, not the sentence.
    [event] = await read_needs_topic(kafka_bootstrap, federation, expected=1)
    assert event["payload"]["compliance_flags"] == [{**flag, "sentence": None}]
    assert event["payload"]["description"] == "Chantier à Muret."


async def test_a_sentence_with_health_or_family_data_is_kept_out_of_the_published_need(
    client: httpx.AsyncClient, headers: dict[str, str], federation: str, kafka_bootstrap: str
) -> None:
    text = "Remplacement d'un congé maternité. Chantiers de rénovation."
    body = need_body(description=text, skills=["coffrage", "garde d'enfants"])
    response = await client.post("/needs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["screened"] == [
        {"field": "description", "sentence": "Remplacement d'un congé maternité.",
         "reason": "pregnancy"}
    ]  # fmt: skip
    [event] = await read_needs_topic(kafka_bootstrap, federation, expected=1)
    assert event["payload"]["description"] == "Chantiers de rénovation."
    # "garde d'enfants" names a trade, not a family: published as written (the positive control).
    assert event["payload"]["skills"] == ["coffrage", "garde d'enfants"]


async def test_the_same_idempotency_key_twice_gives_one_need_and_one_event(
    client: httpx.AsyncClient, headers: dict[str, str], federation: str, kafka_bootstrap: str
) -> None:
    keyed = {**headers, "Idempotency-Key": "order-42"}
    first = await client.post("/needs", json=need_body(siret=None), headers=keyed)
    again = await client.post("/needs", json=need_body(siret=None), headers=keyed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    different = await client.post("/needs", json=need_body(positions=9), headers=keyed)
    assert different.status_code == 409
    events = await read_needs_topic(kafka_bootstrap, federation, expected=1)
    assert len(events) == 1


async def test_the_same_external_ref_twice_gives_one_need(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = need_body(external_ref="BTP31-2026-0042")
    first = await client.post("/needs", json=body, headers=headers)
    again = await client.post("/needs", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["need_id"] == first.json()["need_id"]
    assert (await client.get("/needs", headers=headers)).json()["total"] == 1


async def test_the_same_siret_rome_and_commune_within_30_days_is_a_probable_duplicate_for_both(
    client: httpx.AsyncClient, headers: dict[str, str], make_key: MakeKey, unique: str
) -> None:
    other = {"X-API-Key": await make_key(f"O{unique}")}
    siret = f"{int(unique, 16) % 10**14:014d}"
    first = (await client.post("/needs", json=need_body(siret=siret), headers=headers)).json()
    second = (await client.post("/needs", json=need_body(siret=siret), headers=other)).json()
    elsewhere = await client.post(
        "/needs", json=need_body(siret=siret, commune_insee="31555"), headers=other
    )
    assert first["notices"] == []  # at the time it was posted
    assert second["duplicate_of"] == first["need_id"]
    assert second["notices"] == ["doublon probable"]
    assert elsewhere.json()["duplicate_of"] is None
    first_now = (await client.get(f"/needs/{first['need_id']}", headers=headers)).json()
    assert first_now["notices"] == ["doublon probable"]


async def test_patch_bumps_the_version_and_close_ends_the_need_each_with_its_event(
    client: httpx.AsyncClient, headers: dict[str, str], federation: str, kafka_bootstrap: str
) -> None:
    need = (await client.post("/needs", json=need_body(), headers=headers)).json()
    url = f"/needs/{need['need_id']}"
    patched = await client.patch(url, json={"rome_code": "F1701", "positions": 3}, headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["version"] == 2
    assert (patched.json()["rome_code"], patched.json()["rome_source"]) == ("F1701", "given")
    same = await client.patch(url, json={"positions": 3}, headers=headers)
    assert same.json()["version"] == 2  # no change, no new version
    bad = await client.patch(url, json={"hours_per_week": None}, headers=headers)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "hours_per_week"]
    closed = await client.post(f"{url}/close", json={"reason": "filled"}, headers=headers)
    assert (closed.json()["status"], closed.json()["version"]) == ("filled", 3)
    assert (await client.patch(url, json={"positions": 1}, headers=headers)).status_code == 409
    assert (
        await client.post(f"{url}/close", json={"reason": "cancelled"}, headers=headers)
    ).status_code == 409

    events = await read_needs_topic(kafka_bootstrap, federation, expected=3)
    assert [(e["event_type"], e["payload"]["version"]) for e in events] == [
        ("NeedPosted", 1),
        ("NeedUpdated", 2),
        ("NeedClosed", 3),
    ]
    assert events[2]["payload"]["reason"] == "filled"


async def test_the_list_is_filtered_and_paginated(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for title, commune in [("Maçon", "31395"), ("Cariste", "31555"), ("Cariste", "31395")]:
        body = need_body(title=title, commune_insee=commune)
        assert (await client.post("/needs", json=body, headers=headers)).status_code == 201

    async def listed(**params: Any) -> dict[str, Any]:
        return (await client.get("/needs", params=params, headers=headers)).json()

    assert (await listed())["total"] == 3
    assert (await listed(commune="31395"))["total"] == 2
    assert [n["title"] for n in (await listed(rome_code="N1101"))["items"]] == ["Cariste"] * 2
    assert (await listed(status="filled"))["total"] == 0
    page = await listed(limit=2, offset=2)
    assert (len(page["items"]), page["total"]) == (1, 3)
    assert (await client.get("/needs", params={"limit": 0}, headers=headers)).status_code == 422


async def test_too_many_requests_get_429_with_retry_after(
    client: httpx.AsyncClient, headers: dict[str, str], intake_app: Any
) -> None:
    import dataclasses

    from services.employer_intake.domain.ratelimit import TokenBuckets

    container = intake_app.state.container
    intake_app.state.container = dataclasses.replace(
        container, limiter=TokenBuckets(rate=0.5, burst=2)
    )
    try:
        statuses = [(await client.get("/needs", headers=headers)) for _ in range(3)]
    finally:
        intake_app.state.container = container
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2].headers["retry-after"] == "2"
