"""A partner's catalogue imported from CSV: all or nothing, every error with its line; the same
references imported again update their actions instead of adding copies."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from services.actions.bootstrap import Services
from tests.integration.actions.catalogue_helpers import published
from tests.integration.actions.conftest import MakeReferent

pytestmark = pytest.mark.integration
HEADER = (
    "reference;type;intitule;metiers;publics;commune;a_distance;date;heure_debut;heure_fin;places"
)


def catalogue(unique: str, *, places: str = "10", title: str = "Découvrir le BTP") -> str:
    btp = f"BTP-{unique};decouverte_metiers;{title};maçon|F1610;tous;31555;non"
    return "\n".join(
        [
            HEADER,
            f"{btp};12/01/2030;09:00;12:00;{places}",
            f"{btp};19/01/2030;09:00;12:00;{places}",
            f"CV-{unique};atelier;Refaire son CV;;jeunes;Muret (31395);non;02/02/2030;14h;16h;8",
            f"VISIO-{unique};webinaire;Le numérique;;tous;;oui;03/02/2030;10:00;11:00;50",
        ]
    )


async def actions_of(services: Services, structure: str) -> list[tuple[str, int, int]]:
    async with services.pool.acquire() as conn:
        rows = await conn.fetch(
            "select a.title, a.version, count(s.*) as sessions from actions.actions a"
            " join actions.sessions s using (action_id) where a.provider_structure = $1"
            " group by a.action_id order by a.title",
            structure,
        )
    return [(r["title"], r["version"], r["sessions"]) for r in rows]


async def test_a_file_with_three_bad_lines_reports_them_all_and_stores_nothing(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    partner = await make_referent(f"FACE{unique}")
    lines = catalogue(unique).split("\n")
    lines[2] = lines[2].replace("19/01/2030", "31/02/2030")  # no such day
    lines[3] = lines[3].replace("Muret (31395)", "Atlantide")
    lines[4] = lines[4].replace(";50", ";0")
    response = await client.post(
        "/actions/api/import", content="\n".join(lines).encode(), headers=partner.api
    )
    assert response.status_code == 422
    errors = response.json()["detail"]["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [
        (3, "date"),
        (4, "commune"),
        (5, "places"),
    ]
    assert await actions_of(services, partner.structure) == []


async def test_a_good_file_stores_every_action_and_importing_it_again_updates_them(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    partner = await make_referent(f"FACE{unique}")
    first = await client.post(
        "/actions/api/import", content=catalogue(unique).encode("utf-8-sig"), headers=partner.api
    )
    assert first.status_code == 200, first.text
    assert first.json() == {"created": 3, "updated": 0, "sessions_added": 4, "sessions_updated": 0}
    assert await actions_of(services, partner.structure) == [
        ("Découvrir le BTP", 1, 2),
        ("Le numérique", 1, 1),
        ("Refaire son CV", 1, 1),
    ]
    again = catalogue(unique, places="12", title="Découvrir le BTP (nouvelle formule)")
    second = await client.post("/actions/api/import", content=again.encode(), headers=partner.api)
    assert second.status_code == 200, second.text
    assert second.json() == {"created": 0, "updated": 3, "sessions_added": 0, "sessions_updated": 4}
    assert await actions_of(services, partner.structure) == [
        ("Découvrir le BTP (nouvelle formule)", 2, 2),
        ("Le numérique", 2, 1),
        ("Refaire son CV", 2, 1),
    ]
    async with services.pool.acquire() as conn:
        btp = await conn.fetchval(
            "select action_id from actions.import_references where reference = $1",
            f"BTP-{unique}",
        )
    events = await published(services, btp)
    assert [e["version"] for e in events] == [1, 2]
    assert [s["capacity"] for s in events[-1]["sessions"]] == [12, 12]


async def test_another_partner_importing_the_same_references_gets_its_own_actions(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    one, other = await make_referent(f"FACE{unique}"), await make_referent(f"AFPA{unique}")
    body = catalogue(unique).encode()
    assert (await client.post("/actions/api/import", content=body, headers=one.api)).json()[
        "created"
    ] == 3
    assert (await client.post("/actions/api/import", content=body, headers=other.api)).json()[
        "created"
    ] == 3
    assert len(await actions_of(services, one.structure)) == 3


async def test_the_same_file_imported_twice_at_once_makes_each_action_once(
    client: httpx.AsyncClient, services: Services, make_referent: MakeReferent, unique: str
) -> None:
    partner = await make_referent(f"FACE{unique}")
    body = catalogue(unique).encode()
    replies = await asyncio.gather(
        *(client.post("/actions/api/import", content=body, headers=partner.api) for _ in range(2))
    )
    assert sorted(r.json()["created"] for r in replies) == [0, 3]
    assert [n for _, _, n in await actions_of(services, partner.structure)] == [2, 1, 1]


async def test_a_file_too_long_is_refused_with_the_limit(
    client: httpx.AsyncClient, make_referent: MakeReferent, unique: str
) -> None:
    partner = await make_referent(f"FACE{unique}")
    line = f"L-{unique};atelier;CV;;tous;31555;non;12/01/2030;09:00;12:00;10"
    body = "\n".join([HEADER, *[line] * 2001]).encode()
    response = await client.post("/actions/api/import", content=body, headers=partner.api)
    assert response.status_code == 413
    assert "2000 au plus" in response.json()["detail"]
