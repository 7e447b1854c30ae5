"""The passeport emploi, co-built by the référent (signed in), the person and an employer
(through links without account); printed, exported, and erased with the profile."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
import uuid
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from services.candidate_profile.adapters import referents_repo
from services.candidate_profile.bootstrap import Services
from services.candidate_profile.handlers import passeport, passeport_links
from shared.db.pool import connect
from tests.integration.candidate_profile.conftest import WebSession
from tests.integration.candidate_profile.helpers import personal_data_left, profile_body

Login = Callable[[str], Coroutine[Any, Any, dict[str, str]]]
WebLogin = Callable[[str], Coroutine[Any, Any, WebSession]]
pytestmark = pytest.mark.integration

TABLES = (
    "passeport_items",
    "passeport_reviews",
    "passeport_links",
    "passeport_attestations",
    "passeport_history",
)


class Referent:
    """A signed-in référent working on one person's passeport through the pages."""

    def __init__(self, client: httpx.AsyncClient, web: WebSession, candidate_id: str) -> None:
        self.client, self.web, self.candidate_id = client, web, candidate_id
        self.base = f"/espace/personnes/{candidate_id}/passeport"

    async def get(self, path: str = "") -> httpx.Response:
        return await self.client.get(
            self.base + path, cookies=self.web.cookies, headers=self.web.headers
        )

    async def post(self, path: str, **form: str) -> httpx.Response:
        return await self.client.post(
            self.base + path,
            data={"csrf": self.web.csrf, **form},
            cookies=self.web.cookies,
            headers=self.web.headers,
        )

    async def add(self, section: str, **form: str) -> httpx.Response:
        return await self.post("/elements", section=section, **form)

    async def link(self, kind: str, employer: str = "", days: str = "30") -> str:
        """The link's path, read from the page that shows it once."""
        page = await self.post("/liens", lien_type=kind, lien_employeur=employer, lien_jours=days)
        assert page.status_code == 201, page.text
        found = re.search(r'value="http://profiles(/passeport/lien/[^"]+)"', page.text)
        assert found, "the new link is shown on the page"
        assert page.headers["cache-control"] == "no-store" and "copier.js" in page.text
        return found.group(1)


async def _person(client: httpx.AsyncClient, login: Login, structure: str, name: str) -> str:
    created = await client.post(
        "/profiles", json=profile_body(name), headers=await login(structure)
    )
    assert created.status_code == 201, created.text
    return str(created.json()["candidate_id"])


async def _referent_with_person(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str, name: str
) -> Referent:
    structure = f"CD{unique}"
    candidate_id = await _person(client, login, structure, name)
    return Referent(client, await web_login(structure), candidate_id)


async def _build(ref: Referent) -> None:
    for section, form in (
        (
            "competences",
            {
                "competence": "Monter un mur en parpaings",
                "preuve_type": "experience",
                "preuve": "3 ans de gros œuvre chez Bati31",
            },
        ),
        ("metiers", {"metier": "Maçonne", "metier_note": "Découvert en visite de chantier"}),
        (
            "actions",
            {
                "action_titre": "Immersion PMSMP",
                "action_structure": "France Travail",
                "action_date": "2026-03-14",
                "action_resultat": "Très positive",
            },
        ),
    ):
        added = await ref.add(section, **form)
        assert added.status_code == 303, added.text


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _text(page: httpx.Response) -> str:
    return html.unescape(page.text)


