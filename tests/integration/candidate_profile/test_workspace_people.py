"""Mes personnes and a person's page: a référent sees the people of their structure and those
shared with it, found by first name, with their consent state in words; nobody else's."""

from __future__ import annotations

import html
import re
import uuid

import httpx
import pytest

from tests.integration.candidate_profile.workspace import (
    Browser,
    Login,
    WebLogin,
    consent,
    create_person,
    french_day,
)

pytestmark = pytest.mark.integration


def rows(page: httpx.Response) -> list[str]:
    """The first names listed, in order."""
    return re.findall(
        r'<th scope="row"><a href="/espace/personnes/[0-9a-f-]+">([^<]+)</a>', page.text
    )


def consent_cells(page: httpx.Response) -> dict[str, str]:
    """Each listed first name with the text of its consent cell."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page.text, re.S)[1:]:
        name = re.search(r'<a href="/espace/personnes/[^"]+">([^<]+)</a>', row)
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert name and len(cells) == 3, row
        found[name.group(1)] = html.unescape(re.sub(r"\s+", " ", cells[1]))
    return found


async def test_my_people_lists_my_structure_and_not_another_one(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    mine = await create_person(client, await login(f"CD{unique}"), f"Ana{unique}")
    await create_person(client, await login(f"FT{unique}"), f"Bob{unique}")
    page = await Browser(client, await web_login(f"CD{unique}")).get("/espace")
    assert page.status_code == 200
    assert rows(page) == [f"Ana{unique}"]  # Bob, of another structure, is not listed
    assert f'href="/espace/personnes/{mine}"' in page.text
    assert 'href="/espace/personnes/nouvelle"' in page.text
    assert f'<span data-pistes="{mine}"></span>' in page.text


async def test_search_by_first_name_ignores_case_and_accents(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    api = await login(f"CD{unique}")
    for name in ("Inès", "Agnès", "Paul", "Œdipe"):
        await create_person(client, api, name, contact_email=f"p{uuid.uuid4().hex[:8]}@example.org")
    browser = Browser(client, await web_login(f"CD{unique}"))
    assert rows(await browser.get("/espace", q="INES")) == ["Inès"]
    assert rows(await browser.get("/espace", q="nès")) == ["Agnès", "Inès"]
    assert rows(await browser.get("/espace", q="oedi")) == ["Œdipe"]
    # Positive control: without a search, everyone of the structure, by first name.
    assert rows(await browser.get("/espace")) == ["Agnès", "Inès", "Paul", "Œdipe"]


async def test_badges_say_the_consent_state_and_its_date_in_words(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    api = await login(f"CD{unique}")
    year, soon = consent("matching", days=200), consent("matching", days=10)
    await create_person(client, api, "Alice", consent=year)
    await create_person(client, api, "Bruno", consent=soon)
    await create_person(client, api, "Chloé", contact_email=f"c{unique}@example.org")
    await create_person(client, api, "Driss", consent=consent("sharing_with_partners"))
    page = await Browser(client, await web_login(f"CD{unique}")).get("/espace")
    cells = consent_cells(page)
    assert "Rapprochement actif" in cells["Alice"]
    assert f"jusqu'au {french_day(year['expires_at'])}" in cells["Alice"]
    assert "Expire bientôt" in cells["Bruno"]
    assert f"jusqu'au {french_day(soon['expires_at'])}, à renouveler" in cells["Bruno"]
    assert "Consentement pas encore recueilli" in cells["Chloé"]
    assert "Pas de consentement au rapprochement" in cells["Driss"]


async def test_the_list_shows_25_people_a_page_with_a_next_page(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    api = await login(f"CD{unique}")
    for i in range(27):
        await create_person(client, api, f"P{i:02d}", contact_email=f"p{i}.{unique}@example.org")
    browser = Browser(client, await web_login(f"CD{unique}"))
    first = await browser.get("/espace")
    assert rows(first) == [f"P{i:02d}" for i in range(25)]
    assert ">Page suivante</a>" in first.text and "Page précédente" not in first.text
    second = await browser.get("/espace", page="2")
    assert rows(second) == ["P25", "P26"]
    assert "Page suivante" not in second.text and ">Page précédente</a>" in second.text


async def test_a_person_of_another_structure_is_not_found(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    theirs = await create_person(client, await login(f"FT{unique}"), f"Bob{unique}")
    mine = await create_person(client, await login(f"CD{unique}"), f"Ana{unique}")
    browser = Browser(client, await web_login(f"CD{unique}"))
    for path in ("", "/consentement", "/consentement/recu"):
        refused = await browser.get(f"/espace/personnes/{theirs}{path}")
        assert refused.status_code == 404 and f"Bob{unique}" not in refused.text
        assert "Personne introuvable" in refused.text
        # Positive control: my structure's person.
        assert (await browser.get(f"/espace/personnes/{mine}{path}")).status_code == 200


async def test_a_persons_page_sums_up_the_profile_and_its_consent_history(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    given = consent("matching", days=200)
    candidate_id = await create_person(
        client, await login(f"CD{unique}"), f"Ana{unique}", consent=given,
        desired_jobs=["Maçonne", "Coffreuse"], contact_phone="06 12 34 56 78",
    )  # fmt: skip
    page = await Browser(client, await web_login(f"CD{unique}")).get(
        f"/espace/personnes/{candidate_id}"
    )
    assert page.status_code == 200
    text = page.text
    assert f"<h1>Ana{unique}</h1>" in text and "Maçonne, Coffreuse" in text
    assert "Toulouse" in text and "jusqu'à 25 km" in text and "06 12 34 56 78" in text
    assert f"Rapprochement actif</span> jusqu'au {french_day(given['expires_at'])}" in text
    assert re.search(r"Consentement donné le \d+ \w+ \d{4} à \d+ h \d\d\s+par Claire Test", text)
    assert (
        f'<div data-fragment="/boite/personnes/{candidate_id}" aria-busy="true">'
        "<p>Chargement des pistes…</p></div>"
    ) in text
    for link in ("diagnostic", "passeport", "consentement"):
        assert f'href="/espace/personnes/{candidate_id}/{link}"' in text


async def test_the_partner_structure_sees_the_shared_person_without_contact_details(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    candidate_id = await create_person(
        client, await login(f"CD{unique}"), f"Ana{unique}", contact_phone="06 12 34 56 78",
        consent=consent("matching", "sharing_with_partners"),
    )  # fmt: skip
    await web_login(f"FT{unique}")  # the partner structure exists
    owner = Browser(client, await web_login(f"CD{unique}"))
    shared = await owner.post(
        f"/espace/personnes/{candidate_id}/partages", {"structure": f"FT{unique}"}
    )
    assert shared.status_code == 303
    assert (
        f"Partagé avec <strong>FT{unique}</strong>"
        in (await owner.get(shared.headers["location"])).text
    )

    partner = Browser(client, await web_login(f"FT{unique}"))
    assert rows(await partner.get("/espace")) == [f"Ana{unique}"]
    seen = await partner.get(f"/espace/personnes/{candidate_id}")
    assert seen.status_code == 200 and "partagé avec votre structure par" in seen.text
    assert "06 12 34 56 78" not in seen.text and "Arrêter le partage" not in seen.text
    # Positive control: the owning structure reads the phone number.
    assert "06 12 34 56 78" in (await owner.get(f"/espace/personnes/{candidate_id}")).text

    stopped = await owner.post(
        f"/espace/personnes/{candidate_id}/partages/retrait", {"structure": f"FT{unique}"}
    )
    assert stopped.status_code == 303
    assert (await partner.get(f"/espace/personnes/{candidate_id}")).status_code == 404
    assert rows(await partner.get("/espace")) == []


async def test_sharing_without_the_persons_consent_to_it_is_refused_next_to_the_field(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    candidate_id = await create_person(
        client, await login(f"CD{unique}"), f"Ana{unique}", consent=consent("matching")
    )
    await web_login(f"FT{unique}")
    owner = Browser(client, await web_login(f"CD{unique}"))
    refused = await owner.post(
        f"/espace/personnes/{candidate_id}/partages", {"structure": f"FT{unique}"}
    )
    assert refused.status_code == 409
    assert "n'a pas accepté le partage avec les partenaires" in html.unescape(refused.text)
    unknown = await owner.post(f"/espace/personnes/{candidate_id}/partages", {"structure": "x y"})
    assert unknown.status_code == 422
    assert "en lettres et chiffres" in unknown.text
    assert "Partagé avec" not in (await owner.get(f"/espace/personnes/{candidate_id}")).text


async def test_a_form_posted_without_the_sessions_token_is_refused(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    candidate_id = await create_person(
        client, await login(f"CD{unique}"), f"Ana{unique}",
        consent=consent("matching", "sharing_with_partners"),
    )  # fmt: skip
    await web_login(f"FT{unique}")
    owner = Browser(client, await web_login(f"CD{unique}"))
    url = f"/espace/personnes/{candidate_id}/partages"
    forged = await owner.post(url, {"structure": f"FT{unique}"}, csrf=False)
    assert forged.status_code == 403
    assert "Partagé avec" not in (await owner.get(f"/espace/personnes/{candidate_id}")).text
    # Positive control: the same form with the session's token.
    assert (await owner.post(url, {"structure": f"FT{unique}"})).status_code == 303


async def test_first_names_are_given_only_for_the_people_the_referent_may_see(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    mine = await create_person(client, await login(f"CD{unique}"), f"Ana{unique}")
    theirs = await create_person(client, await login(f"FT{unique}"), f"Bob{unique}")
    browser = Browser(client, await web_login(f"CD{unique}"))
    unknown = str(uuid.uuid4())
    names = await browser.get("/espace/api/prenoms", ids=f"{mine},{theirs},{unknown}")
    assert names.status_code == 200 and names.json() == {mine: f"Ana{unique}"}

    bad = await browser.get("/espace/api/prenoms", ids=f"{mine},pas-un-id")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "ids"]
    too_many = ",".join(str(uuid.uuid4()) for _ in range(201))
    over = await browser.get("/espace/api/prenoms", ids=too_many)
    assert over.status_code == 422 and over.json()["detail"][0]["loc"] == ["query", "ids"]


async def test_a_page_without_a_session_sends_the_browser_to_sign_in(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    candidate_id = await create_person(client, await login(f"CD{unique}"), f"Ana{unique}")
    path = f"/espace/personnes/{candidate_id}/consentement"
    anonymous = await client.get(path)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/connexion?suite={path}"
    assert (
        await client.get("/espace/api/prenoms", params={"ids": candidate_id})
    ).status_code == 303
    # Positive control: the same page with the session.
    assert (await Browser(client, await web_login(f"CD{unique}")).get(path)).status_code == 200


async def test_a_page_error_is_a_french_page_and_the_api_keeps_its_json(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    theirs = await create_person(client, await login(f"FT{unique}"), f"Eve{unique}")
    browser = Browser(client, await web_login(f"CD{unique}"))
    for path in (f"/espace/personnes/{theirs}/passeport", "/espace/nulle-part"):
        page = await browser.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "<h1>Page introuvable</h1>" in page.text and 'href="/espace"' in page.text
    # The JSON API and the exports answer JSON, as their clients expect.
    api = await client.get(f"/profiles/{uuid.uuid4()}", headers=await login(f"CD{unique}"))
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
    export = await browser.get(f"/espace/personnes/{theirs}/passeport.json")
    assert export.status_code == 404 and export.headers["content-type"] == "application/json"
