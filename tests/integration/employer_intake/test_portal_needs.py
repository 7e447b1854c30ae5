"""The federations' portal pages for needs, over ASGI on the real stack: signed in as the front
door would vouch for a federation's user (its identity header and a session cookie)."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
import uuid
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from tests.integration.employer_intake.portal import PortalSession, portal_user

pytestmark = pytest.mark.integration
Form = dict[str, Any]


class Portal:
    """A federation's user (a row of the intake's table) as the door vouches for them: headers
    (identity, cookie) and the forms' token."""

    def __init__(self, session: PortalSession) -> None:
        self.federation = session.user.federation
        self.csrf = session.csrf
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        self.headers = {**session.headers, "Cookie": cookie}


@pytest_asyncio.fixture
async def portal(intake_app: FastAPI, federation: str) -> Portal:
    container = intake_app.state.container
    return Portal(await portal_user(container.pool, container.keyring, federation))


@pytest_asyncio.fixture
async def other(intake_app: FastAPI, federation: str) -> Portal:
    container = intake_app.state.container
    return Portal(await portal_user(container.pool, container.keyring, f"{federation}X"))


def need_form(**changes: Any) -> Form:
    form: Form = {
        "title": "Maçon / Maçonne",
        "description": "Chantiers de rénovation à Muret.",
        "employer_name": "Bâtir Garonne SARL",
        "siret": f"{uuid.uuid4().int % 10**14:014d}",
        "commune": "Muret (31395)",
        "contract_type": "CDD",
        "hours_per_week": "35",
        "positions": "2",
        "schedules": ["day", "early_morning"],
        "driving_licence_required": "oui",
        "open_to_beginners": "non",
        "start_date": "2027-01-04",
        "autres_competences": "coffrage\nlecture de plans",
        "action": "publier",
    }
    return {**form, **changes}


async def post(client: httpx.AsyncClient, who: Portal, url: str, form: Form) -> httpx.Response:
    return await client.post(url, data={**form, "csrf": who.csrf}, headers=who.headers)


async def publish(client: httpx.AsyncClient, who: Portal, **changes: Any) -> str:
    r = await post(client, who, "/federation/besoins/nouveau", need_form(**changes))
    assert r.status_code == 303, r.text
    found = re.fullmatch(r"/federation/besoins/([0-9a-f-]{36})\?publie=1", r.headers["location"])
    assert found, r.headers["location"]
    return found.group(1)


async def my_need_ids(client: httpx.AsyncClient, who: Portal) -> list[str]:
    page = await client.get("/federation", headers=who.headers)
    assert page.status_code == 200
    return re.findall(r'href="/federation/besoins/([0-9a-f-]{36})"', page.text)


