"""The référents' workspace in Debian's Chromium, through the front door (nginx) of the real
stack: sign-in by an e-mailed link, every page checked by axe-core (no serious or critical
violation), screenshots of each page in test-artifacts/workspace-*.png."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from tests.e2e.browser import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    AxeReport,
    check_page,
    front_url,
    latest_link,
)

pytestmark = pytest.mark.e2e


def cli(module: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def front(running_services: str) -> str:
    """The front door, once it routes to the notifier."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is not installed: `apt-get install chromium` (deploy/local/prereqs.sh)"
        )
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make setup` (npm, tests/e2e/package.json)")
    url = front_url()
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/connexion", timeout=2).status_code == 200:
                return url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the front door does not answer at {url}")
        time.sleep(0.5)


@pytest_asyncio.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


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