async def test_the_referent_builds_the_passeport_and_the_history_names_who_did_each_change(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Samira{unique}")
    await _build(ref)
    page = _text(await ref.get())
    assert "Monter un mur en parpaings" in page and "3 ans de gros œuvre chez Bati31" in page
    assert "Maçonne" in page and "fiche ROME F1703" in page  # a ROME label keeps its code
    assert "Immersion PMSMP" in page and "14/03/2026" in page

    item_id = re.search(r"/passeport/elements/([0-9a-f-]{36})\"", page)
    assert item_id
    edited = await ref.post(
        f"/elements/{item_id.group(1)}",
        competence="Monter un mur droit",
        preuve_type="formation",
        preuve="CAP maçon",
    )
    assert edited.status_code == 303
    removed = await ref.post(f"/elements/{item_id.group(1)}/retirer")
    assert removed.status_code == 303

    page = _text(await ref.get())
    assert "Monter un mur" not in page.split("Historique des changements")[0]
    history = page.split("Historique des changements")[1]
    for change in (
        "Ajout : « Monter un mur en parpaings »",
        "Modification : « Monter un mur droit »",
        "Retrait : « Monter un mur droit »",
        "Ajout : « Maçonne »",
        "Ajout : « Immersion PMSMP »",
    ):
        assert change in history
    assert history.count("Claire Test") == 5  # the référent, by name


async def test_a_wrong_field_is_named_on_the_page_and_nothing_is_saved(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Nadia{unique}")
    bad = await ref.add("actions", action_titre="Atelier CV", action_date="31/02/2026")
    assert bad.status_code == 422
    assert 'id="erreur-action_date"' in bad.text and 'value="Atelier CV"' in bad.text
    ok = await ref.add("actions", action_titre="Atelier CV", action_date="28/02/2026")
    assert ok.status_code == 303
    page = _text(await ref.get())
    assert page.count("<strong>Atelier CV</strong>") == 1 and "28/02/2026" in page


async def test_the_person_validates_and_comments_a_section_through_their_link(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, services: Services, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Inès{unique}")
    await _build(ref)
    link = await ref.link("personne")
    conn = await connect(services.settings.dsn)
    try:  # the token is kept as a keyed hash only
        assert await personal_data_left(conn, [link.rsplit("/", 1)[1]]) == []
    finally:
        await conn.close()
    mine = await client.get(link)  # no session, no identity header: the link is the key
    assert mine.status_code == 200 and mine.headers["cache-control"] == "no-store"
    text = _text(mine)
    assert f"Inès{unique}" in text and "3 ans de gros œuvre chez Bati31" in text

    reviewed = await client.post(
        f"{link}/avis/competences",
        data={
            "csrf": _csrf(mine.text),
            "valide_competences": "oui",
            "commentaire_competences": "J'ai aussi posé du carrelage",
        },
    )
    assert reviewed.status_code == 303
    forged = await client.post(
        f"{link}/avis/metiers", data={"csrf": ref.web.csrf, "valide_metiers": "oui"}
    )
    assert forged.status_code == 403  # the référent's session token is not this link's

    page = _text(await ref.get())
    competences = page.split('id="section-competences"')[1].split("</section>")[0]
    assert f"Validée par Inès{unique}" in competences and "J'ai aussi posé du carrelage" in page
    metiers = page.split('id="section-metiers"')[1].split("</section>")[0]
    assert "Pas encore relue" in metiers
    history = page.split("Historique des changements")[1]
    assert f"Inès{unique} (Compétences et preuves) : Section validée" in history


async def test_a_section_changed_after_the_persons_validation_is_to_be_validated_again(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Léna{unique}")
    await _build(ref)
    link = await ref.link("personne")
    csrf = _csrf((await client.get(link)).text)
    for section in ("competences", "metiers"):
        await client.post(f"{link}/avis/{section}", data={"csrf": csrf, f"valide_{section}": "oui"})
    await ref.add("competences", competence="Lire un plan", preuve_type="formation", preuve="CAP")

    page = _text(await ref.get())
    competences = page.split('id="section-competences"')[1].split("</section>")[0]
    metiers = page.split('id="section-metiers"')[1].split("</section>")[0]
    assert f"À valider par Léna{unique}" in competences
    assert f"Validée par Léna{unique}" in metiers  # control: the untouched section stays validated
    assert f"Validation de Léna{unique} à renouveler : la partie a changé" in page


async def test_the_employer_sees_the_first_name_and_trades_only_and_attests_skills(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Awa{unique}")
    await _build(ref)
    link = await ref.link("employeur", employer="Bâtiments du Lauragais")
    seen = await client.get(link)
    text = _text(seen)
    assert seen.status_code == 200 and f"Awa{unique}" in text and "Maçonne" in text
    assert "Bati31" not in text and "Immersion PMSMP" not in text  # evidence, actions: not theirs

    attested = await client.post(
        f"{link}/attestation",
        data={
            "csrf": _csrf(seen.text),
            "employeur": "SARL Bâtiments du Lauragais",
            "tuteur": "Paul Durand, chef d'équipe",
            "immersion": "Aide-maçonne, du 3 au 14 mars",
            "competences_observees": "Lire un plan\nMonter un mur d'angle",
        },
    )
    assert attested.status_code == 303
    no_skill = await client.post(
        f"{link}/attestation",
        data={"csrf": _csrf(seen.text), "employeur": "X", "tuteur": "Y", "immersion": "Z"},
    )
    assert no_skill.status_code == 422 and 'id="erreur-competences_observees"' in no_skill.text

    # Each link does its own part only: no review through the employer's, no attestation
    # through the person's.
    csrf = _csrf(seen.text)
    data = {"csrf": csrf, "valide_metiers": "oui"}
    assert (await client.post(f"{link}/avis/metiers", data=data)).status_code == 404
    person = await ref.link("personne")
    person_csrf = _csrf((await client.get(person)).text)
    data = {
        "csrf": person_csrf,
        "employeur": "X",
        "tuteur": "Y",
        "immersion": "Z",
        "competences_observees": "Intrusion",
    }
    assert (await client.post(f"{person}/attestation", data=data)).status_code == 404

    page = _text(await ref.get())
    assert "Intrusion" not in page and "À valider" not in page
    attestations = page.split('id="attestations"')[1].split("</section>")[0]
    assert "SARL Bâtiments du Lauragais" in attestations and "Monter un mur d'angle" in attestations
    assert attestations.count("Paul Durand") == 1  # the refused one left nothing
    history = page.split("Historique des changements")[1]
    assert "Bâtiments du Lauragais (employeur)" in history and "Lire un plan" in history


async def test_the_pdf_and_the_json_export_carry_the_name_the_skills_and_the_attestation(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Maëlle{unique}")
    await _build(ref)
    link = await ref.link("employeur", employer="Garage Occitan")
    seen = await client.get(link)
    await client.post(
        f"{link}/attestation",
        data={
            "csrf": _csrf(seen.text),
            "employeur": "Garage Occitan",
            "tuteur": "Léo",
            "immersion": "PMSMP mécanique",
            "competences_observees": "Diagnostiquer une panne",
        },
    )

    pdf = await ref.get(".pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())
    for expected in (
        f"Maëlle{unique}",
        "Monter un mur en parpaings",
        "Garage Occitan",
        "Diagnostiquer une panne",
    ):
        assert expected in text, expected

    exported = await ref.get(".json")
    assert exported.status_code == 200
    doc = exported.json()
    assert doc["first_name"] == f"Maëlle{unique}"
    skills = [i["skill"] for i in doc["sections"]["competences"]["items"]]
    assert skills == ["Monter un mur en parpaings"]
    assert doc["attestations"][0]["skills"] == ["Diagnostiquer une panne"]
    assert doc["attestations"][0]["employer_name"] == "Garage Occitan"
    assert "Garage Occitan" in json.dumps([h["who"] for h in doc["history"]])


async def test_a_link_opens_its_own_passeport_only(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    first = await _referent_with_person(client, login, web_login, unique, f"Lina{unique}")
    await _build(first)
    second = Referent(
        client, first.web, await _person(client, login, f"CD{unique}", f"Rose{unique}")
    )
    await second.add(
        "competences",
        competence="Accueillir du public",
        preuve_type="formation",
        preuve="Titre pro",
    )
    link_of_second = await second.link("personne")
    link_of_first = await first.link("personne")

    page = _text(await client.get(link_of_second))
    assert f"Rose{unique}" in page and "Accueillir du public" in page
    assert f"Lina{unique}" not in page and "parpaings" not in page
    control = _text(await client.get(link_of_first))
    assert f"Lina{unique}" in control and "parpaings" in control

    # A form of the second passeport's page cannot be replayed on the first one's link.
    csrf_of_second = _csrf((await client.get(link_of_second)).text)
    crossed = await client.post(
        f"{link_of_first}/avis/competences",
        data={"csrf": csrf_of_second, "valide_competences": "oui"},
    )
    assert crossed.status_code == 403
    assert "Pas encore relue" in _text(await first.get()).split('id="section-metiers"')[0]


async def test_revoked_and_expired_links_stop_working(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, services: Services, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Chloé{unique}")
    person, employer = await ref.link("personne"), await ref.link("employeur", employer="Fournil")
    csrf = _csrf((await client.get(person)).text)
    # The page lists the links newest first: the employer's, then the person's.
    employer_id, person_id = re.findall(
        r"/passeport/liens/([0-9a-f-]{36})/retirer", ref_page := _text(await ref.get())
    )
    assert "Valable jusqu" in ref_page
    assert (await ref.post(f"/liens/{employer_id}/retirer")).status_code == 303
    assert (await client.get(employer)).status_code == 410
    assert (await client.get(person)).status_code == 200  # control: the other link still opens
    await ref.post(f"/liens/{person_id}/retirer")
    closed = await client.get(person)
    assert closed.status_code == 410 and "Ce lien ne fonctionne plus" in _text(closed)
    late = await client.post(
        f"{person}/avis/competences", data={"csrf": csrf, "valide_competences": "oui"}
    )
    assert late.status_code == 410
    assert "Pas encore relue" in _text(await ref.get()) and "Retiré le" in _text(await ref.get())

    # A link made 31 days ago for 30 days: expired now; one made for 90 days: still open.
    then = dataclasses.replace(services.ctx, clock=lambda: services.ctx.clock() - timedelta(31))
    async with services.transaction() as conn:
        actor = await referents_repo.get(conn, ref.web.referent_id)
        assert actor is not None
        profile = await passeport.own_profile(conn, actor, uuid.UUID(ref.candidate_id))
        _, expired = await passeport_links.create_link(
            conn, actor=actor, profile=profile, form={"lien_type": "personne"}, ctx=then
        )
        _, longer = await passeport_links.create_link(
            conn,
            actor=actor,
            profile=profile,
            form={"lien_type": "personne", "lien_jours": "90"},
            ctx=then,
        )
    gone = await client.get(f"/passeport/lien/{expired}")
    assert gone.status_code == 410 and "Ce lien ne fonctionne plus" in _text(gone)
    assert (await client.get(f"/passeport/lien/{longer}")).status_code == 200
    unknown = await client.get(f"/passeport/lien/{expired[:-4]}abcd")
    assert unknown.status_code == 404 and "Ce lien n'existe pas" in _text(unknown)


async def test_a_link_lasts_at_most_ninety_days(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Zoé{unique}")
    refused = await ref.post("/liens", lien_type="personne", lien_jours="91")
    assert refused.status_code == 422 and 'id="erreur-lien_jours"' in refused.text
    no_name = await ref.post("/liens", lien_type="employeur", lien_jours="30")
    assert no_name.status_code == 422 and 'id="erreur-lien_employeur"' in no_name.text
    assert "/passeport/lien/" not in refused.text + no_name.text
    assert "Aucun lien pour l'instant" in _text(await ref.get())
    await ref.link("personne", days="90")  # control: the longest allowed


async def test_another_structure_gets_404_on_the_referent_pages(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Jade{unique}")
    await _build(ref)
    other = Referent(client, await web_login(f"CAF{unique}"), ref.candidate_id)
    for path in ("", ".pdf", ".json"):
        assert (await other.get(path)).status_code == 404, path
        assert (await ref.get(path)).status_code == 200, path  # control: the own structure
    added = await other.add(
        "competences", competence="Intrus", preuve_type="experience", preuve="x"
    )
    assert added.status_code == 404
    assert (await other.post("/liens", lien_type="personne")).status_code == 404
    assert "Intrus" not in (await ref.get()).text


async def test_the_pages_ask_to_sign_in_without_the_front_doors_identity(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> None:
    ref = await _referent_with_person(client, login, web_login, unique, f"Mia{unique}")
    anonymous = await client.get(ref.base)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/connexion")
    assert (await ref.get()).status_code == 200
    script = "/espace/passeport/copier.js"  # the copy button of a new link's page
    assert (await client.get(script)).status_code == 303
    served = await client.get(script, cookies=ref.web.cookies, headers=ref.web.headers)
    assert served.status_code == 200 and "lien-a-copier" in served.text


async def test_erasing_the_profile_removes_every_passeport_row(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, services: Services, unique: str
) -> None:
    structure = f"CD{unique}"
    headers = await login(structure)
    created = await client.post("/profiles", json=profile_body(f"Eva{unique}"), headers=headers)
    ref = Referent(client, await web_login(structure), created.json()["candidate_id"])
    await _build(ref)
    link = await ref.link("personne")
    page = await client.get(link)
    await client.post(
        f"{link}/avis/actions", data={"csrf": _csrf(page.text), "valide_actions": "oui"}
    )
    employer = await ref.link("employeur", employer="Fournil")
    page = await client.get(employer)
    await client.post(
        f"{employer}/attestation",
        data={
            "csrf": _csrf(page.text),
            "employeur": "Fournil",
            "tuteur": "Ana",
            "immersion": "Vente",
            "competences_observees": "Encaisser",
        },
    )

    async def rows() -> dict[str, int]:
        async with services.pool.acquire() as conn:
            return {
                t: await conn.fetchval(
                    f"select count(*) from profiles.{t} where candidate_id = $1",
                    uuid.UUID(ref.candidate_id),
                )
                for t in TABLES
            }

    before = await rows()
    assert all(n > 0 for n in before.values()), before
    erased = await client.delete(f"/profiles/{ref.candidate_id}", headers=headers)
    assert erased.status_code == 204
    assert await rows() == dict.fromkeys(TABLES, 0)
    assert (await client.get(link)).status_code == 404
