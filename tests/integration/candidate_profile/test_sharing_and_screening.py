"""Sharing a profile needs the person's consent to it and shows the partner no contact details;
sentences with health, disability, pregnancy or family data never leave nor stay."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.contracts import ProfileUpserted, decode_event
from tests.integration.candidate_profile.helpers import CandidatesTopic, profile_body

pytestmark = pytest.mark.integration
Login = Callable[[str], Coroutine[Any, Any, dict[str, str]]]


def consent(*purposes: str) -> dict[str, Any]:
    return {
        "purposes": list(purposes),
        "expires_at": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
    }


async def _created(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> str:
    created = await client.post("/profiles", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["candidate_id"])


async def test_sharing_without_the_persons_consent_to_it_is_refused_in_french(
    client: httpx.AsyncClient, login: Login, unique: str
) -> None:
    owner, _ = await login(f"CD{unique}"), await login(f"FT{unique}")
    matching_only = profile_body(f"Ali{unique}", consent=consent("matching"))
    candidate_id = await _created(client, owner, matching_only)
    refused = await client.post(
        f"/profiles/{candidate_id}/shares", json={"structure": f"FT{unique}"}, headers=owner
    )
    assert refused.status_code == 409
    assert "n'a pas consenti au partage" in refused.json()["detail"]
    assert (await client.get(f"/profiles/{candidate_id}", headers=owner)).json()[
        "shared_with"
    ] == []

    # Positive control: the same share once the person consents to sharing with partners.
    granted = await client.post(
        f"/profiles/{candidate_id}/consent", json=consent("matching", "sharing_with_partners"),
        headers=owner,
    )  # fmt: skip
    assert granted.status_code == 200, granted.text
    shared = await client.post(
        f"/profiles/{candidate_id}/shares", json={"structure": f"FT{unique}"}, headers=owner
    )
    assert shared.status_code == 200 and shared.json()["shared_with"] == [f"FT{unique}"]


async def test_the_partner_reads_the_first_name_but_no_contact_details_nor_notes(
    client: httpx.AsyncClient, login: Login, unique: str
) -> None:
    owner, partner = await login(f"CD{unique}"), await login(f"FT{unique}")
    body = profile_body(f"Inès{unique}", contact_phone="06 12 34 56 78",
                        consent=consent("matching", "sharing_with_partners"))  # fmt: skip
    candidate_id = await _created(client, owner, body)
    url = f"/profiles/{candidate_id}"
    await client.post(f"{url}/shares", json={"structure": f"FT{unique}"}, headers=owner)

    seen = (await client.get(url, headers=partner)).json()
    listed = (await client.get("/profiles", headers=partner)).json()["items"]
    for view in (seen, *listed):
        assert (view["contact_email"], view["contact_phone"], view["notes"]) == (None, None, None)
        assert view["first_name"] == f"Inès{unique}" and view["desired_jobs"] == ["Maçonne"]
    # Positive control: the owning structure still reads everything.
    mine = (await client.get(url, headers=owner)).json()
    assert (mine["contact_email"], mine["contact_phone"]) == (
        body["contact_email"],
        "06 12 34 56 78",
    )


async def test_withdrawing_consent_to_sharing_ends_every_share_and_keeps_matching(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic, unique: str
) -> None:
    owner, partner = await login(f"CD{unique}"), await login(f"FT{unique}")
    body = profile_body(f"Lou{unique}", consent=consent("matching", "sharing_with_partners"))
    candidate_id = await _created(client, owner, body)
    url = f"/profiles/{candidate_id}"
    await client.post(f"{url}/shares", json={"structure": f"FT{unique}"}, headers=owner)
    assert (await client.get(url, headers=partner)).status_code == 200

    withdrawn = await client.post(
        f"{url}/consent/withdraw", json={"purposes": ["sharing_with_partners"]}, headers=owner
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["erased"] is False
    assert withdrawn.json()["profile"]["shared_with"] == []
    assert (await client.get(url, headers=partner)).status_code == 404
    assert (await client.get("/profiles", headers=partner)).json()["items"] == []
    values = await candidates.of(candidate_id, until=lambda v: len(v) == 3)
    last = decode_event(values[-1] or b"")
    assert isinstance(last, ProfileUpserted) and last.payload.shared_with == []
    assert isinstance(first := decode_event(values[1] or b""), ProfileUpserted)
    assert first.payload.shared_with == [f"FT{unique}"]  # the share had been published


async def test_a_sentence_with_family_or_health_data_is_removed_told_and_never_published(
    client: httpx.AsyncClient, login: Login, candidates: CandidatesTopic, unique: str
) -> None:
    owner = await login(f"CD{unique}")
    body = profile_body(
        f"Rose{unique}", consent=consent("matching"),
        experience="3 ans de garde d'enfants à domicile. Mère de deux enfants.\nRQTH depuis 2019.",
        skills=["garde d'enfants", "enceinte de 4 mois", "repassage"],
    )  # fmt: skip
    created = await client.post("/profiles", json=body, headers=owner)
    assert created.status_code == 201, created.text
    reply = created.json()
    assert [(s["field"], s["sentence"], s["category"]) for s in reply["screened"]] == [
        ("experience", "Mère de deux enfants.", "family_situation"),
        ("experience", "RQTH depuis 2019.", "disability"),
        ("skills.1", "enceinte de 4 mois", "pregnancy"),
    ]
    stored = (await client.get(f"/profiles/{reply['candidate_id']}", headers=owner)).json()
    assert stored["experience"] == "3 ans de garde d'enfants à domicile."
    assert stored["skills"] == ["garde d'enfants", "repassage"] and stored["screened"] == []

    [value] = await candidates.of(reply["candidate_id"], until=lambda v: len(v) == 1)
    assert value is not None
    for screened in ("Mère de deux", "RQTH", "enceinte"):
        assert screened not in value.decode()
    # Positive control: the childcare trade and the rest of the text are what gets matched.
    event = decode_event(value)
    assert isinstance(event, ProfileUpserted)
    assert event.payload.experience == "3 ans de garde d'enfants à domicile."
    assert event.payload.skills == ["garde d'enfants", "repassage"]


async def test_desired_jobs_that_are_all_screened_out_are_refused_by_name(
    client: httpx.AsyncClient, login: Login, unique: str
) -> None:
    owner = await login(f"CD{unique}")
    refused = await client.post(
        "/profiles",
        json=profile_body(f"Eva{unique}", desired_jobs=["Mère au foyer"]),
        headers=owner,
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "desired_jobs"]
    assert (await client.get("/profiles", headers=owner)).json()["items"] == []
