"""The whole product as a référent lives it: a need is posted, the right référent receives one
e-mail that explains the match, sees it in the inbox, says what they did, and when the person
withdraws consent the entry is redacted everywhere they can see it."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contracts import MatchFeedbackGiven, decode_event
from shared.kafka.reader import read_since
from shared.settings import load_base_settings
from shared.topics import FEEDBACK

pytestmark = pytest.mark.e2e


def cli(module: str, *args: str) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=True
    )
    return done.stdout, done.stderr


def mails_to(mail_dir: Path, address: str, about: str) -> list[EmailMessage]:
    """The e-mails to `address` whose text names `about` (other open needs match too)."""
    found = []
    for path in sorted(mail_dir.glob("*.eml")) if mail_dir.exists() else []:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        text = message.get_body(preferencelist=("plain",))
        if address in str(message.get("To", "")) and text and about in text.get_content():
            found.append(message)  # type: ignore[arg-type]
    return found


async def eventually(check: Any, *, within: float = 90, every: float = 1.0) -> Any:
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        await asyncio.sleep(every)


async def feedback_for(match_id: str, since_ms: int) -> list[MatchFeedbackGiven]:
    records = await read_since(load_base_settings().kafka_bootstrap, FEEDBACK.name, since_ms)
    return [
        event
        for event in (decode_event(r.value) for r in records if r.value is not None)
        if isinstance(event, MatchFeedbackGiven) and str(event.payload.match_id) == match_id
    ]


async def test_a_need_reaches_the_right_referent_who_acts_and_erasure_redacts_it(
    running_services: str, mail_dir: Path
) -> None:
    base = int(running_services)
    intake, profiles, inbox = (f"http://127.0.0.1:{base + i}" for i in (1, 2, 4))
    run = uuid.uuid4().hex[:8]
    employer = f"Maçonnerie Garonne {run}"
    started_ms = int(time.time() * 1000)

    # A référent of a structure of their own, who wants alerts by e-mail at once.
    email = f"referente.{run}@e2e.cd31.fr"
    out, err = cli(
        "services.candidate_profile",
        "create-referent",
        "--structure",
        f"E2E{run}",
        "--email",
        email,
        "--name",
        "Nadia Roussel",
    )
    bearer = {"Authorization": f"Bearer {out.strip().splitlines()[-1]}"}
    inbox_token = re.search(r"inbox sign-in token (\S+)", err).group(1)  # type: ignore[union-attr]
    key, _ = cli("services.employer_intake", "create-api-key", "--federation", f"E2E{run}")
    api_key = {"X-API-Key": key.strip().splitlines()[-1]}

    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.put(
            f"{profiles}/referents/me/preferences",
            headers=bearer,
            json={"mode": "immediate", "quiet_start": None, "quiet_end": None},
        )
        assert r.status_code == 200, r.text
        expires = (datetime.now(UTC) + timedelta(days=300)).isoformat()
        r = await http.post(
            f"{profiles}/profiles",
            headers=bearer,
            json={
                "first_name": "Lina",
                "desired_jobs": ["Maçonne"],
                "commune_insee": "31555",
                "experience": "Trois ans de gros œuvre, murs en briques et parpaings.",
                "skills": ["lecture de plans", "montage de murs"],
                "mobility_km": 30,
                "has_driving_licence": True,
                "unavailable_schedules": ["night"],
                "consent": {"purposes": ["matching"], "expires_at": expires},
            },
        )
        assert r.status_code == 201, r.text
        candidate_id = r.json()["candidate_id"]
        await asyncio.sleep(2)  # the profile reaches the matcher's index first

        r = await http.post(
            f"{intake}/needs",
            headers=api_key,
            json={
                "employer_name": employer,
                "title": "Maçon / Maçonne",
                "siret": f"{int(run, 16) % 10**14:014d}",
                "description": "Rénovation de maisons de ville à Tournefeuille.",
                "skills": ["lecture de plans", "montage de murs"],
                "commune_insee": "31557",
                "contract_type": "CDD",
                "hours_per_week": 35,
                "schedules": ["day"],
            },
        )
        assert r.status_code == 201, r.text
        need_id = r.json()["need_id"]

        async def the_mail() -> list[EmailMessage]:
            return mails_to(mail_dir, email, employer)

        mail = (await eventually(the_mail))[0]
        body = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        assert "Maçon" in str(mail["Subject"])
        assert "Même métier" in body and "F1703" in body
        assert "Lina" not in body  # the notifier never sees a name

        async with httpx.AsyncClient(base_url=inbox, timeout=30) as browser:
            r = await browser.post("/connexion", data={"jeton": inbox_token}, follow_redirects=True)
            assert r.status_code == 200 and "Maçonnerie Garonne" in r.text
            ours = next(c for c in r.text.split('id="alerte-')[1:] if employer in c)
            alert_id = ours[:36]
            csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
            r = await browser.post(
                f"/alertes/{alert_id}/suivi",
                data={"decision": "contacted", "csrf": csrf},
                follow_redirects=True,
            )
            assert r.status_code == 200

            # The matcher has no users of its own: the référent's service vouches for them.
            r = await http.post(f"{profiles}/referents/me/assertion", headers=bearer)
            assert r.status_code == 200, r.text
            matches = (
                await http.get(
                    f"http://127.0.0.1:{base + 3}/matches",
                    params={"need_id": need_id},
                    headers={"Authorization": f"Bearer {r.json()['assertion']}"},
                )
            ).json()
            [match] = [m for m in matches if m["candidate_id"] == candidate_id]
            match_id = str(match["match_id"])

            async def the_feedback() -> list[MatchFeedbackGiven]:
                return await feedback_for(match_id, started_ms)

            given = await eventually(the_feedback)
            assert given[0].payload.decision.value == "contacted"

            r = await http.post(
                f"{profiles}/profiles/{candidate_id}/consent/withdraw",
                headers=bearer,
                json={"purposes": ["matching"]},
            )
            assert r.status_code == 200, r.text

            async def redacted() -> bool:
                page = (await browser.get("/boite")).text
                return "Profil supprimé" in page and "Même métier" not in page

            assert await eventually(redacted)
    assert len(mails_to(mail_dir, email, employer)) == 1
