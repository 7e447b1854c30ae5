"""A person's registrations to the actions of the banque commune, read from the real Kafka into
the real PostgreSQL: shown on the person's page, the attended ones in the passeport (page, PDF,
JSON), the latest version winning, and erased with the person."""

from __future__ import annotations

import asyncio
import html
import io
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest
import pytest_asyncio
from faststream.kafka import KafkaBroker
from pypdf import PdfReader

from services.candidate_profile.bootstrap import Services
from shared.kafka.broker import make_broker, publish_event
from shared.topics import REGISTRATIONS
from tests.action_events import registration_event
from tests.integration.candidate_profile.conftest import WebSession
from tests.integration.candidate_profile.helpers import profile_body

Login = Callable[[str], Coroutine[Any, Any, dict[str, str]]]
WebLogin = Callable[[str], Coroutine[Any, Any, WebSession]]
pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def broker(kafka_bootstrap: str) -> AsyncIterator[KafkaBroker]:
    producer = make_broker(kafka_bootstrap, client_id="profiles-registration-tests")
    await producer.start()
    yield producer
    await producer.stop()


async def eventually(check: Callable[[], Coroutine[Any, Any, Any]], within: float = 30) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while not (result := await check()):
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.2)
    return result


class Person:
    """A person of a signed-in référent's structure, and the pages about them."""

    def __init__(self, client: httpx.AsyncClient, web: WebSession, candidate_id: str) -> None:
        self.client, self.web, self.id = client, web, uuid.UUID(candidate_id)

    async def get(self, path: str) -> httpx.Response:
        return await self.client.get(path, cookies=self.web.cookies, headers=self.web.headers)

    async def page(self, suffix: str = "") -> str:
        response = await self.get(f"/espace/personnes/{self.id}{suffix}")
        assert response.status_code == 200, response.text
        return html.unescape(response.text)


async def _person(
    client: httpx.AsyncClient, login: Login, web_login: WebLogin, unique: str
) -> tuple[Person, dict[str, str]]:
    structure = f"CD{unique}"
    headers = await login(structure)
    created = await client.post("/profiles", json=profile_body(f"Lina{unique}"), headers=headers)
    assert created.status_code == 201, created.text
    return Person(client, await web_login(structure), created.json()["candidate_id"]), headers


async def _count(services: Services, person: Person, *where: str) -> int:
    clause = " and ".join(("candidate_id = $1", *where))
    async with services.pool.acquire() as conn:
        return int(
            await conn.fetchval(
                f"select count(*) from profiles.action_registrations where {clause}",
                person.id,
            )
        )


async def test_the_person_s_page_shows_each_registration_as_its_latest_version_says(
    client: httpx.AsyncClient,
    login: Login,
    web_login: WebLogin,
    services: Services,
    broker: KafkaBroker,
    unique: str,
) -> None:
    person, _ = await _person(client, login, web_login, unique)
    page = await person.page()
    assert "Actions de la banque commune" in page and "Aucune inscription" in page
    assert f'href="/actions?personne={person.id}"' in page
    assert "Chercher une action pour cette personne" in page
    waiting = uuid.uuid4()
    structure = person.web.structure
    referent = person.web.referent_id
    for event in (
        registration_event(person.id, referent, structure, status="liste_attente",
                           registration_id=waiting, title=f"Job dating {unique}"),
        registration_event(person.id, referent, structure, status="inscrit", version=3,
                           registration_id=waiting, promoted=True, title=f"Job dating {unique}"),
        # an older version read late: never overwrites the newer one
        registration_event(person.id, referent, structure, status="annule", version=2,
                           registration_id=waiting, title=f"Job dating {unique}"),
        registration_event(person.id, referent, structure, status="liste_attente",
                           title=f"Atelier CV {unique}"),
    ):  # fmt: skip
        await publish_event(broker, event)
    await eventually(lambda: _count(services, person, f"action_title = 'Atelier CV {unique}'"))
    # Keyed by the person, the four are read in order: the last one stored, all were read.
    page = await person.page()
    assert "Aucune inscription" not in page
    row = page.split(f"Job dating {unique}")[1].split("</tr>")[0]
    assert "Inscrit·e" in row and "annulée" not in row
    row = page.split(f"Atelier CV {unique}")[1].split("</tr>")[0]
    assert "Sur liste d'attente" in row
    assert "Visite d'entreprise, FACE Grand Toulouse" in page


async def test_an_attended_action_and_its_outcome_reach_the_passeport_page_pdf_and_json(
    client: httpx.AsyncClient,
    login: Login,
    web_login: WebLogin,
    services: Services,
    broker: KafkaBroker,
    unique: str,
) -> None:
    person, headers = await _person(client, login, web_login, unique)
    structure, referent = person.web.structure, person.web.referent_id
    attended = registration_event(
        person.id, referent, structure, status="present", version=2,
        outcome="Entretien obtenu", title=f"Visite chantier {unique}",
    )  # fmt: skip
    missed = registration_event(
        person.id, referent, structure, status="absent", version=2, title=f"Webinaire {unique}"
    )
    for event in (attended, missed):
        await publish_event(broker, event)
    await eventually(lambda: _count(services, person, "status = 'absent'"))
    await eventually(lambda: _count(services, person, "status = 'present'"))

    page = await person.page("/passeport")
    actions = page.split('id="titre-actions"')[1].split("</section>")[0]
    assert f"Visite chantier {unique}" in actions and "résultat : Entretien obtenu" in actions
    assert f"Webinaire {unique}" not in page  # absent: not an action followed
    assert "Rien pour l'instant" not in actions  # the section is not empty
    pdf = await person.get(f"/espace/personnes/{person.id}/passeport.pdf")
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"Visite chantier {unique}" in text and "Entretien obtenu" in text
    assert f"Webinaire {unique}" not in text
    exported = await person.get(f"/espace/personnes/{person.id}/passeport.json")
    [done] = exported.json()["sections"]["actions"]["banque_commune"]
    assert done["title"] == f"Visite chantier {unique}" and done["outcome"] == "Entretien obtenu"

    erased = await client.delete(f"/profiles/{person.id}", headers=headers)
    assert erased.status_code == 204
    assert await _count(services, person) == 0
    await publish_event(broker, attended.model_copy(update={"event_id": uuid.uuid4()}))
    late = registration_event(person.id, referent, structure, status="inscrit")
    await publish_event(broker, late)  # read after the erasure: never brings the person back
    await asyncio.sleep(2)
    assert await _count(services, person) == 0


async def test_a_record_that_is_not_a_registration_goes_to_the_dead_letters(
    app: Any, broker: KafkaBroker, kafka_bootstrap: str, unique: str
) -> None:
    from tests.integration.notifier.helpers import TopicWatcher

    dlq = TopicWatcher(kafka_bootstrap, REGISTRATIONS.dlq.name, REGISTRATIONS.dlq.partitions)
    await dlq.start()
    try:
        key = f"poison-{unique}".encode()
        await broker.publish(b"{not json", REGISTRATIONS.name, key=key)
        [record] = await dlq.find(lambda r: r.key == key)
        assert dict(record.headers)["dlq.reason"].startswith(b"not JSON")
    finally:
        await dlq.stop()
