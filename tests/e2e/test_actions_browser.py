"""The banque d'actions commune in Debian's Chromium, through the front door of the real stack: a
provider's référent publishes an action with the form; a référent of another structure finds it
by trade and distance (and not beyond the distance), registers a person they accompany, and the
matcher's proposal of that action reaches their inbox. Every page checked by axe-core,
screenshots in test-artifacts/actions-*.png."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, Page

from shared.settings import load_base_settings
from tests.e2e.browser import AxeReport, check_page
from tests.e2e.test_workspace_browser import cli, notifier_knows, sign_in, until

pytestmark = pytest.mark.e2e
TRADE = "F1619"  # Couvreur / Couvreuse (ROME 4.0)
PLACE, PLACE_NAME = "31069", "Blagnac"  # the action's commune, about 8 km from Toulouse
HOME, HOME_NAME = "31555", "Toulouse"  # where the person lives


def profiles_url() -> str:
    return f"http://127.0.0.1:{int(os.environ.get('SPIE_SERVICE_PORT_BASE', '8000')) + 2}"


async def known_to_the_actions_service(sql: str, *args: Any) -> None:
    conn = await asyncpg.connect(load_base_settings().dsn)
    try:

        async def known() -> bool:
            return bool(await conn.fetchval(sql, *args))

        await until(known, within=60, every=0.2)
    finally:
        await conn.close()


async def a_person(token: str) -> str:
    """A person the référent accompanies, with consent for matching: a roofer's wish."""
    body = {
        "first_name": "Maëlle",
        "desired_jobs": ["Couvreuse"],
        "desired_rome_codes": [TRADE],
        "commune_insee": HOME,
        "experience": "Deux ans de pose de tuiles et d'ardoises en intérim.",
        "skills": ["pose de tuiles", "travail en hauteur"],
        "mobility_km": 25,
        "has_driving_licence": True,
        "consent": {
            "purposes": ["matching"],
            "expires_at": (datetime.now(UTC) + timedelta(days=300)).isoformat(),
        },
    }
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(
            f"{profiles_url()}/profiles", json=body, headers={"Authorization": f"Bearer {token}"}
        )
    assert r.status_code == 201, r.text
    return str(r.json()["candidate_id"])


async def erase(token: str, candidate_id: str) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await http.delete(
            f"{profiles_url()}/profiles/{candidate_id}",
            headers={"Authorization": f"Bearer {token}"},
        )


async def publish(page: Page, front: str, title: str, day: str, report: AxeReport) -> str:
    """The provider's form: one discovery session in Blagnac; the action's id from its page."""
    await page.goto(f"{front}/actions")
    await check_page(page, "actions-catalogue", report)
    await page.get_by_role("link", name="Publier une action").click()
    await page.get_by_role("heading", name="Publier une action").wait_for()
    await check_page(page, "actions-nouvelle", report)
    await page.get_by_label("Type d'action").select_option(label="Découverte des métiers")
    await page.get_by_label("Intitulé").fill(title)
    await page.get_by_label("Métier 1").fill(TRADE)
    await page.get_by_label("Tous publics").check()
    await page.get_by_label("Commune", exact=True).fill(f"{PLACE_NAME} ({PLACE})")
    await page.get_by_label("Jour de la séance").fill(day)
    await page.get_by_label("Heure de début").fill("09:00")
    await page.get_by_label("Heure de fin").fill("12:00")
    await page.get_by_label("Nombre de places").fill("8")
    await page.get_by_role("button", name="Publier l'action").click()
    await page.get_by_role("heading", name=title).wait_for()
    await check_page(page, "actions-publiee", report)
    return page.url.rstrip("/").rsplit("/", 1)[-1]


async def search(page: Page, front: str, km: str) -> None:
    await page.goto(f"{front}/actions")
    await page.get_by_label("Métier").fill(TRADE)
    await page.get_by_label("Près de la commune").fill(f"{HOME_NAME} ({HOME})")
    await page.get_by_label("Distance en kilomètres").fill(km)
    await page.get_by_role("button", name="Rechercher").click()
    await page.wait_for_load_state()


async def test_a_provider_publishes_another_structure_finds_registers_and_is_proposed_it(
    front: str,
    browser: Browser,
    mail_dir: Path,
) -> None:
    run = uuid.uuid4().hex[:8]
    provider_email, referent_email = f"afpa.{run}@e2e.fr", f"referente.{run}@e2e.cd31.fr"
    cli("services.candidate_profile", "create-referent", "--structure", f"E2EP{run}",
        "--email", provider_email, "--name", "Paul Marty")  # fmt: skip
    out = cli("services.candidate_profile", "create-referent", "--structure", f"E2ER{run}",
              "--email", referent_email, "--name", "Rose Caussade")  # fmt: skip
    token = out.strip().splitlines()[-1]
    for email in (provider_email, referent_email):
        await notifier_knows(email)
        await known_to_the_actions_service(
            "select 1 from actions.referents where email = $1", email
        )
    person = await a_person(token)
    await known_to_the_actions_service(
        "select 1 from actions.persons where candidate_id = $1", uuid.UUID(person)
    )
    title = f"Découvrir la couverture {run}"
    day = (datetime.now(UTC) + timedelta(days=12)).date().isoformat()
    report = AxeReport()
    try:
        # 1. The provider publishes the action with the form.
        provider = await (await browser.new_context(locale="fr-FR")).new_page()
        await sign_in(provider, front, mail_dir, provider_email, report)
        action_id = await publish(provider, front, title, day, report)

        # 2. Another structure's référent finds it by trade and distance, not beyond.
        page = await (await browser.new_context(locale="fr-FR")).new_page()
        await sign_in(page, front, mail_dir, referent_email, report)
        await search(page, front, km="2")
        assert await page.get_by_role("link", name=title).count() == 0  # Blagnac is ~8 km away
        await search(page, front, km="20")
        await check_page(page, "actions-recherche", report)
        await page.get_by_role("link", name=title).click()
        await page.get_by_role("heading", name=title).wait_for()
        assert page.url.endswith(f"/actions/{action_id}")
        await check_page(page, "actions-fiche", report)

        # 3. ... and registers the person they accompany.
        await page.get_by_label("Personne à inscrire").first.select_option(value=person)
        await page.get_by_role("button", name="Inscrire à cette session").first.click()
        await page.get_by_text("inscrite", exact=False).first.wait_for()
        await check_page(page, "actions-inscrite", report)
        await page.goto(f"{front}/actions/inscriptions")
        await page.get_by_text(title).first.wait_for()
        await check_page(page, "actions-inscriptions", report)

        # 4. The matcher proposed the action to the person: it is in the référent's inbox.
        async def proposed() -> bool:
            await page.goto(f"{front}/boite")
            return await page.get_by_text(title).count() > 0

        await until(proposed, within=120, every=2)
        await check_page(page, "actions-boite", report)

        # 5. The provider's attendance sheet shows the registration (no name of another
        # structure's person).
        await provider.goto(f"{front}/actions/{action_id}/presences")
        await check_page(provider, "actions-presences", report)
        assert "Maëlle" not in await provider.content()
    finally:
        await erase(token, person)
    assert not report.failures, report.failures
