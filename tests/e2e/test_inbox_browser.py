"""A référent signs in to the inbox in a real browser (Debian's Chromium, headless), sees an
alert and marks it "contacté". The notifier runs as its own process on the real stack.

The screenshot lands in test-artifacts/inbox.png."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio

from shared.contracts import ReferentUpserted
from shared.kafka.broker import make_broker, publish_event
from shared.login_token import issue_login_token
from shared.settings import load_base_settings
from tests.events import match_event

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def notifier_url() -> Iterator[str]:
    """`python -m services.notifier serve` in its own process and consumer group."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Chromium is not installed: `apt-get install chromium` (deploy/local/prereqs.sh)"
        )
    port = free_port()
    env = {
        **os.environ,
        "SPIE_HTTP_PORT": str(port),
        "SPIE_SMTP_TLS": "none",  # the local mail sink offers no TLS
        "SPIE_CONSUMER_GROUP": "notifier-browser",
        "SPIE_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "notifier-browser.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "services.notifier", "serve"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                pytest.fail(f"the notifier exited; see {log.name}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest_asyncio.fixture(scope="module")
async def alert(notifier_url: str) -> AsyncIterator[tuple[uuid.UUID, str]]:
    """A référent and one alert for them, published on Kafka as the other services would."""
    settings = load_base_settings()
    referent_id, unique = uuid.uuid4(), uuid.uuid4().hex[:6]
    broker = make_broker(settings.kafka_bootstrap, client_id="browser-test")
    await broker.start()
    try:
        await publish_event(
            broker,
            ReferentUpserted(
                producer="test",
                payload={
                    "referent_id": referent_id,
                    "structure": "CD31",
                    "name": "Claire Dupuy",
                    "email": "claire.dupuy@example.org",
                    "preferences": {"email": False},
                },
            ),
        )
        await publish_event(
            broker,
            match_event(
                referent_id,
                "CD31",
                score=0.82,
                distance_km=18.4,
                explanation="Même métier : Maçon / Maçonne (F1703) · 18 km, dans sa mobilité"
                " de 25 km · 2 compétences sur 3 : coffrage, lecture de plans"
                f" · permis B ({unique})",
            ),
        )
    finally:
        await broker.stop()
    conn = await asyncpg.connect(settings.dsn)
    try:
        for _ in range(300):
            if await conn.fetchval(
                "select 1 from notifier.alerts where referent_id = $1 and planned", referent_id
            ):
                break
            await asyncio.sleep(0.2)
        else:
            pytest.fail("the alert never reached the notifier")
    finally:
        await conn.close()
    token = issue_login_token(
        settings.keyring(), referent_id, datetime.now(UTC) + timedelta(hours=1)
    )
    yield referent_id, token


async def test_a_referent_signs_in_sees_the_alert_and_marks_it_contacte(
    notifier_url: str, alert: tuple[uuid.UUID, str]
) -> None:
    from playwright.async_api import async_playwright, expect

    _, token = alert
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1100, "height": 900}, locale="fr-FR")
        try:
            await page.goto(f"{notifier_url}/connexion")
            await page.get_by_label("Jeton de connexion").fill(token)
            await page.keyboard.press("Enter")  # the form works from the keyboard
            await expect(page.get_by_role("heading", level=1)).to_contain_text("Vos pistes")
            article = page.get_by_role("article").filter(has_text="Bâtir Garonne SARL")
            await expect(article).to_contain_text("Pourquoi cette piste")
            await article.get_by_role("button", name="Contacté").click()
            await expect(page.get_by_role("status")).to_contain_text("enregistré")
            await expect(article).to_contain_text("Suivi : Contacté")
            await page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)
            await page.set_viewport_size({"width": 390, "height": 844})
            await page.screenshot(path=str(ARTIFACTS / "inbox-phone.png"), full_page=True)
        finally:
            await browser.close()
