"""The catalogue's pages, as the front door serves them to a signed-in référent."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.actions.bootstrap import Services
from services.actions.domain.when import in_paris
from tests.integration.actions.catalogue_helpers import action_body, far_day, published
from tests.integration.actions.conftest import MakeReferent, SignedIn

pytestmark = pytest.mark.integration


async def get(client: httpx.AsyncClient, who: SignedIn, url: str, **params: Any) -> httpx.Response:
    client.cookies = who.cookies  # the session of the référent this call is made as
    return await client.get(url, params=params, headers=who.page_headers)


async def post(
    client: httpx.AsyncClient, who: SignedIn, url: str, data: dict[str, Any], **kw: Any
) -> httpx.Response:
    client.cookies = who.cookies
    return await client.post(url, data={"csrf": who.csrf} | data, headers=who.page_headers, **kw)


def form_of(title: str, **changes: Any) -> dict[str, Any]:
    day = in_paris(far_day())
    fields = {
        "type": "atelier",
        "intitule": title,
        "metier_1": "Maçon / Maçonne",
        "publics": ["tous", "50_ans_et_plus"],
        "commune": "Muret (31395)",
        "date": day.date().isoformat(),
        "heure_debut": "09:00",
        "heure_fin": "12:00",
        "places": "8",
        "horaires": ["day"],
    }
    return fields | changes


async def test_pages_ask_to_sign_in_first(client: httpx.AsyncClient) -> None:
    for url in ("/actions", "/actions/nouvelle", "/actions/import", "/actions/api/metiers"):
        response = await client.get(url)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/connexion?suite=/actions")


async def test_a_referent_publishes_an_action_from_the_form_and_finds_it_in_the_catalogue(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    searcher = await make_referent(f"CD31{unique}")
    form = form_of(f"Atelier chantier {unique}")
    created = await post(client, provider, "/actions/nouvelle", form)
    assert created.status_code == 303
    action_id = created.headers["location"].removeprefix("/actions/")
    assert [e["version"] for e in await published(services, action_id)] == [1]
    page = await get(
        client, searcher, "/actions", trade="maçon", commune="Muret", km="5",
        date_from=form["date"], date_to=form["date"],
    )  # fmt: skip
    assert page.status_code == 200
    assert f'href="/actions/{action_id}">Atelier chantier {unique}</a>' in page.text
    assert f"proposée par AFPA{unique}" in page.text
    assert "<dt>Places restantes</dt><dd>8</dd>" in page.text
    assert 'href="/actions/nouvelle"' in page.text and 'href="/actions/import"' in page.text


async def test_a_form_with_errors_comes_back_with_its_values_and_each_error_by_its_field(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    title = f"Atelier refusé {unique}"
    bad = form_of(title, metier_1="maçonnerie lunaire", commune="Atlantide", places="0")
    refused = await post(client, provider, "/actions/nouvelle", bad)
    assert refused.status_code == 422
    for name in ("metiers", "commune", "places"):
        assert f'id="erreur-{name}"' in refused.text
    assert f'value="{title}"' in refused.text  # values kept
    assert 'value="maçonnerie lunaire"' in refused.text
    async with services.pool.acquire() as conn:
        assert not await conn.fetchval("select 1 from actions.actions where title = $1", title)
    no_token = await post(client, provider, "/actions/nouvelle", form_of(title) | {"csrf": "x"})
    assert no_token.status_code == 403


async def test_only_the_providers_referents_reach_the_actions_edit_pages(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    other = await make_referent(f"CREPI{unique}")
    created = await client.post(
        "/actions/api/actions", json=action_body(far_day()), headers=provider.api
    )
    action_id = created.json()["action_id"]
    for url in (f"/actions/{action_id}/modifier", f"/actions/{action_id}/seances/nouvelle"):
        assert (await get(client, other, url)).status_code == 404
        assert (await get(client, provider, url)).status_code == 200
    edit = form_of("Détournée")
    assert (await post(client, other, f"/actions/{action_id}/modifier", edit)).status_code == 404
    saved = await post(client, provider, f"/actions/{action_id}/modifier", edit)
    assert saved.status_code == 303
    later = in_paris(far_day() + timedelta(days=1))
    added = await post(
        client,
        provider,
        f"/actions/{action_id}/seances/nouvelle",
        {
            "date": later.strftime("%d/%m/%Y"),
            "heure_debut": "14h",
            "heure_fin": "17h",
            "places": "5",
        },
    )
    assert added.status_code == 303
    close = f"/actions/{action_id}/cloture"
    assert (await post(client, other, close, {})).status_code == 404
    assert (await post(client, provider, close, {})).status_code == 303
    closed = await get(client, provider, f"/actions/{action_id}/modifier", fait="close")
    assert "Cette action est close" in closed.text
    assert [e["version"] for e in await published(services, action_id)] == [1, 2, 3, 4]


async def test_the_edit_page_refuses_fewer_places_than_taken_beside_the_session(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    created = await client.post(
        "/actions/api/actions", json=action_body(far_day()), headers=provider.api
    )
    action_id, session_id = created.json()["action_id"], created.json()["sessions"][0]["session_id"]
    async with services.transaction() as conn:
        await conn.execute(
            "update actions.sessions set registered = 4 where session_id = $1::uuid", session_id
        )
    url = f"/actions/{action_id}/seances/{session_id}/places"
    refused = await post(client, provider, url, {"places": "3"})
    assert refused.status_code == 422
    assert re.search(rf'id="erreur-places-{session_id}".*4 places déjà prises', refused.text)
    assert (await post(client, provider, url, {"places": "6"})).status_code == 303


async def test_the_import_page_lists_every_bad_line_and_the_trade_field_offers_the_rome(
    client: httpx.AsyncClient, make_referent: MakeReferent, unique: str
) -> None:
    partner = await make_referent(f"FACE{unique}")
    body = (
        "reference;type;intitule;publics;commune;date;heure_debut;heure_fin;places\n"
        f"A-{unique};atelier;CV;tous;31555;12/01/2030;09:00;12:00;10\n"
        f"B-{unique};atelier;CV;personne;31555;12/01/2030;09:00;12:00;10\n"
    )
    files = {"fichier": ("catalogue.csv", body.encode(), "text/csv")}
    refused = await post(client, partner, "/actions/import", {}, files=files)
    assert refused.status_code == 422
    assert "<td>3</td><td>publics</td>" in refused.text
    fixed = body.replace(";personne;", ";tous;").encode()
    files = {"fichier": ("catalogue.csv", fixed, "text/csv")}
    stored = await post(client, partner, "/actions/import", {}, files=files)
    assert stored.status_code == 200 and "2 actions ajoutées" in stored.text
    trades = (await get(client, partner, "/actions/api/metiers", q="maçon")).json()
    assert any(t["code_rome"] == "F1703" for t in trades)
    communes = (await get(client, partner, "/actions/api/communes", q="mure")).json()
    assert "Muret (31395)" in communes
    assert (await client.get("/actions/static/catalogue.js")).status_code == 200


async def test_a_search_for_a_person_opens_each_action_with_that_person_chosen(
    client: httpx.AsyncClient, make_referent: MakeReferent, unique: str
) -> None:
    provider = await make_referent(f"AFPA{unique}")
    searcher = await make_referent(f"CD31{unique}")
    form = form_of(f"Atelier pour une personne {unique}")
    created = await post(client, provider, "/actions/nouvelle", form)
    action_id = created.headers["location"].removeprefix("/actions/")
    person = "6d1c8f0e-1b7a-4c55-9a64-2f3e0c4b8a11"
    criteria = {"trade": "maçon", "commune": "Muret", "km": "5", "date_from": form["date"]}
    plain = await get(client, searcher, "/actions", **criteria)
    assert f'href="/actions/{action_id}">' in plain.text  # positive control: no person asked
    assert person not in plain.text
    page = await get(client, searcher, "/actions", personne=person, **criteria)
    assert f'href="/actions/{action_id}?personne={person}">' in page.text
    assert f'<input type="hidden" name="personne" value="{person}">' in page.text


async def test_only_a_coordinator_is_shown_the_way_to_the_coordination_view(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    referent = await make_referent(f"CD31{unique}")
    before = await get(client, referent, "/actions")
    assert 'href="/actions/coordination"' not in before.text
    async with services.transaction() as conn:
        await conn.execute(
            "insert into actions.coordinators (referent_id, granted_by) values ($1, 'tests')",
            referent.referent.referent_id,
        )
    after = await get(client, referent, "/actions")
    assert 'href="/actions/coordination"' in after.text
