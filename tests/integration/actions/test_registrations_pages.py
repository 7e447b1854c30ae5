"""The registration pages through the front door's identity header, on the real PostgreSQL:
an action's detail and its registration form, the structure's registrations and their
cancellation, the provider's attendance sheet (404 for anyone else)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from services.actions.bootstrap import Services
from tests.integration.actions._registrations import (
    Offer,
    Referent,
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
__all__ = ["reg_app", "reg_client", "reg_services"]


def _structure(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


async def _register_by_form(
    client: httpx.AsyncClient, who: Referent, offer: Offer, person: uuid.UUID
) -> httpx.Response:
    return await client.post(
        f"/actions/{offer.action_id}/inscriptions",
        headers=who.page,
        data={"csrf": who.csrf, "session": str(offer.session_id), "personne": str(person)},
    )


async def test_the_detail_page_describes_the_action_and_offers_the_structures_persons(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider, capacity=2)
    own = await new_referent(reg_services, _structure("CD31"))
    mine = await new_person(reg_services, own, commune="31069")
    not_mine = await new_person(reg_services, provider)

    page = await reg_client.get(f"/actions/{offer.action_id}", headers=own.page)

    assert page.status_code == 200
    text = page.text
    assert "<h1>Découvrir les métiers du BTP</h1>" in text
    for fact in ("Découverte des métiers", provider.structure, "Maçon / Maçonne", "(F1703)",
                 "Tous publics", "50 ans et plus", "Toulouse", "Accessible PMR"):  # fmt: skip
        assert fact in text, fact
    assert "2 places restantes sur 2" in text and "0 personne en liste d'attente" in text
    assert f'value="{mine}" data-commune="Blagnac"' in text
    assert "Personne suivie · Blagnac" in text
    assert str(not_mine) not in text  # another structure's person is not offered
    assert '<script src="/actions/static/inscription.js" defer></script>' in text
    script = await reg_client.get("/actions/static/inscription.js", headers=own.page)
    assert script.status_code == 200 and "/espace/api/prenoms" in script.text


async def test_a_link_with_the_person_and_session_lands_on_the_form_preselected(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider)
    own = await new_referent(reg_services, _structure("CD31"))
    person = await new_person(reg_services, own)

    page = await reg_client.get(
        f"/actions/{offer.action_id}",
        headers=own.page,
        params={"personne": str(person), "session": str(offer.session_id)},
    )
    stranger = await reg_client.get(
        f"/actions/{offer.action_id}",
        headers=provider.page,
        params={"personne": str(person), "session": str(offer.session_id)},
    )

    assert f'<input type="hidden" name="personne" value="{person}">' in page.text
    assert f'<span data-prenom="{person}">' in page.text
    # Another structure's référent is not shown the person, only the usual choice.
    assert f'data-prenom="{person}"' not in stranger.text


async def test_registering_by_the_form_says_inscrite_then_waiting_list_rank(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider, capacity=1)
    own = await new_referent(reg_services, _structure("CD31"))
    first, second = await new_person(reg_services, own), await new_person(reg_services, own)

    placed = await _register_by_form(reg_client, own, offer, first)
    waiting = await _register_by_form(reg_client, own, offer, second)
    again = await _register_by_form(reg_client, own, offer, second)

    assert placed.status_code == 201 and "est inscrite à" in placed.text
    assert waiting.status_code == 201 and "sur liste d'attente (rang 1)" in waiting.text
    assert again.status_code == 409 and "déjà inscrite" in again.text
    assert await places(reg_services, offer.session_id) == (1, 1)


async def test_a_form_without_the_sessions_token_registers_no_one(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider)
    own = await new_referent(reg_services, _structure("CD31"))
    person = await new_person(reg_services, own)

    forged = await reg_client.post(
        f"/actions/{offer.action_id}/inscriptions",
        headers=own.page,
        data={"csrf": "x", "session": str(offer.session_id), "personne": str(person)},
    )
    other = await _register_by_form(reg_client, provider, offer, person)

    assert forged.status_code == 403
    assert other.status_code == 404  # not a person of the provider's structure
    assert await statuses(reg_services, offer.session_id) == {}


async def test_my_registrations_page_lists_them_and_cancels_after_confirmation(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider)
    own = await new_referent(reg_services, _structure("CD31"))
    person = await new_person(reg_services, own)
    await _register_by_form(reg_client, own, offer, person)
    (registration_id,) = await statuses(reg_services, offer.session_id)

    listing = await reg_client.get("/actions/inscriptions", headers=own.page)
    confirm_url = f"/actions/inscriptions/{registration_id}/annulation"
    confirm = await reg_client.get(confirm_url, headers=own.page)
    by_provider = await reg_client.get(confirm_url, headers=provider.page)
    done = await reg_client.post(confirm_url, headers=own.page, data={"csrf": own.csrf})

    assert f'<span data-prenom="{person}">' in listing.text and "Inscrite" in listing.text
    assert f'href="{confirm_url}"' in listing.text
    assert confirm.status_code == 200 and "Oui, annuler l'inscription" in confirm.text
    assert by_provider.status_code == 404
    assert done.status_code == 303 and done.headers["location"].endswith("fait=annulee")
    assert (await statuses(reg_services, offer.session_id))[registration_id]["status"] == "annule"


async def test_the_attendance_sheet_is_the_providers_and_names_only_its_own_persons(
    reg_services: Services, reg_client: httpx.AsyncClient
) -> None:
    provider = await new_referent(reg_services, _structure("AFPA"))
    offer = await new_action(reg_services, provider, capacity=3)
    other = await new_referent(reg_services, _structure("CD31"))
    theirs = await new_person(reg_services, other)
    ours = await new_person(reg_services, provider)
    await _register_by_form(reg_client, other, offer, theirs)
    await _register_by_form(reg_client, provider, offer, ours)
    await start_session(reg_services, offer.session_id)
    url = f"/actions/{offer.action_id}/presences"

    sheet = await reg_client.get(url, headers=provider.page)
    refused = await reg_client.get(url, headers=other.page)

    assert sheet.status_code == 200 and refused.status_code == 404
    assert f"Personne inscrite par {other.structure}" in sheet.text
    assert str(theirs) not in sheet.text
    assert f'<span data-prenom="{ours}">' in sheet.text
    ids = {row["candidate_id"]: rid for rid, row in (await statuses(
        reg_services, offer.session_id)).items()}  # fmt: skip
    recorded = await reg_client.post(
        f"/actions/inscriptions/{ids[theirs]}/presence",
        headers=provider.page,
        data={"csrf": provider.csrf, "presence": "absent", "resultat": "Prévenu la veille"},
    )
    assert recorded.status_code == 303
    after = await reg_client.get(recorded.headers["location"], headers=provider.page)
    assert re.search(r"Absente · Prévenu la veille · enregistré", after.text)
