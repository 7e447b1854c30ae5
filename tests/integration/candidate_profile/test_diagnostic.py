"""The diagnostic à trame unique in the workspace, on the real PostgreSQL and Kafka: a new person
through the whole form, a new diagnostic on each save (and a new profile version), the trame's
versions, what reaches matching, and who may read it."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI

from services.candidate_profile.adapters import referents_repo
from services.candidate_profile.adapters.trame_files import (
    DEFAULT_DIRECTORY,
    TrameCatalog,
    load_catalog,
)
from services.candidate_profile.bootstrap import Services
from services.candidate_profile.domain.model import ProfileCreate
from services.candidate_profile.entrypoints.pages_diagnostic import get_trames
from services.candidate_profile.handlers import consent, erasure, profiles
from shared.contracts import ProfileUpserted, decode_event
from tests.integration.candidate_profile.conftest import WebSession
from tests.integration.candidate_profile.helpers import CandidatesTopic, profile_body

WebLogin = Callable[[str], Coroutine[Any, Any, WebSession]]
Form = dict[str, Any]
NEW = "/espace/personnes/nouvelle"


@pytest.fixture
async def pages(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://profiles") as client:
        yield client


def signed_in(s: WebSession) -> dict[str, str]:
    """The headers of a référent's browser behind the front door: cookie and identity."""
    cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.items())
    return {**s.headers, "Cookie": cookie}


def person_form(s: WebSession, first_name: str, **changes: Any) -> Form:
    return {
        "csrf": s.csrf,
        "prenom": first_name,
        "courriel": "",
        "public": ["rsa", "parent_moins_3_ans"],
        "situation_actuelle": "Hébergée chez sa sœur depuis mars.",
        "experiences": "Deux ans de ménage en entreprise.",
        "savoir_faire": "Entretenir des locaux",
        "potentialites": ["budget", "benevolat"],
        "potentialites-budget-note": "élève seule ses trois enfants",
        "metiers_recherches-1": "Agent / Agente de propreté de locaux",
        "commune": "Muret",
        "mobilite_km": "15",
        "permis": "non",
        "horaires_impossibles": ["early_morning"],
        "frein_sante": "important",
        "frein_sante-note": "diabète, suivi à l'hôpital",
        "frein_logement": "leger",
        **changes,
    }


async def new_person(pages: httpx.AsyncClient, s: WebSession, first_name: str) -> UUID:
    sent = await pages.post(NEW, data=person_form(s, first_name), headers=signed_in(s))
    assert sent.status_code == 303, sent.text
    location = sent.headers["location"]
    match = re.fullmatch(r"/espace/personnes/([0-9a-f-]{36})/consentement", location)
    assert match is not None, location
    return UUID(match.group(1))


async def diagnostics_of(services: Services, candidate_id: UUID) -> list[dict[str, Any]]:
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(
            "select seq, trame_version, answers from profiles.diagnostics"
            " where candidate_id = $1 order by seq",
            candidate_id,
        )
    return [dict(r) for r in rows]


async def profile_row(services: Services, candidate_id: UUID) -> dict[str, Any] | None:
    async with services.pool.acquire() as conn:
        row = await conn.fetchrow(
            "select * from profiles.profiles where candidate_id = $1", candidate_id
        )
    return dict(row) if row else None


async def grant(services: Services, s: WebSession, candidate_id: UUID, *purposes: str) -> None:
    """Consent as the consent page records it (built elsewhere): through the same handler."""
    async with services.transaction() as conn:
        actor = await referents_repo.get(conn, s.referent_id)
        assert actor is not None
        await consent.grant(
            conn, actor=actor, candidate_id=candidate_id, purposes=list(purposes),  # type: ignore[arg-type]
            expires_at=datetime.now(UTC) + timedelta(days=180), ctx=services.ctx,
        )  # fmt: skip


def field_value(html: str, name: str) -> str | None:
    found = re.search(rf'name="{re.escape(name)}" type="[a-z]+" value="([^"]*)"', html)
    return found.group(1) if found else None


