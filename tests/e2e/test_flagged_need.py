"""A need flagged under L1132-1 / L1142-1, through the four services: still matched on its trade,
and the référent's e-mail and inbox say "Offre signalée" with the grounds, never the sentence; an
unflagged need beside it reads as before."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_four_services import cli, eventually, mails_to

pytestmark = pytest.mark.e2e
FLAGGED = "Homme uniquement, moins de 30 ans."
NOTICE = "Offre signalée : sexe, âge (article L1132-1 / L1142-1)"


def _need(employer: str, description: str) -> dict[str, object]:
    return {
        "employer_name": employer, "title": "Cariste", "description": description,
        "skills": ["conduite de chariots élévateurs"], "commune_insee": "31555",
        "contract_type": "CDD", "hours_per_week": 35, "schedules": ["day"],
    }  # fmt: skip


def _text(mail: EmailMessage) -> str:
    return str(mail.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def _block(mail: EmailMessage, employer: str) -> str:
    """The need's block of an e-mail (one alert, or a block per alert in a grouped one)."""
    text = _text(mail).replace("\r\n", "\n")
    [block] = [b for b in text.split("\n\n") if employer in b]
    return block


async def test_a_flagged_need_is_alerted_as_flagged_and_an_unflagged_one_is_not(
    running_services: str, mail_dir: Path
) -> None:
    base = int(running_services)
    intake, profiles, inbox = (f"http://127.0.0.1:{base + i}" for i in (1, 2, 4))
    run = uuid.uuid4().hex[:8]
    email = f"referent.{run}@e2e.cd31.fr"
    out, err = cli("services.candidate_profile", "create-referent", "--structure", f"FL{run}",
                   "--email", email, "--name", "Paul Vidal")  # fmt: skip
    bearer = {"Authorization": f"Bearer {out.strip().splitlines()[-1]}"}
    inbox_token = re.search(r"inbox sign-in token (\S+)", err).group(1)  # type: ignore[union-attr]
    key, _ = cli("services.employer_intake", "create-api-key", "--federation", f"FL{run}")
    api_key = {"X-API-Key": key.strip().splitlines()[-1]}
    flagged_employer, plain_employer = f"Logis Sud {run}", f"Entrepôts Garonne {run}"

    async with httpx.AsyncClient(timeout=30) as http:
        immediate = {"mode": "immediate", "quiet_start": None, "quiet_end": None}
        r = await http.put(f"{profiles}/referents/me/preferences", headers=bearer, json=immediate)
        assert r.status_code == 200, r.text
        expires = (datetime.now(UTC) + timedelta(days=300)).isoformat()
        r = await http.post(f"{profiles}/profiles", headers=bearer, json={
            "first_name": "Karim", "desired_jobs": ["Cariste"], "commune_insee": "31555",
            "experience": "Quatre ans de cariste en entrepôt, CACES 3.",
            "skills": ["conduite de chariots élévateurs"], "mobility_km": 20,
            "consent": {"purposes": ["matching"], "expires_at": expires},
        })  # fmt: skip
        assert r.status_code == 201, r.text
        trade = "Conduite de chariots élévateurs en entrepôt logistique."
        for employer, text in ((flagged_employer, f"{trade} {FLAGGED}"), (plain_employer, trade)):
            r = await http.post(f"{intake}/needs", headers=api_key, json=_need(employer, text))
            assert r.status_code == 201, r.text
        assert r.json()["compliance_flags"] == []  # the unflagged one

    async def both_mails() -> list[EmailMessage] | None:
        flagged = mails_to(mail_dir, email, flagged_employer)
        plain = mails_to(mail_dir, email, plain_employer)
        return [flagged[0], plain[0]] if flagged and plain else None

    flagged_mail, plain_mail = await eventually(both_mails, within=120)
    # The alert names the grounds, never the sentence (what the matcher reads without it:
    # tests/integration/employer_intake/test_needs_api.py and tests/unit/matcher).
    assert NOTICE in _block(flagged_mail, flagged_employer)
    assert FLAGGED not in _text(flagged_mail)
    # Positive control: nothing to say of the other need (both may come in one grouped e-mail,
    # a block each).
    assert "Offre signalée" not in _block(plain_mail, plain_employer)

    async with httpx.AsyncClient(base_url=inbox, timeout=30) as browser:
        page = await browser.post("/connexion", data={"jeton": inbox_token}, follow_redirects=True)
        assert page.status_code == 200
        cards = {c[:36]: c for c in page.text.split('id="alerte-')[1:]}
        [flagged_card] = [c for c in cards.values() if flagged_employer in c]
        [plain_card] = [c for c in cards.values() if plain_employer in c]
        assert NOTICE in flagged_card and "Offre signalée" not in plain_card
