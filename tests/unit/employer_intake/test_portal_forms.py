"""The portal's need form where no database is needed: checking a need (the compliance flags,
the ROME code proposed), a wrong field re-shown with its error, the form's suggestions, and the
door (no session, no form token). The app runs without its lifespan; its container holds the
fixture referential and no pool, so a page that reached the database would fail."""

from __future__ import annotations

import html
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from services.employer_intake.bootstrap import Container
from services.employer_intake.domain import suggestions
from services.employer_intake.domain.ratelimit import TokenBuckets
from services.employer_intake.domain.rome_coding import RomeSuggester
from services.employer_intake.entrypoints import web
from services.employer_intake.entrypoints.app import create_app
from services.employer_intake.entrypoints.need_views import age_in_words
from services.employer_intake.handlers import Intake
from services.employer_intake.settings import IntakeSettings
from shared import identity
from shared.referential.snapshot import Snapshot
from shared.web import sessions
from shared.web.door import IDENTITY_HEADER, SignInRequired


class Portal:
    def __init__(self, client: TestClient, container: Container) -> None:
        keyring = container.keyring
        session_id = uuid.uuid4()
        self.client = client
        self.csrf = sessions.csrf_token(keyring, session_id)
        assertion = identity.issue(
            keyring,
            role="federation",
            subject=str(uuid.uuid4()),
            scope="BTP31",
            lifetime=timedelta(minutes=2),
        )
        cookie = sessions.cookie_value(keyring, session_id)
        self.headers = {IDENTITY_HEADER: assertion, "Cookie": f"{sessions.COOKIE}={cookie}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, headers=self.headers)

    def post(self, url: str, form: dict[str, Any], csrf: str | None = None) -> Any:
        data = {**form, "csrf": self.csrf if csrf is None else csrf}
        return self.client.post(url, data=data, headers=self.headers)


@pytest.fixture
def portal(snapshot: Snapshot, suggester: RomeSuggester) -> Portal:
    settings = IntakeSettings()
    app = create_app(settings, relay=False, consume=False)
    intake = Intake(pool=cast(Any, None), snapshot=snapshot, suggester=suggester)
    container = Container(settings=settings, intake=intake, limiter=TokenBuckets(rate=0, burst=1))
    app.state.container = container

    # The user's row is not read here (no database): the door's word alone, as the page's
    # dependency checks it before reading the row (tested on the real database elsewhere).
    async def door_only(request: Request) -> web.FederationUser:
        user = web.federation_user_of(request, container.keyring)
        if user is None:
            raise SignInRequired(request.url.path)
        return user

    app.dependency_overrides[web.federation_user] = door_only
    client = TestClient(app, raise_server_exceptions=True, follow_redirects=False)
    return Portal(client, container)


def form(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Maçon H/F",
        "description": "Chantiers de rénovation.",
        "employer_name": "Bâtir Garonne SARL",
        "commune": "Muret (31395)",
        "contract_type": "CDD",
        "hours_per_week": "35",
        "positions": "1",
        "driving_licence_required": "non",
        "open_to_beginners": "oui",
        "action": "verifier",
        **changes,
    }


def test_checking_shows_each_flag_under_its_field_with_the_article_and_a_rewording(
    portal: Portal,
) -> None:
    r = portal.post("/federation/besoins/nouveau", form(description="Homme uniquement."))
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert 'id="signalement-description-1"' in r.text
    assert "« Homme uniquement. »" in text and "L1142-1" in text
    assert "Publier quand même" in text and "le besoin sera accepté, mais signalé" in text


def test_checking_a_clean_need_proposes_its_trade_and_offers_the_fiches_skills(
    portal: Portal,
) -> None:
    r = portal.post("/federation/besoins/nouveau", form())
    text = html.unescape(r.text)
    assert r.status_code == 200 and "Aucune phrase ne pose de problème" in text
    assert "fiche ROME F1703" in text
    assert 'name="skills" value="Préparer et couler du béton"' in text
    assert 'name="signalements_vus"' not in r.text


def test_publishing_a_flagged_need_never_checked_shows_the_flags_first(portal: Portal) -> None:
    # No database behind this app: a 200 with the flags shows nothing was stored.
    r = portal.post(
        "/federation/besoins/nouveau", form(description="Homme uniquement.", action="publier")
    )
    assert r.status_code == 200 and 'name="signalements_vus" value="oui"' in r.text


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("hours_per_week", "60", "hours_per_week"),
        ("hours_per_week", "", "hours_per_week"),
        ("siret", "123", "siret"),
        ("commune", "Atlantide", "commune"),
        ("contract_type", "STAGE", "contract_type"),
        ("rome_code", "Z9999", "rome_code"),
        ("start_date", "demain", "start_date"),
        ("autres_competences", "x" * 121, "autres_competences"),
    ],
)
def test_a_wrong_field_is_422_with_its_error_next_to_it_and_the_values_kept(
    portal: Portal, field: str, value: str, named: str
) -> None:
    r = portal.post("/federation/besoins/nouveau", form(**{field: value}))
    assert r.status_code == 422
    assert f'id="erreur-{named}"' in r.text and f'href="#champ-{named}"' in r.text
    errors = r.text.count('class="field-error"')
    assert errors == 1, errors
    assert "Bâtir Garonne SARL" in html.unescape(r.text)


def test_a_form_without_its_token_is_refused(portal: Portal) -> None:
    assert portal.post("/federation/besoins/nouveau", form(), csrf="").status_code == 403
    assert portal.post("/federation/besoins/nouveau", form()).status_code == 200


def test_a_page_without_the_doors_word_sends_to_sign_in(portal: Portal) -> None:
    r = portal.client.get("/federation/besoins/nouveau")
    assert r.status_code == 303
    assert r.headers["location"] == "/connexion?suite=/federation/besoins/nouveau"
    assert portal.client.get("/federation/api/metiers?q=maçon").status_code == 303
    assert portal.get("/federation/besoins/nouveau").status_code == 200


def test_the_form_suggests_trades_their_skills_and_communes(portal: Portal) -> None:
    trades = portal.get("/federation/api/metiers?q=maço").json()
    assert trades[0] == {
        "libelle": "Maçon / Maçonne",
        "code_rome": "F1703",
        "fiche": "Maçon / Maçonne",
    }
    # No appellation starts so: the intake's coding of the title answers.
    coded = portal.get("/federation/api/metiers?q=maconerie urgent").json()
    assert coded and coded[0]["code_rome"] == "F1703"
    assert "Lecture de plans" in portal.get("/federation/api/competences?rome=F1703").json()
    places = portal.get("/federation/api/communes?q=mur").json()
    assert [p["label"] for p in places] == ["Muret (31395)", "Villemur-sur-Tarn (31584)"]
    assert portal.get("/federation/static/besoin.js").status_code == 200


def test_a_commune_is_read_from_its_label_its_code_or_its_name(snapshot: Snapshot) -> None:
    for written in ("Muret (31395)", "31395", "muret", " Muret "):
        assert suggestions.commune_code(snapshot, written) == "31395"
    for written in ("Atlantide", "Muret (99999)", "99999", ""):
        assert suggestions.commune_code(snapshot, written) is None


def test_the_age_of_a_need_reads_in_words() -> None:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert age_in_words(now, now) == "publié aujourd'hui"
    assert age_in_words(now - timedelta(days=1), now) == "publié hier"
    assert age_in_words(now - timedelta(days=12), now) == "publié il y a 12 jours"
    assert age_in_words(now - timedelta(days=65), now) == "publié il y a 2 mois"
    assert age_in_words(now - timedelta(days=800), now) == "publié il y a 2 ans"