async def test_the_form_shows_every_section_with_a_step_list_linking_to_each(
    pages: httpx.AsyncClient, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    page = await pages.get(NEW, headers=signed_in(s))
    assert page.status_code == 200
    titles = re.findall(r'<section class="section" id="section-([a-z]+)">\s*<h2>', page.text)
    assert titles == [
        "personne", "situation", "parcours", "competences", "projet", "contraintes", "freins",
    ]  # fmt: skip
    for section in titles:
        assert f'<a href="#section-{section}">' in page.text
    assert 'list="suggestions-metiers"' in page.text and "/espace/static/diagnostic.js" in page.text


async def test_the_form_is_refused_without_a_session(pages: httpx.AsyncClient) -> None:
    page = await pages.get(NEW)
    assert page.status_code == 303 and page.headers["location"].startswith("/connexion")


async def test_a_new_person_gets_a_profile_and_a_first_diagnostic_then_goes_to_consent(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    candidate_id = await new_person(pages, s, f"Samira{unique}")

    profile = await profile_row(services, candidate_id)
    assert profile is not None and profile["version"] == 1
    assert profile["first_name"] == f"Samira{unique}" and profile["commune_insee"] == "31395"
    assert profile["consent_purposes"] == []  # recorded on the consent page, not here
    [first] = await diagnostics_of(services, candidate_id)
    assert first["seq"] == 1 and first["trame_version"] == 1
    assert first["answers"]["public"] == ["rsa", "parent_moins_3_ans"]
    assert first["answers"]["frein_sante"]["level"] == "important"


async def test_bad_answers_show_the_form_again_with_each_field_named_and_nothing_saved(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    name = f"Samira{unique}"
    form = person_form(s, name, commune="Atlantis", mobilite_km="loin", courriel="pas-un-mail")
    page = await pages.post(NEW, data=form, headers=signed_in(s))

    assert page.status_code == 422
    for field in ("commune", "mobilite_km", "courriel"):
        assert f'id="erreur-{field}"' in page.text
        assert f'href="#champ-{field}"' in page.text  # the summary links to the field
    assert "Commune « Atlantis » introuvable" in page.text
    assert field_value(page.text, "commune") == "Atlantis"  # what was typed stays
    assert field_value(page.text, "prenom") == name
    assert 'value="budget" checked' in page.text
    async with services.pool.acquire() as conn:
        saved = await conn.fetchval(
            "select count(*) from profiles.profiles where first_name = $1", name
        )
    assert saved == 0


async def test_a_rule_of_the_profile_is_named_on_the_diagnostics_field(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    name = f"Samira{unique}"
    # The only trade given tells a family situation: the profile's screening refuses it.
    form = person_form(s, name, **{"metiers_recherches-1": "Mère de deux enfants"})
    page = await pages.post(NEW, data=form, headers=signed_in(s))

    assert page.status_code == 422
    assert 'id="erreur-metiers_recherches-1"' in page.text
    assert "aucun métier recherché ne reste" in page.text
    async with services.pool.acquire() as conn:
        saved = await conn.fetchval(
            "select count(*) from profiles.profiles where first_name = $1", name
        )
    assert saved == 0
    ok = await pages.post(NEW, data=person_form(s, name), headers=signed_in(s))
    assert ok.status_code == 303  # the control: the same form with a trade goes through


async def test_a_new_diagnostic_starts_from_the_last_and_saving_makes_a_new_profile_version(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    candidate_id = await new_person(pages, s, f"Samira{unique}")
    url = f"/espace/personnes/{candidate_id}/diagnostic"

    form_page = await pages.get(url, headers=signed_in(s))
    assert form_page.status_code == 200
    assert field_value(form_page.text, "commune") == "Muret (31395)"
    assert field_value(form_page.text, "mobilite_km") == "15"

    changed = person_form(s, "", mobilite_km="30")
    saved = await pages.post(url, data=changed, headers=signed_in(s))
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{url}/2?enregistre=1"

    profile = await profile_row(services, candidate_id)
    assert profile is not None and profile["version"] == 2 and profile["mobility_km"] == 30
    assert profile["first_name"] == f"Samira{unique}"  # kept: this form does not ask for it
    assert [d["seq"] for d in await diagnostics_of(services, candidate_id)] == [1, 2]
    old = await pages.get(f"{url}/1", headers=signed_in(s))
    new = await pages.get(f"{url}/2", headers=signed_in(s))
    assert "15 km" in old.text and "30 km" not in old.text
    assert "30 km" in new.text


async def test_bad_answers_to_a_later_diagnostic_change_nothing(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    candidate_id = await new_person(pages, s, f"Samira{unique}")
    url = f"/espace/personnes/{candidate_id}/diagnostic"
    bad = person_form(s, "", mobilite_km="500")
    page = await pages.post(url, data=bad, headers=signed_in(s))
    assert page.status_code == 422 and 'id="erreur-mobilite_km"' in page.text
    assert "entre 0 et 200" in page.text
    profile = await profile_row(services, candidate_id)
    assert profile is not None and profile["version"] == 1
    assert len(await diagnostics_of(services, candidate_id)) == 1


def with_version_2(folder: Path) -> TrameCatalog:
    """The shipped trame, and a version 2 that adds a question to the situation."""
    shutil.copy(DEFAULT_DIRECTORY / "trame-v1.json", folder / "trame-v1.json")
    data = json.loads((DEFAULT_DIRECTORY / "trame-v1.json").read_text(encoding="utf-8"))
    data["version"] = 2
    data["sections"][0]["questions"].append(
        {"id": "francais_ecrit", "label": "Aisance en français écrit", "kind": "level"}
    )
    (folder / "trame-v2.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return load_catalog(folder)


async def test_an_old_diagnostic_still_reads_with_its_own_version_after_the_trame_changes(
    app: FastAPI, pages: httpx.AsyncClient, services: Services, web_login: WebLogin,
    unique: str, tmp_path: Path,
) -> None:  # fmt: skip
    s = await web_login(f"CD{unique}")
    candidate_id = await new_person(pages, s, f"Samira{unique}")  # written with version 1
    url = f"/espace/personnes/{candidate_id}/diagnostic"
    catalog = with_version_2(tmp_path)
    app.dependency_overrides[get_trames] = lambda: catalog
    try:
        old = await pages.get(f"{url}/1", headers=signed_in(s))
        form = await pages.get(url, headers=signed_in(s))
        answered = person_form(s, "", francais_ecrit="leger", trame="2")
        saved = await pages.post(url, data=answered, headers=signed_in(s))
        new = await pages.get(f"{url}/2", headers=signed_in(s))
    finally:
        del app.dependency_overrides[get_trames]

    assert old.status_code == 200
    assert "trame version 1" in old.text and "Aisance en français écrit" not in old.text
    assert "Deux ans de ménage en entreprise." in old.text  # its answers, with its questions
    assert "Aisance en français écrit" in form.text and 'name="trame" value="2"' in form.text
    assert saved.status_code == 303
    assert [d["trame_version"] for d in await diagnostics_of(services, candidate_id)] == [1, 2]
    assert "trame version 2" in new.text and "Aisance en français écrit" in new.text


async def test_what_reaches_matching_has_the_skills_but_never_the_situation_health_or_freins(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin,
    candidates: CandidatesTopic, unique: str,
) -> None:  # fmt: skip
    s = await web_login(f"CD{unique}")
    candidate_id = await new_person(pages, s, f"Samira{unique}")
    await grant(services, s, candidate_id, "matching")
    url = f"/espace/personnes/{candidate_id}/diagnostic"
    saved = await pages.post(url, data=person_form(s, ""), headers=signed_in(s))
    assert saved.status_code == 303

    def third_version(values: list[bytes | None]) -> bool:
        return any(v and decode_event(v).payload.version == 3 for v in values)  # type: ignore[union-attr]

    values = await candidates.of(str(candidate_id), until=third_version)
    record = next(v for v in values if v and decode_event(v).payload.version == 3)  # type: ignore[union-attr]
    event = decode_event(record)
    assert isinstance(event, ProfileUpserted)
    # The potentialité goes as a skill, with the trade and the schedule constraint...
    assert "Gérer un budget et suivre des dépenses" in event.payload.skills
    assert event.payload.desired_rome_codes and event.payload.commune_insee == "31395"
    assert [s.value for s in event.payload.unavailable_schedules] == ["early_morning"]
    # ...the public category, health, family situation, freins and notes do not.
    text = record.decode()
    for private in (
        "rsa", "RSA", "parent_moins_3_ans", "diabète", "diab\\u00e8te", "hôpital", "enfants",
        "sœur", "important", "leger", "frein", f"Samira{unique}",
    ):  # fmt: skip
        assert private not in text, private


async def test_a_partner_the_person_is_shared_with_reads_the_diagnostic_and_no_one_else(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    owner = await web_login(f"CD{unique}")
    partner = await web_login(f"FT{unique}")
    stranger = await web_login(f"ML{unique}")
    candidate_id = await new_person(pages, owner, f"Samira{unique}")
    url = f"/espace/personnes/{candidate_id}/diagnostic"

    before = await pages.get(f"{url}/1", headers=signed_in(partner))
    assert before.status_code == 404  # not shared yet
    await grant(services, owner, candidate_id, "matching", "sharing_with_partners")
    async with services.transaction() as conn:
        actor = await referents_repo.get(conn, owner.referent_id)
        assert actor is not None
        await profiles.share(
            conn, actor=actor, candidate_id=candidate_id, structure=partner.structure,
            ctx=services.ctx,
        )  # fmt: skip

    read = await pages.get(f"{url}/1", headers=signed_in(partner))
    latest = await pages.get(url, headers=signed_in(partner))
    assert read.status_code == 200 and "diabète, suivi à l&#39;hôpital" in read.text
    assert latest.status_code == 200 and "Diagnostic n° 1" in latest.text
    assert "Mettre à jour le diagnostic" not in latest.text  # read only
    changed = await pages.post(url, data=person_form(partner, ""), headers=signed_in(partner))
    assert changed.status_code == 403
    for path in (f"{url}/1", url):
        assert (await pages.get(path, headers=signed_in(stranger))).status_code == 404
    assert (
        await pages.post(url, data=person_form(stranger, ""), headers=signed_in(stranger))
    ).status_code == 404


async def test_erasing_the_person_erases_their_diagnostics(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    candidate_id = await new_person(pages, s, f"Samira{unique}")
    assert len(await diagnostics_of(services, candidate_id)) == 1
    async with services.transaction() as conn:
        actor = await referents_repo.get(conn, s.referent_id)
        assert actor is not None
        profile = await profiles.owned(conn, actor=actor, candidate_id=candidate_id)
        await erasure.erase(conn, profile, reason="withdrawn", ctx=services.ctx)
    assert await diagnostics_of(services, candidate_id) == []


async def test_trades_are_suggested_to_a_signed_in_referent_only(
    pages: httpx.AsyncClient, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    found = await pages.get("/espace/api/metiers", params={"q": "maçon"}, headers=signed_in(s))
    assert found.status_code == 200
    assert {"libelle": "Maçon / Maçonne", "code_rome": "F1703"} in found.json()
    anonymous = await pages.get("/espace/api/metiers", params={"q": "maçon"})
    assert anonymous.status_code == 303  # sent to sign in, no suggestion


async def test_a_form_posted_without_the_sessions_token_is_refused(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    name = f"Samira{unique}"
    refused = await pages.post(NEW, data=person_form(s, name, csrf="forged"), headers=signed_in(s))
    assert refused.status_code == 403
    async with services.pool.acquire() as conn:
        assert not await conn.fetchval(
            "select count(*) from profiles.profiles where first_name = $1", name
        )


async def test_a_person_made_without_a_diagnostic_gets_a_form_filled_from_their_profile(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    async with services.transaction() as conn:  # as the API creates it
        actor = await referents_repo.get(conn, s.referent_id)
        assert actor is not None
        body = ProfileCreate.model_validate(profile_body(f"Samira{unique}", skills=["Coffrer"]))
        profile, _ = await profiles.create(conn, actor=actor, data=body, ctx=services.ctx)
    page = await pages.get(
        f"/espace/personnes/{profile.candidate_id}/diagnostic", headers=signed_in(s)
    )
    assert page.status_code == 200
    assert field_value(page.text, "commune") == "Toulouse (31555)"
    assert field_value(page.text, "metiers_recherches-1") == "Maçonne"
    assert field_value(page.text, "mobilite_km") == "25"
    assert ">Coffrer</textarea>" in page.text


async def test_a_sentence_screened_out_of_the_profile_is_said_and_stays_in_the_diagnostic(
    pages: httpx.AsyncClient, services: Services, web_login: WebLogin, unique: str
) -> None:
    s = await web_login(f"CD{unique}")
    candidate_id = await new_person(pages, s, f"Samira{unique}")
    url = f"/espace/personnes/{candidate_id}/diagnostic"
    form = person_form(s, "", savoir_faire="Entretenir des locaux\nGarder mes enfants")
    saved = await pages.post(url, data=form, headers=signed_in(s))
    assert saved.headers["location"] == f"{url}/2?enregistre=1&retires=1"

    shown = await pages.get(saved.headers["location"], headers=signed_in(s))
    assert "1 phrase parlant de santé" in shown.text and "Garder mes enfants" in shown.text
    profile = await profile_row(services, candidate_id)
    assert profile is not None and "Entretenir des locaux" in profile["skills"]
    assert "Garder mes enfants" not in profile["skills"]
