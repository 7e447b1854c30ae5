"""The référents' workspace in Debian's Chromium, through the front door (nginx) of the real
stack: sign-in by an e-mailed link, every page checked by axe-core (no serious or critical
violation), screenshots of each page in test-artifacts/workspace-*.png."""

from __future__ import annotations

import asyncio
import io
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page
from pypdf import PdfReader

from tests.e2e.browser import (
    ARTIFACTS,
    AxeReport,
    check_page,
    latest_link,
)

pytestmark = pytest.mark.e2e


def cli(module: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


async def notifier_knows(email: str) -> None:
    """The référent created by the profile service reached the notifier (through Kafka)."""
    import asyncpg

    from shared.settings import load_base_settings

    conn = await asyncpg.connect(load_base_settings().dsn)
    try:
        for _ in range(300):
            if await conn.fetchval("select 1 from notifier.referents where email = $1", email):
                return
            await asyncio.sleep(0.2)
        pytest.fail("the référent never reached the notifier")
    finally:
        await conn.close()


async def sign_in(page: Page, front: str, mail_dir: Path, email: str, report: AxeReport) -> None:
    """Ask for a link at the door, open it from the e-mail, arrive where one was going."""
    await page.goto(f"{front}/espace")
    assert "/connexion" in page.url  # no session: the door sends to sign in
    await check_page(page, "connexion", report)
    await page.get_by_label("Votre adresse e-mail professionnelle").fill(email)
    await page.get_by_role("button", name="Recevoir un lien de connexion").click()
    await page.get_by_text("un lien de connexion vient d'y être envoyé").wait_for()
    link = None
    for _ in range(100):
        link = latest_link(mail_dir, email, r"http://\S+/connexion\?jeton=\S+")
        if link:
            break
        await asyncio.sleep(0.2)
    assert link, "no sign-in e-mail reached the mail sink"
    await page.goto(link)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_load_state()


async def test_a_referent_signs_in_by_an_emailed_link_and_signing_out_ends_every_page(
    front: str, browser: Browser, mail_dir: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    email = f"referente.{run}@e2e.cd31.fr"
    cli(
        "services.candidate_profile",
        "create-referent",
        "--structure",
        f"E2EW{run}",
        "--email",
        email,
        "--name",
        "Inès Fabre",
    )
    await notifier_knows(email)
    report = AxeReport()
    context = await browser.new_context(locale="fr-FR")
    page = await context.new_page()
    await sign_in(page, front, mail_dir, email, report)
    await page.goto(f"{front}/boite")
    await page.get_by_role("heading", name="Vos pistes").wait_for()
    await check_page(page, "boite", report)
    # Positive control of the sign-out check: the door vouches for this browser now.
    assert "/connexion" not in page.url
    await page.get_by_role("button", name="Se déconnecter", exact=True).click()
    for path in ("/boite", "/espace"):
        await page.goto(f"{front}{path}")
        assert "/connexion" in page.url, path
    await context.close()
    assert not report.failures, report.failures


async def until(check: Any, *, within: float = 120, every: float = 1.0) -> Any:
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        await asyncio.sleep(every)


async def tab_through(page: Page, first: str, last: str) -> list[str]:
    """Focus `first`, then press Tab until `last` has the focus; the ids met on the way."""
    await page.locator(first).focus()
    met = [await page.evaluate("document.activeElement.id")]
    for _ in range(400):
        await page.keyboard.press("Tab")
        met.append(
            await page.evaluate("document.activeElement.id || document.activeElement.tagName")
        )
        if await page.evaluate(f"document.activeElement === document.querySelector('{last}')"):
            return met
    raise AssertionError(f"Tab never reached {last}; last focus: {met[-5:]}")


async def test_a_person_goes_from_diagnostic_to_proposal_to_passeport_and_withdrawal_erases_them(
    front: str, browser: Browser, mail_dir: Path, running_services: str
) -> None:
    """The whole workspace as a référent lives it, in Chromium, every page checked by axe."""
    run = uuid.uuid4().hex[:8]
    email = f"referente.{run}@e2e.cd31.fr"
    structure = f"E2EJ{run}"
    cli("services.candidate_profile", "create-referent", "--structure", structure,
        "--email", email, "--name", "Inès Fabre")  # fmt: skip
    key = cli("services.employer_intake", "create-api-key", "--federation", f"E2EJ{run}")
    api_key = {"X-API-Key": key.strip().splitlines()[-1]}
    await notifier_knows(email)
    report = AxeReport()
    context = await browser.new_context(locale="fr-FR")
    page = await context.new_page()

    # 1. Sign-in by an e-mailed link, back where the référent was going: Mes personnes.
    await sign_in(page, front, mail_dir, email, report)
    assert page.url.endswith("/espace"), page.url
    await check_page(page, "personnes-vide", report)

    # 2. A new person through the whole diagnostic.
    await page.get_by_role("link", name="Nouvelle personne").click()
    await page.get_by_role("heading", name="Nouvelle personne").wait_for()
    await check_page(page, "diagnostic-nouveau", report)
    # Every field is reached with the keyboard alone, in order, up to the submit button.
    met = await tab_through(page, "#champ-prenom", "main form button[type=submit]")
    controls = await page.evaluate(
        "[...document.querySelectorAll('main form input:not([type=hidden]), main form select,"
        " main form textarea')].map(e => e.id)"
    )
    skipped = [c for c in controls if c not in met]
    # Radio buttons of one group take one Tab stop (arrows move within): only those may be skipped.
    radios = await page.evaluate(
        "[...document.querySelectorAll('main form input[type=radio]')].map(e => e.id)"
    )
    assert set(skipped) <= set(radios), skipped
    await page.get_by_label("Prénom").fill("Maëlys")
    await page.get_by_label("Bénéficiaire du RSA").check()
    await page.get_by_label("Expériences professionnelles").fill(
        "Deux ans d'aide-maçonne sur des chantiers de rénovation."
    )
    await page.get_by_label("Savoir-faire").fill("lecture de plans\nmontage de murs")
    await page.get_by_label("Gestion d'un budget", exact=True).check()
    await page.get_by_label("Métiers recherchés, choix 1").fill("Maçon / Maçonne")
    await page.get_by_label("Commune de résidence").fill("Muret")
    await page.get_by_label("Distance que la personne peut parcourir", exact=False).fill("30")
    await page.locator("#champ-permis-1").check()
    await page.get_by_label("Précision sur : Santé (facultatif)").fill(f"suivi {run}")
    # Submitted from the keyboard.
    await page.get_by_role("button", name="Enregistrer et passer au consentement").focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Consentement de Maëlys").wait_for()
    candidate_id = page.url.split("/personnes/")[1].split("/")[0]
    await check_page(page, "consentement", report)

    # 3. Consent for matching, recorded; the printable receipt.
    await page.get_by_label("Rapprochement avec les besoins des employeurs").check()
    await page.get_by_role("button", name="Enregistrer le consentement").click()
    await page.wait_for_url("**/consentement?fait=donne")
    await check_page(page, "consentement-donne", report)
    await page.goto(f"{front}/espace/personnes/{candidate_id}")
    await page.get_by_role("heading", name="Maëlys", exact=True).wait_for()
    await check_page(page, "personne", report)
    await page.goto(f"{front}/espace/personnes/{candidate_id}/consentement/recu")
    await check_page(page, "recu", report)

    # 4. The profile is published and matched: a need of a federation, then the alert.
    employer = f"Maçonnerie Muretaine {run}"
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(
            f"http://127.0.0.1:{int(running_services) + 1}/needs",
            headers=api_key,
            json={
                "employer_name": employer,
                "title": "Maçon / Maçonne",
                "siret": f"{int(run, 16) % 10**14:014d}",
                "description": "Rénovation de maisons anciennes, murs en briques.",
                "skills": ["lecture de plans", "montage de murs"],
                "commune_insee": "31395",
                "contract_type": "CDD",
                "hours_per_week": 35,
                "schedules": ["day"],
            },
        )
        assert r.status_code == 201, r.text

    async def alerted() -> bool:
        await page.goto(f"{front}/boite")
        return await page.get_by_text(employer).count() > 0

    await until(alerted)
    # The inbox shows the person's first name (asked by the browser of the profiles service)
    # and links to their page.
    name = page.locator(f"span[data-prenom='{candidate_id}']").first
    await until(lambda: _text_is(name, "Maëlys"), within=10, every=0.2)
    await check_page(page, "boite-alerte", report)
    await name.click()
    await page.get_by_role("heading", name="Maëlys", exact=True).wait_for()
    proposals = page.locator("[data-fragment]")
    await proposals.get_by_text(employer).first.wait_for()
    await check_page(page, "personne-pistes", report)
    await page.goto(f"{front}/espace")
    await page.get_by_role("link", name="Maëlys").first.wait_for()
    # The count of proposals awaiting a decision, asked of the notifier by the browser.
    badge = page.locator(f"span[data-pistes='{candidate_id}']")
    await until(lambda: _text_matches(badge, r"^\d+ nouvelles? pistes?$"), within=10, every=0.2)
    await check_page(page, "personnes", report)

    # 5. The passeport: the référent writes it, the person validates through their link, an
    # employer attests through its own.
    await page.goto(f"{front}/espace/personnes/{candidate_id}/passeport")
    await page.get_by_label("Compétence (obligatoire)").fill("Montage de murs en briques")
    await page.get_by_label("D'où vient la preuve ? (obligatoire)").select_option("experience")
    await page.get_by_label("Preuve (obligatoire)").fill("Deux ans d'aide-maçonne")
    await page.get_by_role("button", name="Ajouter").first.click()
    await page.get_by_text("Montage de murs en briques").first.wait_for()
    person_link = await new_link(page, "personne")
    employer_link = await new_link(page, "employeur", label=employer)
    await check_page(page, "passeport", report)
    outside = await browser.new_context(locale="fr-FR")  # no session: the link is the key
    visitor = await outside.new_page()
    await visitor.goto(person_link)
    await visitor.get_by_role("heading", name="Mon passeport emploi, Maëlys").wait_for()
    await check_page(visitor, "passeport-personne", report)
    skills = visitor.locator("#section-competences")
    await skills.get_by_label("Je valide cette partie").check()
    await skills.get_by_label("Votre commentaire (facultatif)").fill(f"C'est bien moi {run}")
    await skills.get_by_role("button").click()
    await visitor.goto(employer_link)
    await visitor.get_by_role("heading", name="Attestation de compétences pour Maëlys").wait_for()
    await check_page(visitor, "passeport-employeur", report)
    await visitor.get_by_label("Qui a observé ? (nom et fonction)").fill(
        "Paul Durand, chef d'équipe"
    )
    await visitor.get_by_label("Pendant quelle immersion ?").fill("aide-maçonne, du 3 au 14 mars")
    await visitor.get_by_label("Compétences observées").fill(f"Pose de parpaings {run}")
    await visitor.get_by_role("button", name="Envoyer l'attestation").click()
    await visitor.wait_for_load_state()
    await outside.close()
    pdf = await page.request.get(f"{front}/espace/personnes/{candidate_id}/passeport.pdf")
    assert pdf.ok and pdf.headers["content-type"].startswith("application/pdf")
    (ARTIFACTS / "passeport.pdf").write_bytes(await pdf.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(await pdf.body())).pages)
    text = " ".join(text.split())
    for expected in ("Maëlys", "Montage de murs en briques", f"Pose de parpaings {run}",
                     f"C'est bien moi {run}"):  # fmt: skip
        assert expected in text, expected

    # 6. Withdrawal, said before confirming, erases the person from every page.
    await page.goto(f"{front}/espace/personnes/{candidate_id}/consentement")
    await page.get_by_label("Tout : le profil sera effacé").check()
    await page.get_by_role("button", name="Continuer").click()
    await page.get_by_role(
        "heading", name="Confirmer le retrait du consentement de Maëlys"
    ).wait_for()
    await check_page(page, "retrait", report)
    await page.get_by_role("button", name="Confirmer le retrait").click()
    await page.wait_for_load_state()
    assert await page.locator(f"a[href='/espace/personnes/{candidate_id}']").count() == 0
    gone = await page.goto(f"{front}/espace/personnes/{candidate_id}")
    assert gone is not None and gone.status == 404
    for path in ("/passeport", "/consentement", "/diagnostic"):
        closed = await page.goto(f"{front}/espace/personnes/{candidate_id}{path}")
        assert closed is not None and closed.status == 404, path

    async def redacted() -> bool:
        await page.goto(f"{front}/boite")
        card = page.locator("article", has_text=employer)
        return await card.get_by_text("Profil supprimé").count() > 0

    await until(redacted)
    assert await page.locator(f"span[data-prenom='{candidate_id}']").count() == 0
    await check_page(page, "boite-efface", report)
    # Positive control of the accessibility check: a field without a label, added to the page,
    # is found by the same axe run.
    await page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input>')")
    control = AxeReport()
    await check_page(page, "controle-axe", control)
    assert any(v.startswith("label ") for v in control.pages["controle-axe"]), control.pages
    await context.close()
    assert not report.failures, report.failures


async def _text_matches(locator: Any, pattern: str) -> bool:
    return re.match(pattern, (await locator.inner_text()).strip()) is not None


async def _text_is(locator: Any, text: str) -> bool:
    return (await locator.inner_text()).strip() == text


async def new_link(page: Page, kind: str, label: str = "") -> str:
    """Create a passeport link on the référent's page and read it from the field shown once."""
    links = page.locator("form", has=page.get_by_role("button", name="Créer le lien"))
    await links.locator(f"input[name=lien_type][value={kind}]").check()
    if label:
        await links.get_by_label("Nom de l'employeur").fill(label)
    await links.get_by_role("button", name="Créer le lien").click()
    field = page.locator("#lien-a-copier")
    await field.wait_for()
    return str(await field.input_value())
