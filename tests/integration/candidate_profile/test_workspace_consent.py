"""Consent in the workspace: recorded with who and when, renewed, withdrawn only once the
consequences are said, a receipt for the person; withdrawing everything erases the person from
every page."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

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


def in_days(days: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=days)


async def _history(client: httpx.AsyncClient, api: dict[str, str], candidate_id: str) -> list[str]:
    entries = await client.get(f"/profiles/{candidate_id}/consent", headers=api)
    assert entries.status_code == 200, entries.text
    return [e["action"] for e in entries.json()]


async def test_consent_is_granted_then_renewed_through_the_page_with_who_and_when(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    api = await login(f"CD{unique}")
    candidate_id = await create_person(client, api, f"Ana{unique}")
    browser = Browser(client, await web_login(f"CD{unique}"))
    url = f"/espace/personnes/{candidate_id}/consentement"
    page = html.unescape((await browser.get(url)).text)
    assert "Rapprochement avec les besoins des employeurs" in page
    assert "Partage avec les partenaires du SPIE" in page
    assert "Aucun consentement n'a encore été enregistré" in page

    until = in_days(200)
    granted = await browser.post(
        url, {"usages": ["matching", "sharing_with_partners"], "fin": until.isoformat()}
    )
    assert granted.status_code == 303
    done = html.unescape((await browser.get(granted.headers["location"])).text)
    assert "Le consentement est enregistré." in done
    assert f"valable jusqu'au {french_day(until.isoformat())} inclus" in done
    assert re.search(r"Consentement donné le \d+ \w+ \d{4} à \d+ h \d\d\s+par Claire Test", done)
    profile = (await client.get(f"/profiles/{candidate_id}", headers=api)).json()
    assert profile["published_for_matching"] is True
    assert profile["consent"]["purposes"] == ["matching", "sharing_with_partners"]

    later = in_days(400)
    renewed = await browser.post(f"{url}/prolonger", {"fin_prolongation": later.isoformat()})
    assert renewed.status_code == 303
    page = html.unescape((await browser.get(url)).text)
    assert f"valable jusqu'au {french_day(later.isoformat())} inclus" in page
    assert "Consentement prolongé le" in page
    assert await _history(client, api, candidate_id) == ["granted", "renewed"]


async def test_the_receipt_tells_the_person_what_they_agreed_to_and_how_to_withdraw(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    given = consent("matching", days=300)
    candidate_id = await create_person(client, await login(f"CD{unique}"), f"Ana{unique}",
                                       consent=given)  # fmt: skip
    browser = Browser(client, await web_login(f"CD{unique}"))
    receipt = await browser.get(f"/espace/personnes/{candidate_id}/consentement/recu")
    assert receipt.status_code == 200
    text = html.unescape(receipt.text)
    assert "<h1>Reçu de consentement</h1>" in text and f"<strong>Ana{unique}</strong>" in text
    assert "Rapprochement avec les besoins des employeurs" in text
    assert "Partage avec les partenaires" not in text  # not agreed to, not on the receipt
    assert f"valable jusqu'au {french_day(given['expires_at'])} inclus" in text
    assert "retirer votre accord à tout moment" in text and "Claire Test" in text


async def test_a_bad_end_date_is_named_next_to_the_field_and_nothing_is_recorded(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    api = await login(f"CD{unique}")
    candidate_id = await create_person(client, api, f"Ana{unique}")
    browser = Browser(client, await web_login(f"CD{unique}"))
    url = f"/espace/personnes/{candidate_id}/consentement"
    too_far = in_days(3 * 365).isoformat()
    refused = await browser.post(url, {"usages": ["matching"], "fin": too_far})
    assert refused.status_code == 422
    assert 'id="erreur-fin"' in refused.text and "au plus deux ans" in refused.text
    assert f'value="{too_far}"' in refused.text  # the value is kept
    both = await browser.post(url, {"fin": "9999-12-31"})
    assert both.status_code == 422
    assert 'id="erreur-usages"' in both.text and 'id="erreur-fin"' in both.text
    assert await _history(client, api, candidate_id) == []
    # Positive control: a date within two years is recorded.
    assert (await browser.post(url, {"usages": ["matching"], "fin": in_days(30).isoformat()})
            ).status_code == 303  # fmt: skip
    assert await _history(client, api, candidate_id) == ["granted"]


async def test_withdrawing_sharing_only_is_confirmed_first_and_keeps_the_person(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    api = await login(f"CD{unique}")
    candidate_id = await create_person(
        client, api, f"Ana{unique}", consent=consent("matching", "sharing_with_partners")
    )
    partner = Browser(client, await web_login(f"FT{unique}"))
    owner = Browser(client, await web_login(f"CD{unique}"))
    person = f"/espace/personnes/{candidate_id}"
    await owner.post(f"{person}/partages", {"structure": f"FT{unique}"})
    assert (await partner.get(person)).status_code == 200

    asked = await owner.post(f"{person}/consentement/retrait", {"retrait": "sharing_with_partners"})
    assert asked.status_code == 200
    said = html.unescape(asked.text)
    assert "ne sera plus partagé" in said and f"FT{unique}" in said and "effacée" not in said
    assert (await partner.get(person)).status_code == 200  # nothing changed before confirming

    confirmed = await owner.post(
        f"{person}/consentement/retrait", {"retrait": "sharing_with_partners", "confirme": "oui"}
    )
    assert confirmed.status_code == 303
    assert (await partner.get(person)).status_code == 404
    assert (await owner.get(person)).status_code == 200
    assert await _history(client, api, candidate_id) == ["granted", "withdrawn"]


async def test_withdrawing_everything_says_the_erasure_then_removes_the_person_from_every_page(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    candidate_id = await create_person(
        client, await login(f"CD{unique}"), f"Ana{unique}", consent=consent("matching")
    )
    browser = Browser(client, await web_login(f"CD{unique}"))
    person = f"/espace/personnes/{candidate_id}"
    asked = await browser.post(f"{person}/consentement/retrait", {"retrait": "tout"})
    assert asked.status_code == 200
    assert f"Ana{unique} sera effacée de l'espace" in html.unescape(asked.text)
    assert 'name="confirme" value="oui"' in asked.text
    # Positive control: still everywhere until the référent confirms.
    assert f"Ana{unique}" in (await browser.get("/espace")).text
    assert (await browser.get(person)).status_code == 200

    confirmed = await browser.post(
        f"{person}/consentement/retrait", {"retrait": "tout", "confirme": "oui"}
    )
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/espace?fait=efface"
    said = await browser.get("/espace", fait="efface")
    assert "la personne et son profil sont effacés" in html.unescape(said.text)
    assert f"Ana{unique}" not in (await browser.get("/espace")).text
    for path in ("", "/consentement", "/consentement/recu"):
        assert (await browser.get(f"{person}{path}")).status_code == 404
    names = await browser.get("/espace/api/prenoms", ids=candidate_id)
    assert names.json() == {}


async def test_a_consent_form_without_the_sessions_token_is_refused(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    api = await login(f"CD{unique}")
    candidate_id = await create_person(client, api, f"Ana{unique}", consent=consent("matching"))
    browser = Browser(client, await web_login(f"CD{unique}"))
    url = f"/espace/personnes/{candidate_id}/consentement/retrait"
    form = {"retrait": "tout", "confirme": "oui"}
    assert (await browser.post(url, form, csrf=False)).status_code == 403
    assert (await browser.get(f"/espace/personnes/{candidate_id}")).status_code == 200
    # Positive control: with the token, the withdrawal happens.
    assert (await browser.post(url, form)).status_code == 303
    assert (await browser.get(f"/espace/personnes/{candidate_id}")).status_code == 404


async def test_a_partner_structure_may_read_the_consent_but_not_change_it(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    api = await login(f"CD{unique}")
    candidate_id = await create_person(
        client, api, f"Ana{unique}", consent=consent("matching", "sharing_with_partners")
    )
    partner = Browser(client, await web_login(f"FT{unique}"))
    owner = Browser(client, await web_login(f"CD{unique}"))
    await owner.post(f"/espace/personnes/{candidate_id}/partages", {"structure": f"FT{unique}"})
    url = f"/espace/personnes/{candidate_id}/consentement"
    seen = await partner.get(url)
    assert seen.status_code == 200 and "Enregistrer le consentement" not in seen.text
    refused = await partner.post(f"{url}/retrait", {"retrait": "tout", "confirme": "oui"})
    assert refused.status_code == 403 and "Profil en lecture seule" in refused.text
    assert await _history(client, api, candidate_id) == ["granted"]
    # Positive control: the owning structure sees the forms.
    assert "Enregistrer le consentement" in (await owner.get(url)).text
