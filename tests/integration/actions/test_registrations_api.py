"""Registrations on the real PostgreSQL: never more than the capacity under concurrent
registrations, the waiting list promoted in order, a person reachable only by the structures
that accompany them, attendance recorded by the provider, erasure of a person."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
import pytest

from services.actions.bootstrap import Services
from services.actions.handlers.erasure import erase_person
from shared.contracts.actions import RegistrationStatus
from tests.integration.actions._registrations import (
    changes,
    last_published,
    new_action,
    new_person,
    new_referent,
    places,
    reg_app,
    reg_client,
    reg_services,
    start_session,
    statuses,
)

pytestmark = pytest.mark.integration
__all__ = ["reg_app", "reg_client", "reg_services"]  # fixtures, used by name


def _structure(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


async def _register(
    client: httpx.AsyncClient, headers: dict[str, str], session_id: uuid.UUID, person: uuid.UUID
) -> httpx.Response:
    return await client.post(
        f"/actions/api/sessions/{session_id}/inscriptions",
        headers=headers,
        json={"candidate_id": str(person)},
    )


async def test_twenty_concurrent_registrations_fill_two_places_and_queue_eighteen(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider, capacity=2)
    referents = [await new_referent(reg_services, _structure("CD31")) for _ in range(4)]
    persons = [(r, await new_person(reg_services, r)) for r in referents for _ in range(5)]

    answers = await asyncio.gather(
        *(_register(reg_client, r.api, offer.session_id, p) for r, p in persons)
    )

    assert [a.status_code for a in answers] == [201] * 20, [a.text for a in answers]
    got = [a.json()["status"] for a in answers]
    assert got.count("inscrit") == 2 and got.count("liste_attente") == 18
    registered, holding = await places(reg_services, offer.session_id)
    assert registered == holding == 2
    ranks = sorted(a.json()["waiting_rank"] for a in answers if a.json()["waiting_rank"])
    assert ranks and ranks[0] == 1 and ranks[-1] <= 18
    published = await last_published(reg_services, offer.action_id)
    assert [s.places_left for s in published.payload.sessions] == [0]


async def test_cancelling_a_place_promotes_the_first_on_the_waiting_list(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider, capacity=2)
    referent = await new_referent(reg_services, _structure("CD31"))
    answers = []
    for _ in range(5):  # one after the other: the waiting list's order is known
        person = await new_person(reg_services, referent)
        answers.append(await _register(reg_client, referent.api, offer.session_id, person))
    ids = [uuid.UUID(a.json()["registration_id"]) for a in answers]
    assert [a.json()["status"] for a in answers] == ["inscrit"] * 2 + ["liste_attente"] * 3

    r = await reg_client.post(
        f"/actions/api/inscriptions/{ids[0]}/annulation", headers=referent.api
    )

    assert r.status_code == 200 and r.json()["status"] == "annule"
    now = await statuses(reg_services, offer.session_id)
    assert now[ids[2]]["status"] == "inscrit"  # the first who waited
    assert [now[i]["status"] for i in ids[3:]] == ["liste_attente", "liste_attente"]
    assert await places(reg_services, offer.session_id) == (2, 2)
    promoted = (await changes(reg_services, ids[2]))[-1].payload
    assert promoted.promoted and promoted.status is RegistrationStatus.REGISTERED
    assert promoted.previous_status is RegistrationStatus.WAITING and promoted.version == 2
    cancelled = (await changes(reg_services, ids[0]))[-1].payload
    assert cancelled.status is RegistrationStatus.CANCELLED and not cancelled.promoted


async def test_a_person_is_registered_only_by_the_structures_that_accompany_them(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider, capacity=5)
    own = await new_referent(reg_services, _structure("CD31"))
    stranger = await new_referent(reg_services, _structure("FT"))
    partner = await new_referent(reg_services, _structure("ML"))
    person = await new_person(reg_services, own, shared_with=[partner.structure])
    other = await new_person(reg_services, own, shared_with=[partner.structure])

    refused = await _register(reg_client, stranger.api, offer.session_id, person)
    unknown = await _register(reg_client, stranger.api, offer.session_id, uuid.uuid4())
    accepted = await _register(reg_client, own.api, offer.session_id, person)
    shared = await _register(reg_client, partner.api, offer.session_id, other)

    assert refused.status_code == 404 and unknown.status_code == 404
    assert refused.json() == unknown.json()  # nothing tells the person exists
    assert accepted.status_code == 201 and accepted.json()["status"] == "inscrit"
    assert shared.status_code == 201
    again = await _register(reg_client, own.api, offer.session_id, person)
    assert again.status_code == 409 and "déjà inscrite" in again.json()["detail"]
    assert await places(reg_services, offer.session_id) == (2, 2)


async def test_the_registering_structure_alone_cancels(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider)
    own = await new_referent(reg_services, _structure("CD31"))
    person = await new_person(reg_services, own)
    made = await _register(reg_client, own.api, offer.session_id, person)
    url = f"/actions/api/inscriptions/{made.json()['registration_id']}/annulation"

    by_provider = await reg_client.post(url, headers=provider.api)
    by_own = await reg_client.post(url, headers=own.api)
    twice = await reg_client.post(url, headers=own.api)

    assert by_provider.status_code == 404
    assert by_own.status_code == 200 and by_own.json()["status"] == "annule"
    assert twice.status_code == 409
    assert await places(reg_services, offer.session_id) == (0, 0)


async def test_registration_needs_a_session_to_come_and_a_running_consent(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    past = await new_action(reg_services, provider, starts_in=timedelta(hours=-2))
    future = await new_action(reg_services, provider)
    own = await new_referent(reg_services, _structure("CD31"))
    expired = await new_person(reg_services, own, consent_days=-1)
    person = await new_person(reg_services, own)

    too_late = await _register(reg_client, own.api, past.session_id, person)
    no_consent = await _register(reg_client, own.api, future.session_id, expired)
    fine = await _register(reg_client, own.api, future.session_id, person)

    assert too_late.status_code == 409 and "déjà commencé" in too_late.json()["detail"]
    assert no_consent.status_code == 409 and "consentement" in no_consent.json()["detail"]
    assert fine.status_code == 201


async def test_the_provider_records_attendance_and_outcome_once_the_session_began(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider)
    own = await new_referent(reg_services, _structure("CD31"))
    person = await new_person(reg_services, own)
    made = await _register(reg_client, own.api, offer.session_id, person)
    registration_id = uuid.UUID(made.json()["registration_id"])
    url = f"/actions/api/inscriptions/{registration_id}/presence"
    body = {"status": "present", "outcome": "Entrée en formation maçonnerie le 3 février"}

    early = await reg_client.post(url, headers=provider.api, json=body)
    await start_session(reg_services, offer.session_id)
    by_registrant = await reg_client.post(url, headers=own.api, json=body)
    recorded = await reg_client.post(url, headers=provider.api, json=body)

    assert early.status_code == 409
    assert by_registrant.status_code == 404  # only the providing structure
    assert recorded.status_code == 200 and recorded.json()["status"] == "present"
    event = (await changes(reg_services, registration_id))[-1].payload
    assert event.status is RegistrationStatus.ATTENDED
    assert event.outcome == body["outcome"]
    assert event.previous_status is RegistrationStatus.REGISTERED
    assert await places(reg_services, offer.session_id) == (1, 1)  # a present person keeps it


async def test_the_structure_lists_its_own_registrations_only(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider, capacity=3)
    own = await new_referent(reg_services, _structure("CD31"))
    other = await new_referent(reg_services, _structure("FT"))
    mine = await new_person(reg_services, own)
    theirs = await new_person(reg_services, other)
    await _register(reg_client, own.api, offer.session_id, mine)
    await _register(reg_client, other.api, offer.session_id, theirs)

    listed = await reg_client.get("/actions/api/inscriptions", headers=own.api)
    by_person = await reg_client.get(
        "/actions/api/inscriptions", headers=own.api, params={"candidate_id": str(theirs)}
    )

    assert [r["candidate_id"] for r in listed.json()] == [str(mine)]
    assert by_person.json() == []


async def test_an_erased_person_frees_their_place_for_the_first_waiting_and_is_forgotten(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider, capacity=1)
    own = await new_referent(reg_services, _structure("CD31"))
    leaving, waiting = await new_person(reg_services, own), await new_person(reg_services, own)
    first = await _register(reg_client, own.api, offer.session_id, leaving)
    second = await _register(reg_client, own.api, offer.session_id, waiting)
    first_id = uuid.UUID(first.json()["registration_id"])
    second_id = uuid.UUID(second.json()["registration_id"])

    async with reg_services.transaction() as conn:
        await erase_person(conn, leaving)

    now = await statuses(reg_services, offer.session_id)
    assert now[first_id]["candidate_id"] is None and now[first_id]["status"] == "annule"
    assert now[second_id]["status"] == "inscrit"
    assert (await changes(reg_services, second_id))[-1].payload.promoted
    assert await places(reg_services, offer.session_id) == (1, 1)
    assert len(now) == 2  # the rows stay for the counts
    async with reg_services.pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "select count(*) from actions.persons where candidate_id = $1", leaving
            )
            == 0
        )
    # The erased person's cancellation is not announced: nothing names them any more.
    assert [e.payload.status for e in await changes(reg_services, first_id)] == ["inscrit"]