async def test_the_form_shows_the_flag_before_publishing_and_publishes_once_reworded(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    blank = await client.get("/federation/besoins/nouveau", headers=portal.headers)
    assert blank.status_code == 200 and 'name="csrf"' in blank.text
    flagged = need_form(description="Homme uniquement. Chantiers à Muret.", action="verifier")
    checked = await post(client, portal, "/federation/besoins/nouveau", flagged)
    assert checked.status_code == 200
    text = html.unescape(checked.text)
    assert "« Homme uniquement. »" in text
    assert "L1142-1" in text and "Décrivez le poste, pas la personne" in text
    assert 'name="signalements_vus" value="oui"' in checked.text
    assert await my_need_ids(client, portal) == []  # checking stores nothing

    reworded = need_form(description="Maçon / Maçonne (H/F). Chantiers à Muret.", action="verifier")
    clean = await post(client, portal, "/federation/besoins/nouveau", reworded)
    assert "Aucune phrase ne pose de problème" in html.unescape(clean.text)
    need = await publish(client, portal, description=reworded["description"])

    page = await client.get(f"/federation/besoins/{need}?publie=1", headers=portal.headers)
    assert page.status_code == 200
    shown = html.unescape(page.text)
    assert "Le besoin est publié" in shown and "Phrases signalées" not in shown
    assert "Muret (31395)" in shown and "coffrage, lecture de plans" in shown
    assert f'data-fragment="/federation/besoins/{need}/resultats"' in page.text
    assert await my_need_ids(client, portal) == [need]


async def test_a_flag_left_unchanged_is_accepted_and_the_need_page_says_it_is_flagged(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    form = need_form(description="Homme uniquement. Chantiers à Muret.")
    first = await post(client, portal, "/federation/besoins/nouveau", form)
    # Published straight away, the flag is shown first: nothing stored yet.
    assert first.status_code == 200 and "Publier quand même" in first.text
    assert await my_need_ids(client, portal) == []
    need = await publish(client, portal, **{**form, "signalements_vus": "oui"})
    page = html.unescape(
        (await client.get(f"/federation/besoins/{need}", headers=portal.headers)).text
    )
    assert "Phrases signalées" in page and "« Homme uniquement. »" in page


async def test_a_wrong_field_reshows_the_form_with_422_and_the_error_next_to_it(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    r = await post(client, portal, "/federation/besoins/nouveau", need_form(hours_per_week="60"))
    assert r.status_code == 422
    assert 'id="erreur-hours_per_week"' in r.text and 'aria-invalid="true"' in r.text
    assert "entre 1 et 48" in html.unescape(r.text)
    assert "Bâtir Garonne SARL" in html.unescape(r.text)  # what was typed is kept
    unknown = await post(
        client, portal, "/federation/besoins/nouveau", need_form(commune="Atlantide")
    )
    assert unknown.status_code == 422 and 'id="erreur-commune"' in unknown.text
    assert 'id="erreur-hours_per_week"' not in unknown.text
    assert await my_need_ids(client, portal) == []


async def test_a_need_is_edited_then_closed_from_its_page(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    need = await publish(client, portal)
    edit = await client.get(f"/federation/besoins/{need}/modifier", headers=portal.headers)
    assert edit.status_code == 200 and 'value="Muret (31395)"' in edit.text
    changed = await post(
        client, portal, f"/federation/besoins/{need}/modifier", need_form(hours_per_week="28")
    )
    assert changed.status_code == 303
    page = await client.get(f"/federation/besoins/{need}", headers=portal.headers)
    assert "28 h par semaine" in page.text

    bad = await post(client, portal, f"/federation/besoins/{need}/cloture", {"issue": "fini"})
    assert bad.status_code == 422 and 'id="erreur-issue"' in bad.text
    closed = await post(
        client, portal, f"/federation/besoins/{need}/cloture", {"issue": "pourvu", "motif": "GEIQ"}
    )
    assert closed.status_code == 303
    page = await client.get(f"/federation/besoins/{need}", headers=portal.headers)
    assert '<span class="badge">Pourvu</span>' in page.text and "GEIQ" in page.text
    assert "Clore le besoin" not in page.text
    late = await client.get(f"/federation/besoins/{need}/modifier", headers=portal.headers)
    assert late.status_code == 409


async def test_a_probable_duplicate_is_shown_with_a_link_to_the_first_need(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    siret = f"{uuid.uuid4().int % 10**14:014d}"
    first = await publish(client, portal, siret=siret, rome_code="F1703")
    second = await publish(client, portal, siret=siret, rome_code="F1703", title="Maçon")
    page = await client.get(f"/federation/besoins/{second}", headers=portal.headers)
    assert "Doublon probable" in page.text
    assert f'href="/federation/besoins/{first}"' in page.text
    alone = await client.get(f"/federation/besoins/{first}", headers=portal.headers)
    assert "Doublon probable :" not in alone.text


def csv_of(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def test_an_imported_csv_reports_its_3_bad_lines_and_hands_them_back_as_csv(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    row = {
        "employer_name": "Bâtir Garonne SARL",
        "title": "Maçon / Maçonne",
        "commune_insee": "31395",
        "contract_type": "CDD",
        "hours_per_week": "35",
        "skills": "coffrage|lecture de plans",
    }
    rows = [{**row, "title": f"Maçon {i}"} for i in range(10)]
    rows[1]["hours_per_week"] = "60"  # file line 3 (the header is line 1)
    rows[4]["commune_insee"] = "99999"  # line 6
    rows[7]["contract_type"] = "STAGE"  # line 9
    files = {"fichier": ("besoins.csv", csv_of(rows), "text/csv")}
    r = await client.post(
        "/federation/import", data={"csrf": portal.csrf}, files=files, headers=portal.headers
    )
    assert r.status_code == 200, r.text
    text = html.unescape(r.text)
    assert "7 besoins publiés" in text and "3 lignes refusées" in text
    lines = re.findall(r'<th scope="row">(\d+)</th>', r.text)
    assert lines == ["3", "6", "9"]
    for reason in ("entre 1 et 48", "Choisissez la commune", "type de contrat"):
        assert reason in text
    assert len(await my_need_ids(client, portal)) == 7

    contenu = re.search(r'name="contenu" value="([^"]+)"', r.text)
    assert contenu is not None
    download = await post(client, portal, "/federation/import/refus.csv", {"contenu": contenu[1]})
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    refused = list(csv.DictReader(io.StringIO(download.text.removeprefix("\ufeff"))))
    assert [(x["ligne"], x["title"]) for x in refused] == [
        ("3", "Maçon 1"),
        ("6", "Maçon 4"),
        ("9", "Maçon 7"),
    ]
    assert "Heures par semaine" in refused[0]["motifs"]
    assert base64.b64decode(contenu[1]).decode() == download.text.removeprefix("\ufeff")


async def test_a_file_refused_whole_reshows_the_form_with_its_reason(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    files = {"fichier": ("besoins.csv", b"nom,poste\nA,B\n", "text/csv")}
    r = await client.post(
        "/federation/import", data={"csrf": portal.csrf}, files=files, headers=portal.headers
    )
    assert r.status_code == 422 and 'id="erreur-fichier"' in r.text
    assert "aucune ligne n'est enregistrée" in html.unescape(r.text)


async def test_another_federation_gets_404_on_every_url_of_a_need(
    client: httpx.AsyncClient, portal: Portal, other: Portal
) -> None:
    need = await publish(client, portal)
    base = f"/federation/besoins/{need}"
    for who, expected in ((other, 404), (portal, 200)):  # the owner: the positive control
        assert (await client.get(base, headers=who.headers)).status_code == expected
        assert (await client.get(f"{base}/modifier", headers=who.headers)).status_code == expected
    edited = await post(client, other, f"{base}/modifier", need_form(hours_per_week="20"))
    closed = await post(client, other, f"{base}/cloture", {"issue": "annule"})
    assert (edited.status_code, closed.status_code) == (404, 404)
    assert "une autre fédération" in html.unescape(edited.text)
    assert need not in (await client.get("/federation", headers=other.headers)).text
    assert need not in (await client.get("/federation/export.csv", headers=other.headers)).text
    page = await client.get(base, headers=portal.headers)
    assert "35 h par semaine" in page.text  # nothing changed
    assert '<span class="badge">Ouvert</span>' in page.text


async def test_the_export_lists_the_federations_needs_and_nothing_about_candidates(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    open_need = await publish(client, portal, title="Coffreur / Coffreuse")
    closed = await publish(client, portal)
    r = await post(client, portal, f"/federation/besoins/{closed}/cloture", {"issue": "annule"})
    assert r.status_code == 303
    export = await client.get("/federation/export.csv", headers=portal.headers)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text.removeprefix("\ufeff")), delimiter=";"))
    by_id = {x["besoin"]: x for x in rows}
    assert set(by_id) == {open_need, closed}
    assert by_id[open_need]["intitule"] == "Coffreur / Coffreuse"
    assert (by_id[open_need]["statut"], by_id[closed]["statut"]) == ("Ouvert", "Annulé")
    assert by_id[open_need]["commune"] == "Muret" and by_id[open_need]["code_insee"] == "31395"
    assert not any("candidat" in column for column in rows[0])


async def test_the_form_offers_trades_and_communes_as_the_user_types(
    client: httpx.AsyncClient, portal: Portal
) -> None:
    trades = await client.get("/federation/api/metiers?q=maçon", headers=portal.headers)
    assert trades.status_code == 200
    assert any(t["code_rome"] == "F1703" for t in trades.json())
    places = await client.get("/federation/api/communes?q=mure", headers=portal.headers)
    assert "Muret (31395)" in [p["label"] for p in places.json()]
    skills = await client.get("/federation/api/competences?rome=F1703", headers=portal.headers)
    assert skills.status_code == 200 and len(skills.json()) > 0


@pytest.mark.parametrize(
    "path", ["/federation", "/federation/besoins/nouveau", "/federation/import?x=1"]
)
async def test_without_a_session_a_page_sends_to_sign_in(
    client: httpx.AsyncClient, path: str
) -> None:
    r = await client.get(path)
    assert r.status_code == 303
    assert r.headers["location"] == "/connexion?suite=" + quote(path, safe="/")
